"""Report marks and rewards in the SQLite store (R21, migration 7): `reporter_marks`, one row per
keyed hash of a reporter's contact with its tally (never the contact itself), and
`reward_ledger`, one row per reward with its `ledger_key` indexed for newest-first pages. Each
write runs in the transaction of its case's write. Mixed into `SqliteCaseStore`, whose
transactions, case reads and writes and operation count it uses."""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from shared.domain.cases import Case
from shared.domain.errors import CaseNotFound
from shared.domain.report_marks import Follow, moved_tallies

from . import records, sqlite_queues
from .sqlite_schema import dump


class SqliteReporterMarks:
    """The ReporterMarkStore port's methods of SqliteCaseStore."""

    def mark_case(self, number: str, change: Callable[[Case], None], keys: Sequence[str],
                  follow: Follow | None = None) -> Case:
        with self._transaction() as db:
            case = self._case_in(db, number)
            if case is None:
                raise CaseNotFound(number)
            indexed, before = sqlite_queues.indexed(case), case.report_mark
            change(case)
            read = {}
            for key in keys:
                self.operations += 1
                row = db.execute("SELECT doc FROM reporter_marks WHERE key = ?", (key,)).fetchone()
                read[key] = json.loads(row[0]) if row else None
            tallies, outbox = moved_tallies(
                case, before, read, records.time_text(case.updated_at), follow)
            self._write_case(db, case, indexed)
            for key, tally in tallies.items():
                if tally != read[key]:
                    self.operations += 1
                    db.execute("INSERT INTO reporter_marks (key, doc) VALUES (?, ?) ON CONFLICT(key) "
                               "DO UPDATE SET doc = excluded.doc", (key, dump(tally)))
            self._insert_outbox(db, outbox)
        case.new_events.clear()
        return case

    def reporter_tallies(self, keys: Sequence[str]) -> dict[str, dict]:
        if not keys:
            return {}
        self.operations += 1
        rows = self._connection().execute(
            f"SELECT key, doc FROM reporter_marks WHERE key IN ({', '.join('?' * len(keys))})",
            tuple(keys)).fetchall()
        return {key: json.loads(doc) for key, doc in rows}

    def record_reward(self, number: str, entry: dict,
                      change: Callable[[Case], None]) -> tuple[dict, Case | None]:
        with self._transaction() as db:
            self.operations += 1
            row = db.execute("SELECT doc FROM reward_ledger WHERE id = ?",
                             (entry["reward_id"],)).fetchone()
            if row:
                return json.loads(row[0]), None
            case = self._case_in(db, number)
            if case is None:
                raise CaseNotFound(number)
            indexed = sqlite_queues.indexed(case)
            change(case)
            self._write_case(db, case, indexed)
            self.operations += 1
            db.execute("INSERT INTO reward_ledger (id, ledger_key, amount_fen, doc) "
                       "VALUES (?, ?, ?, ?)", (entry["reward_id"], entry["ledger_key"],
                                               entry["amount_fen"], dump(entry)))
        case.new_events.clear()
        return entry, case

    def reward_ledger(self, limit: int, after: str | None = None, low: str = "",
                      high: str = "") -> tuple[list[dict], str | None]:
        where, values = _period(low, high)
        if after is not None:
            where, values = [*where, "ledger_key < ?"], [*values, after]
        self.operations += 1
        rows = self._connection().execute(
            f"SELECT doc FROM reward_ledger {_where(where)} ORDER BY ledger_key DESC LIMIT ?",
            (*values, limit + 1)).fetchall()
        entries = [json.loads(doc) for (doc,) in rows[:limit]]
        return entries, entries[-1]["ledger_key"] if len(rows) > limit else None

    def reward_totals(self, low: str = "", high: str = "") -> tuple[int, int]:
        where, values = _period(low, high)
        self.operations += 1
        count, total = self._connection().execute(
            f"SELECT COUNT(*), COALESCE(SUM(amount_fen), 0) FROM reward_ledger {_where(where)}",
            tuple(values)).fetchone()
        return count, total


def _period(low: str, high: str) -> tuple[list[str], list[str]]:
    where = (["ledger_key >= ?"] if low else []) + (["ledger_key < ?"] if high else [])
    return where, [bound for bound in (low, high) if bound]


def _where(conditions: list[str]) -> str:
    return f"WHERE {' AND '.join(conditions)}" if conditions else ""
