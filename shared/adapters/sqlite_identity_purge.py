"""The store's part of an identity purge on SQLite (`identity_purge.IdentityPurge`), run in the
transaction that writes the purged case: its private record deleted, its email hash cleared
(the repeat-complaint and queue filter by reporter no longer find it), and the events it
scrubbed rewritten in place (the only rewrite of an event: same seq, same chain links), and the
held mail filed in the case without its sender."""
from __future__ import annotations

import sqlite3

from shared.domain.cases import Case

from .held_mail_records import entry_to_record
from .sqlite_schema import dump, event_row


def purge(db: sqlite3.Connection, case: Case) -> int:
    """Carry out `case.purge`; returns the statements run, for the store's count."""
    db.execute("DELETE FROM reporter_identities WHERE number = ?", (case.number,))
    db.execute("UPDATE cases SET reporter_email_hash = '' WHERE number = ?", (case.number,))
    rows = [event_row(case.number, event) for event in case.purge.redacted]
    db.executemany("UPDATE events SET type = ?, at = ?, actor = ?, public = ?, doc = ? "
                   "WHERE case_number = ? AND seq = ?",
                   [(*row[2:], row[0], row[1]) for row in rows])
    db.executemany("UPDATE held_mail SET doc = ? WHERE id = ?",
                   [(dump(entry_to_record(entry)), entry.mail.id) for entry in case.purge.held])
    statements = 3 + len(rows)
    case.purge = None
    return statements
