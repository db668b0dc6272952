"""The SQLite store's failed mail (`failed_mail.py`): outbox entries given up on, read through the
partial index of `failed_key` (migration 10), which holds those entries only."""
from __future__ import annotations

import json

from shared.domain.failed_mail import FailedMailPage
from shared.domain.queues import checked_page_size

from . import records


class SqliteFailedMail:
    """The failed-mail reads of `SqliteCaseStore` (its connection and operation count)."""

    def failed_outbox(self, limit: int = 50, after: str | None = None) -> FailedMailPage:
        self.operations += 1
        where, params = ["failed_key IS NOT NULL"], []
        if after is not None:
            records.cursor_position(after)  # a malformed cursor is an error, not an empty page
            where.append("failed_key < ?")
            params.append(after)
        rows = self._connection().execute(
            f"SELECT doc FROM outbox WHERE {' AND '.join(where)} ORDER BY failed_key DESC LIMIT ?",
            (*params, checked_page_size(limit) + 1)).fetchall()
        entries = [records.outbox_from_record(json.loads(r[0])) for r in rows[:limit]]
        more = len(rows) > limit
        return FailedMailPage(entries, records.failed_key(entries[-1]) if more else None)

    def count_failed_outbox(self) -> int:
        self.operations += 1
        return self._connection().execute(
            "SELECT COUNT(*) FROM outbox WHERE failed_key IS NOT NULL").fetchone()[0]
