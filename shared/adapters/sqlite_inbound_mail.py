"""Inbound mail in the SQLite store: `mail_index` (every inbound message's and every sent
message's key → its case or held entry: duplicates and threading) and `held_mail` (mail that
belongs to no case; `open` until staff settle it, migration 5). The functions run on the store's
connection, inside its transaction where they write, and leave counting operations to the store;
`SqliteHeldMail` is the staff's held-mail queue, mixed into `SqliteCaseStore`."""
from __future__ import annotations

import json
import sqlite3

from shared.domain.cases import HeldMail, MailRecord
from shared.domain.errors import MailAlreadyRecorded
from shared.domain.held_mail import HeldEntry, HeldMailNotFound, HeldMailPage, Resolution
from shared.domain.queues import checked_page_size

from . import records
from .held_mail_records import cursor_position, entry_from_record, entry_to_record, held_key
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
    db.execute("INSERT INTO held_mail (id, received_at, doc, open) VALUES (?, ?, ?, 1)",
               (held.id, records.time_text(held.received_at),
                dump(entry_to_record(HeldEntry(held)))))


def held(db: sqlite3.Connection, limit: int) -> list[HeldMail]:
    rows = db.execute(
        "SELECT doc FROM held_mail ORDER BY received_at DESC LIMIT ?", (limit,)).fetchall()
    return [records.held_from_record(json.loads(r[0])) for r in rows]


def open_page(db: sqlite3.Connection, limit: int, after: str | None) -> HeldMailPage:
    """The open entries after the cursor, newest first (the `held_mail_open` index: ties on
    received_at are ordered by id, so none repeats or is skipped across pages)."""
    moment, held_id = cursor_position(after) if after is not None else ("\uffff", "")
    rows = db.execute(
        "SELECT doc FROM held_mail WHERE open = 1 AND (received_at, id) < (?, ?) "
        "ORDER BY received_at DESC, id DESC LIMIT ?", (moment, held_id, limit + 1)).fetchall()
    entries = [entry_from_record(json.loads(r[0])) for r in rows]
    more = len(entries) > limit
    return HeldMailPage(entries[:limit], held_key(entries[limit - 1].mail) if more else None)


def entry(db: sqlite3.Connection, held_id: str) -> HeldEntry | None:
    row = db.execute("SELECT doc FROM held_mail WHERE id = ?", (held_id,)).fetchone()
    return entry_from_record(json.loads(row[0])) if row else None


class SqliteHeldMail:
    """The held-mail queue methods of SqliteCaseStore (its connection, transactions and
    operation count)."""

    def open_held_mail(self, limit: int = 50, after: str | None = None) -> HeldMailPage:
        self.operations += 1
        return open_page(self._connection(), checked_page_size(limit), after)

    def get_held_mail(self, held_id: str) -> HeldEntry | None:
        self.operations += 1
        return entry(self._connection(), held_id)

    def settle_held_mail(self, held_id: str, resolution: Resolution) -> HeldEntry:
        with self._transaction() as db:
            self.operations += 2
            found = entry(db, held_id)
            if found is None:
                raise HeldMailNotFound(held_id)
            settled = found.settled(resolution)  # HeldMailSettled: the transaction rolls back
            db.execute("UPDATE held_mail SET open = 0, doc = ? WHERE id = ?",
                       (dump(entry_to_record(settled)), held_id))
        return settled
