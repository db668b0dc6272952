"""The statistics counters on SQLite (`statistics_counts`: one row per day and name, migration
12): counted by an upsert in the transaction that writes the case and the events they come from,
read by one range scan of the primary key."""
from __future__ import annotations

import sqlite3
from datetime import date, tzinfo

from shared.domain.cases import Case
from shared.domain.statistics_counters import Facts, Move, moves

_UPSERT = ("INSERT INTO statistics_counts (day, name, count) VALUES (?, ?, ?) "
           "ON CONFLICT (day, name) DO UPDATE SET count = count + excluded.count")


def count(db: sqlite3.Connection, case: Case, before: Facts | None, zone: tzinfo) -> int:
    """Apply the counter moves of the case's new events; the statements run (0 or 1)."""
    return add(db, moves(before, case, case.new_events, zone))


def add(db: sqlite3.Connection, found: list[Move]) -> int:
    """Count the moves in one statement (0 when there are none)."""
    if not found:
        return 0
    db.executemany(_UPSERT, [(m.day.isoformat(), m.name, m.delta) for m in found])
    return 1


def read(db: sqlite3.Connection, start: date, end: date) -> dict[date, dict[str, int]]:
    """The counters of the days from `start` (inclusive) to `end` (exclusive), by day."""
    days: dict[date, dict[str, int]] = {}
    for day, name, value in db.execute(
            "SELECT day, name, count FROM statistics_counts WHERE day >= ? AND day < ?",
            (start.isoformat(), end.isoformat())):
        if value:
            days.setdefault(date.fromisoformat(day), {})[name] = value
    return days


def replace_all(db: sqlite3.Connection, days: dict[date, dict[str, int]]) -> None:
    """Every counter replaced by `days` (the recount), in the caller's transaction."""
    db.execute("DELETE FROM statistics_counts")
    db.executemany("INSERT INTO statistics_counts (day, name, count) VALUES (?, ?, ?)",
                   [(day.isoformat(), name, value) for day, counts in days.items()
                    for name, value in counts.items() if value])
