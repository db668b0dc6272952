"""The SQLite store's mail of a period (`PeriodMailStore`): a claim row per mail and period
(`mail_claims`, migration 12) written in the transaction of the outbox entries it queues, so a
period's mail is queued once however many sweeps run."""
from __future__ import annotations

import sqlite3
from datetime import datetime

from shared.domain.outbox import OutboxMessage

from . import records


class SqlitePeriodMail:
    """The period-mail claims of `SqliteCaseStore` (its connection, transactions and count)."""

    def period_mail_claimed(self, claim: str) -> bool:
        self.operations += 1
        return self._connection().execute(
            "SELECT 1 FROM mail_claims WHERE key = ?", (claim,)).fetchone() is not None

    def queue_period_mail(self, claim: str, outbox: list[OutboxMessage], at: datetime) -> bool:
        with self._transaction() as db:
            self.operations += 1
            try:
                db.execute("INSERT INTO mail_claims (key, claimed_at, entries) VALUES (?, ?, ?)",
                           (claim, records.time_text(at), len(outbox)))
            except sqlite3.IntegrityError:
                return False  # claimed before: the transaction writes nothing
            self._insert_outbox(db, outbox)
        return True
