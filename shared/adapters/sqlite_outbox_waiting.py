"""The SQLite store's reads and writes of outbox entries that wait (issue 12): the retries a
transport that is back brings forward, read through the due index (`outbox_due`: awaiting,
due_at), changed a page per transaction; and a case's own entries that wait, for its status page
(`outbox_case`, migration 16)."""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime

from shared.domain.outbox import OutboxMessage

from . import records


class SqliteOutboxWaiting:
    """The waiting-mail methods of `SqliteCaseStore` (its connection, transactions and count)."""

    def waiting_outbox(self, after: datetime, limit: int) -> list[OutboxMessage]:
        self.operations += 1
        rows = self._connection().execute(
            "SELECT doc FROM outbox WHERE awaiting = 1 AND due_at >= ? ORDER BY due_at LIMIT ?",
            (records.time_text(after), limit)).fetchall()
        return [records.outbox_from_record(json.loads(r[0])) for r in rows]

    def reschedule_outbox(self, ids: Sequence[str],
                          change: Callable[[OutboxMessage], bool]) -> int:
        written = 0
        with self._transaction() as db:
            for message_id in ids:
                self.operations += 1
                row = db.execute("SELECT doc FROM outbox WHERE id = ?", (message_id,)).fetchone()
                if row is None:
                    continue
                message = records.outbox_from_record(json.loads(row[0]))
                if change(message):
                    self._upsert_outbox(db, message)
                    written += 1
        return written

    def waiting_outbox_of_case(self, number: str) -> list[OutboxMessage]:
        self.operations += 1
        rows = self._connection().execute(
            "SELECT doc FROM outbox WHERE case_number = ? AND awaiting = 1", (number,)).fetchall()
        return [records.outbox_from_record(json.loads(r[0])) for r in rows]
