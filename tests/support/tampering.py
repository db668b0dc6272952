"""Changing a case's stored event records behind the store's back, as someone with direct access
to the database would: for the audit chain's tests."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing

from shared.adapters.sqlite_store import SqliteCaseStore


def alter_event(store, number: str, seq: int, change: Callable[[dict], None]) -> None:
    """Rewrite the stored record of event `seq` with `change` applied to it."""
    if isinstance(store, SqliteCaseStore):
        with closing(_database(store)) as db, db:
            [doc] = db.execute("SELECT doc FROM events WHERE case_number = ? AND seq = ?",
                               (number, seq)).fetchone()
            record = json.loads(doc)
            change(record)
            db.execute("UPDATE events SET doc = ? WHERE case_number = ? AND seq = ?",
                       (json.dumps(record, ensure_ascii=False), number, seq))
        return
    document = _event_document(store, number, seq)
    record = document.get().to_dict()
    change(record)
    document.set(record)


def delete_event(store, number: str, seq: int) -> None:
    """Remove the stored record of event `seq`."""
    if isinstance(store, SqliteCaseStore):
        with closing(_database(store)) as db, db:
            db.execute("DELETE FROM events WHERE case_number = ? AND seq = ?", (number, seq))
        return
    _event_document(store, number, seq).delete()


def _database(store: SqliteCaseStore) -> sqlite3.Connection:
    return sqlite3.connect(store._path)  # a connection of our own: the store does not know


def _event_document(store, number: str, seq: int):
    return store.client.collection("cases").document(number).collection("events") \
        .document(f"{seq:08d}")
