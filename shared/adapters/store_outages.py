"""Which store failures are outages: the store did not answer, was locked or could not be
opened, so the same request may succeed later. An entry point answers those 503 with
Retry-After (the form with what was typed kept; the SNS webhook so that SNS retries) instead of
a 500; every other error is a bug and stays one."""
from __future__ import annotations

import sqlite3

from google.api_core import exceptions as google

# SQLite says so in words only: a lock held too long (another writer, a backup), a file or
# folder that cannot be opened or written (a volume not mounted, read-only, full).
_SQLITE_OUTAGES = ("locked", "busy", "unable to open", "readonly", "disk i/o", "full")

# Firestore (and its emulator): unreachable, too slow, overloaded, or retried until the store's
# wait ran out (`firestore_waits`).
_GOOGLE_OUTAGES = (google.ServiceUnavailable, google.DeadlineExceeded, google.RetryError,
                   google.ResourceExhausted, google.InternalServerError, google.Aborted)


def is_store_outage(error: BaseException) -> bool:
    """Whether `error` (or what caused it) says the store is unavailable for now."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, _GOOGLE_OUTAGES):
            return True
        if isinstance(error, sqlite3.OperationalError):
            text = str(error).lower()
            if any(word in text for word in _SQLITE_OUTAGES):
                return True
        error = error.__cause__ or error.__context__
    return False
