"""Public disclosures of major cases in the SQLite store (R22, migration 12): `disclosures`, one row
per published disclosure holding its public record only (`disclosures.public_disclosure`), with
`published_key` indexed for a period's range. Written in the transaction of its case's write.
Mixed into `SqliteCaseStore`, whose transactions, case reads and writes it uses."""
from __future__ import annotations

import json
from collections.abc import Callable

from shared.domain.cases import Case
from shared.domain.disclosures import public_disclosure
from shared.domain.errors import CaseNotFound

from . import sqlite_queues
from .sqlite_schema import dump


class SqliteDisclosures:
    """The DisclosureStore port's methods of SqliteCaseStore."""

    def update_disclosure(self, number: str, change: Callable[[Case], None]) -> Case:
        with self._transaction() as db:
            case = self._case_in(db, number)
            if case is None:
                raise CaseNotFound(number)
            indexed = sqlite_queues.indexed(case)
            change(case)
            self._write_case(db, case, indexed)
            published = public_disclosure(case)
            self.operations += 1
            if published is None:
                db.execute("DELETE FROM disclosures WHERE number = ?", (number,))
            else:
                db.execute("INSERT INTO disclosures (number, published_key, doc) VALUES (?, ?, ?) "
                           "ON CONFLICT(number) DO UPDATE SET published_key = "
                           "excluded.published_key, doc = excluded.doc",
                           (number, published["published_key"], dump(published)))
        case.new_events.clear()
        return case

    def published_disclosures(self, low: str, high: str, limit: int) -> list[dict]:
        self.operations += 1
        rows = self._connection().execute(
            "SELECT doc FROM disclosures WHERE published_key >= ? AND published_key < ? "
            "ORDER BY published_key DESC LIMIT ?", (low, high, limit)).fetchall()
        return [json.loads(doc) for (doc,) in rows]
