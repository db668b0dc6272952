"""Which store errors are outages (answered 503, try again) and which are bugs (a 500 stays)."""
from __future__ import annotations

import sqlite3

import pytest
from google.api_core import exceptions as google
from google.api_core.exceptions import RetryError

from shared.adapters.store_outages import is_store_outage


@pytest.mark.parametrize("error", [
    sqlite3.OperationalError("database is locked"),
    sqlite3.OperationalError("unable to open database file"),
    sqlite3.OperationalError("attempt to write a readonly database"),
    sqlite3.OperationalError("disk I/O error"),
    sqlite3.OperationalError("database or disk is full"),
    google.ServiceUnavailable("failed to connect to all addresses"),
    google.DeadlineExceeded("Deadline Exceeded"),
    RetryError("Timeout of 1.0s exceeded", google.ServiceUnavailable("down")),
])
def test_a_store_that_cannot_answer_now_is_an_outage(error):
    assert is_store_outage(error)


def test_an_outage_behind_another_error_is_still_one():
    try:
        try:
            raise sqlite3.OperationalError("database is locked")
        except sqlite3.OperationalError as locked:
            raise RuntimeError("registration failed") from locked
    except RuntimeError as wrapped:
        assert is_store_outage(wrapped)


@pytest.mark.parametrize("error", [
    sqlite3.OperationalError("no such table: cases"),  # a bug or a missed migration
    sqlite3.IntegrityError("UNIQUE constraint failed: mail_index.key"),
    google.InvalidArgument("document too large"),
    google.PermissionDenied("missing role"),
    KeyError("raw message"),
    ValueError("bad input"),
])
def test_bugs_and_refusals_are_not_outages(error):
    assert not is_store_outage(error)
