"""The answer of an entry point whose store is unavailable (issue 12): 503 with Retry-After, so
browsers' people, SNS and mail servers try again later, and the failure logged once. Which
errors are outages is the adapters' knowledge (`shared.adapters.store_outages`): the entry
point passes that test in, so the web edge stays free of store libraries."""
from __future__ import annotations

import logging

RETRY_AFTER_SECONDS = 30

log = logging.getLogger("store_outage")


def unavailable_headers(headers: dict | None = None) -> dict:
    """`headers` with Retry-After: a 503 says when to come back."""
    return {**(headers or {}), "Retry-After": str(RETRY_AFTER_SECONDS)}


def logged(where: str, error: BaseException) -> None:
    """One warning line naming the entry point and the store's error (no traceback: an outage
    is not a bug, and a long one would flood the log)."""
    log.warning("%s: the store is unavailable (%s: %s)", where, type(error).__name__,
                str(error)[:300])
