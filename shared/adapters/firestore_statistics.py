"""The statistics counters on Firestore (R19): `statistics_days/{day}-{shard}` documents, one
field per counter, each moved by an `Increment` transform in the transaction (or batch) that
writes the case and the events it comes from; no read, so counting adds no contention of reads.

Sharded: a day's counters are spread over `SHARDS` documents by a hash of the case number, so
one document takes a quarter of the day's counting writes (Firestore sustains about one write a
second per document; see "Statistics" in docs/design.md for the arithmetic). A period is read
by one range query on `day` (its automatic single-field index), which finds every shard of every
day whatever `SHARDS` was when they were written, and the shards are summed.

Field names: a counter's name may hold any text (a category, a department, a staff id), and the
emulator refuses a transform on a quoted or nested field path, so each name is kept as a plain
identifier: `n_` and the name with every byte outside [A-Za-z0-9] written `_xx` (hex)."""
from __future__ import annotations

import hashlib
import re
from datetime import date, tzinfo

from google.cloud import firestore

from shared.domain.cases import Case
from shared.domain.statistics_counters import Facts, Move, moves

STATISTICS = "statistics_days"
SHARDS = 4
_PLAIN = re.compile(rb"[A-Za-z0-9]")


def field_name(name: str) -> str:
    """The document field that holds the counter `name`."""
    return "n_" + "".join(chr(b) if _PLAIN.fullmatch(bytes([b])) else f"_{b:02x}"
                          for b in name.encode())


def counter_name(field: str) -> str | None:
    """The counter a field holds, or None for another field."""
    if not field.startswith("n_"):
        return None
    return re.sub(rb"_([0-9a-f]{2})", lambda m: bytes([int(m[1], 16)]),
                  field[2:].encode()).decode()


def shard_of(number: str) -> int:
    return int.from_bytes(hashlib.sha256(number.encode()).digest()[:4], "big") % SHARDS


def count(writer, client: firestore.Client, case: Case, before: Facts | None,
          zone: tzinfo) -> int:
    """Add the counter moves of the case's new events to `writer` (a transaction or batch);
    how many documents that writes."""
    return add(writer, client, moves(before, case, case.new_events, zone), shard_of(case.number))


def add(writer, client: firestore.Client, found: list[Move], shard: int) -> int:
    by_day: dict[date, dict] = {}
    for move in found:
        fields = by_day.setdefault(move.day, {"day": move.day.isoformat()})
        fields[field_name(move.name)] = firestore.Increment(move.delta)
    for day, fields in by_day.items():
        writer.set(client.collection(STATISTICS).document(f"{day.isoformat()}-{shard}"),
                   fields, merge=True)
    return len(by_day)


def read(client: firestore.Client, start: date, end: date) -> tuple[dict[date, dict[str, int]], int]:
    """The counters of the days from `start` (inclusive) to `end` (exclusive), by day (shards
    summed), and how many documents were read."""
    query = (client.collection(STATISTICS)
             .where(filter=firestore.FieldFilter("day", ">=", start.isoformat()))
             .where(filter=firestore.FieldFilter("day", "<", end.isoformat())))
    days: dict[date, dict[str, int]] = {}
    documents = 0
    for snapshot in query.stream():
        documents += 1
        record = snapshot.to_dict()
        counts = days.setdefault(date.fromisoformat(record["day"]), {})
        for field, value in record.items():
            name = counter_name(field)
            if name is not None and value:
                counts[name] = counts.get(name, 0) + value
    for counts in days.values():
        for name in [n for n, v in counts.items() if not v]:
            del counts[name]
    return days, documents


def replace_all(client: firestore.Client, days: dict[date, dict[str, int]], batch_size: int = 400
                ) -> int:
    """Every counter document replaced by `days`, one document a day (shard 0): the old ones
    deleted, the new ones written, in batches (not one commit: a store may hold years of days).
    How many documents were written or deleted."""
    written, batch = 0, client.batch()
    for snapshot in client.collection(STATISTICS).stream():
        batch.delete(snapshot.reference)
        written += 1
        if written % batch_size == 0:
            batch.commit()
            batch = client.batch()
    for day, counts in sorted(days.items()):
        fields = {"day": day.isoformat(), **{field_name(n): v for n, v in counts.items() if v}}
        batch.set(client.collection(STATISTICS).document(f"{day.isoformat()}-0"), fields)
        written += 1
        if written % batch_size == 0:
            batch.commit()
            batch = client.batch()
    batch.commit()
    return written
