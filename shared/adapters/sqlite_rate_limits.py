"""Rate-limit counters in the SQLite store: `hit_counters` (a count per slot and the time it
expires). The functions run on the store's connection, inside its transaction where they write,
and leave counting operations to the store."""
from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime, timedelta

from shared.domain.errors import LimitReached
from shared.domain.rate_limits import CounterSlot

from . import records

_LONGEST_WINDOW = timedelta(days=1)  # slots older than this are swept away


def count(db: sqlite3.Connection, slot: CounterSlot) -> int:
    row = db.execute("SELECT count FROM hit_counters WHERE key = ?", (slot.id,)).fetchone()
    return row[0] if row else 0


def count_one_more(db: sqlite3.Connection, slot: CounterSlot) -> None:
    """Count one more in the slot; LimitReached when that would pass its limit (the caller's
    transaction then rolls back, so nothing is counted). The rule of the Firestore store: a
    limit of 0 refuses the first."""
    if slot.limit is not None and count(db, slot) + 1 > slot.limit:
        raise LimitReached(slot.id)
    db.execute(
        "INSERT INTO hit_counters (key, count, expires_at) VALUES (?, 1, ?) "
        "ON CONFLICT(key) DO UPDATE SET count = count + 1",
        (slot.id, records.time_text(slot.expires_at)))


def sweep(db: sqlite3.Connection, expires_at: datetime) -> None:
    """Remove the slots that expired more than the longest window before `expires_at` (that of a
    slot being counted now), so the table holds only the slots of the current windows."""
    db.execute("DELETE FROM hit_counters WHERE expires_at < ?",
               (records.time_text(expires_at - _LONGEST_WINDOW),))


def read(db: sqlite3.Connection, slots: Sequence[CounterSlot]) -> list[int]:
    return [count(db, slot) for slot in slots]
