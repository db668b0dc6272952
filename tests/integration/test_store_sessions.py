"""Staff session storage, one contract on every store (SQLite and the Firestore emulator)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.domain.sessions import Session, new_token, token_hash

NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def a_session(created_at=NOW, hours=8, **overrides) -> Session:
    token = new_token()
    fields = dict(token_hash=token_hash(token), staff_id="demo.clerk", created_at=created_at,
                  expires_at=created_at + timedelta(hours=hours), client="127.0.0.1", token=token)
    fields.update(overrides)
    return Session(**fields)


def test_a_session_reads_back_by_its_token_hash_without_its_token(store):
    session = a_session()
    store.put_session(session)
    found = store.session(session.token_hash)
    assert found == session
    assert (found.created_at, found.expires_at, found.client) == (NOW, NOW + timedelta(hours=8),
                                                                  "127.0.0.1")
    assert found.token == ""  # the token itself is never stored
    assert store.session(token_hash(new_token())) is None


def test_a_deleted_session_is_gone_at_once_and_others_stay(store):
    first, second = a_session(), a_session()
    store.put_session(first)
    store.put_session(second)
    store.delete_session(first.token_hash)
    assert store.session(first.token_hash) is None
    assert store.session(second.token_hash) == second
    store.delete_session(first.token_hash)  # again: nothing happens


def test_sqlite_sweeps_expired_sessions_at_each_new_one(sqlite_store):
    old = a_session(created_at=NOW - timedelta(hours=9))
    live = a_session(created_at=NOW - timedelta(hours=1))
    sqlite_store.put_session(old)
    sqlite_store.put_session(live)
    sqlite_store.put_session(a_session())
    assert sqlite_store.session(old.token_hash) is None
    assert sqlite_store.session(live.token_hash) == live
