"""Inbound mail in the SQLite store: `mail_index` (every inbound message's and every sent
message's key → its case or held entry: duplicates and threading) and `held_mail` (mail that
belongs to no case). The functions run on the store's connection, inside its transaction where
they write, and leave counting operations to the store."""
from __future__ import annotations

import json
import sqlite3

from shared.domain.cases import HeldMail, MailRecord
from shared.domain.errors import MailAlreadyRecorded

from . import records
from .sqlite_schema import dump


def find(db: sqlite3.Connection, key: str) -> MailRecord | None:
    row = db.execute(
        "SELECT case_number, held_id, sent FROM mail_index WHERE key = ?", (key,)).fetchone()
    return MailRecord(row[0], row[1], bool(row[2])) if row else None


def claim(db: sqlite3.Connection, key: str, target: MailRecord) -> None:
    """Point an inbound message's key at its case or held entry; MailAlreadyRecorded when the
    key is known (the message came before)."""
    if db.execute("SELECT 1 FROM mail_index WHERE key = ?", (key,)).fetchone():
        raise MailAlreadyRecorded(key)
    db.execute("INSERT INTO mail_index VALUES (?, ?, ?, 0)", (key, target.case_number, target.held_id))


def mark_sent(db: sqlite3.Connection, key: str, case_number: str) -> None:
    """Point one of our sent messages' keys at its case (replies to it thread there)."""
    db.execute("INSERT OR REPLACE INTO mail_index VALUES (?, ?, '', 1)", (key, case_number))


def hold(db: sqlite3.Connection, held: HeldMail) -> None:
    db.execute("INSERT INTO held_mail (id, received_at, doc) VALUES (?, ?, ?)",
               (held.id, records.time_text(held.received_at), dump(records.held_to_record(held))))


def held(db: sqlite3.Connection, limit: int) -> list[HeldMail]:
    rows = db.execute(
        "SELECT doc FROM held_mail ORDER BY received_at DESC LIMIT ?", (limit,)).fetchall()
    return [records.held_from_record(json.loads(r[0])) for r in rows]
