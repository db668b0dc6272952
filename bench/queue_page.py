"""Queue pages: a page of 50 from a filtered, ordered queue against reading 50 case documents by
key in one call, on the same store, in one process, interleaved. SQLite holds 100 000 cases;
the Firestore emulator 10 000 by default (it answers a query by scanning the whole collection in
JavaScript, so a bigger load measures the emulator, not the design; real Firestore reads an index).

    .venv/bin/python -m bench.queue_page [--sqlite-cases 100000] [--firestore-cases 10000]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from shared.adapters import records
from shared.adapters.sqlite_schema import CASE_COLUMNS, case_columns, dump, event_row
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.domain.cases import Case, Channel, EventType, Kind, Status, TimelineEvent
from shared.domain.queues import CaseQuery, QueueOrder, reporter_email_hash

PAGE = 50
START = datetime(2026, 1, 1, tzinfo=UTC)
STATUSES = [Status.RECEIVED, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS,
            Status.AWAITING_REPORTER, Status.CLOSED]
QUERIES = {
    "department queue (status + department, most urgent first)":
        CaseQuery(status="assigned", department="d3", order=QueueOrder.MOST_URGENT_FIRST),
    "intake queue (status, newest first)": CaseQuery(status="received"),
    "category + channel (one filter checked on results in Firestore)":
        CaseQuery(category="c5", channel="email"),
}


def a_case(rng: random.Random, i: int) -> tuple[Case, str]:
    received = START + timedelta(minutes=rng.randrange(525_600))
    number = f"TS-{received:%Y%m%d}-{uuid.UUID(int=rng.getrandbits(128)).hex[:6].upper()}{i:06d}"
    status = rng.choice(STATUSES)
    case = Case(number=number, kind=Kind.COMPLAINT, channel=rng.choice(list(Channel)[:2]),
                category=f"c{rng.randrange(8)}", subject="订单问题 " * 3,
                description="客服三天没有回复我的退款申请。" * 10, desired_outcome="退款",
                received_at=received, review_due_at=received + timedelta(hours=24),
                access_code_hash="0" * 64, status=status,
                department=f"d{rng.randrange(10)}" if status != Status.RECEIVED else "",
                next_due_at=None if status == Status.CLOSED
                else received + timedelta(days=rng.randrange(1, 30)))
    case.record(TimelineEvent(EventType.CASE_REGISTERED, received))
    return case, f"person{rng.randrange(50_000)}@example.com"


def load_sqlite(store: SqliteCaseStore, count: int) -> None:
    """What `register` writes for each case (case row, its events, its private record), in bulk
    transactions: 100 000 single registrations would take minutes and measure nothing new."""
    rng = random.Random(7)
    insert = (f"INSERT INTO cases (number, doc, {', '.join(CASE_COLUMNS)}) "
              f"VALUES (?, ?{', ?' * len(CASE_COLUMNS)})")
    for first in range(0, count, 10_000):
        with store._transaction() as db:
            for i in range(first, min(first + 10_000, count)):
                case, email = a_case(rng, i)
                db.execute(insert, (case.number, dump(records.case_to_record(case)),
                                    *case_columns(case, email)))
                db.executemany("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                               [event_row(case.number, e) for e in case.new_events])
                db.execute("INSERT INTO reporter_identities VALUES (?, ?)",
                           (case.number, dump({"case_number": case.number, "email": email,
                                               "name": "", "phone": ""})))


def load_firestore(store, count: int) -> None:
    rng = random.Random(7)
    client = store.client
    batch, writes = client.batch(), 0
    for i in range(count):
        case, email = a_case(rng, i)
        record = {**records.case_to_record(case), **records.queue_keys(case),
                  "reporter_email_hash": reporter_email_hash(email)}
        ref = client.collection("cases").document(case.number)
        batch.set(ref, record)
        for event in case.new_events:
            batch.set(ref.collection("events").document(f"{event.seq:08d}"),
                      records.event_to_record(event))
        writes += 2
        if writes >= 400:
            batch.commit()
            batch, writes = client.batch(), 0
    if writes:
        batch.commit()


def read_by_key(store, numbers: list[str]) -> int:
    """The baseline: the 50 case documents read by key in one call."""
    if isinstance(store, SqliteCaseStore):
        rows = store._connection().execute(
            f"SELECT doc FROM cases WHERE number IN ({', '.join('?' * len(numbers))})",
            numbers).fetchall()
        return len([records.case_from_record(json.loads(r[0])) for r in rows])
    refs = [store.client.collection("cases").document(n) for n in numbers]
    return len([records.case_from_record(s.to_dict()) for s in store.client.get_all(refs)])


def timed(action, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def measure(store, name: str, rounds: int) -> None:
    print(f"\n{name}")
    for label, query in QUERIES.items():
        page = store.find_cases(query, limit=PAGE)
        numbers = [c.number for c in page.cases]
        assert len(numbers) == PAGE, f"{label}: only {len(numbers)} cases"
        deep, cursor, depth = page, None, 1
        while depth < 20 and deep.next_cursor:  # a deep page: with keysets depth costs nothing
            cursor, depth = deep.next_cursor, depth + 1
            deep = store.find_cases(query, limit=PAGE, after=cursor)
        before = store.operations
        store.find_cases(query, limit=PAGE)
        reads = store.operations - before
        queue = key = deep_ms = 0.0
        for _ in range(3):  # interleaved rounds
            queue += timed(lambda: store.find_cases(query, limit=PAGE), rounds)
            key += timed(lambda: read_by_key(store, numbers), rounds)
            deep_ms += timed(lambda: store.find_cases(query, limit=PAGE, after=cursor), rounds)
        queue, key, deep_ms = queue / 3, key / 3, deep_ms / 3
        print(f"  {label}: page {queue:.2f} ms, 50 by key {key:.2f} ms, ratio {queue / key:.2f}; "
              f"page {depth} {deep_ms:.2f} ms; {reads} store reads for the page")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sqlite-cases", type=int, default=100_000)
    parser.add_argument("--firestore-cases", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteCaseStore(Path(folder) / "bench.sqlite3")
        started = time.perf_counter()
        load_sqlite(store, args.sqlite_cases)
        print(f"SQLite: {args.sqlite_cases} cases loaded in {time.perf_counter() - started:.1f} s")
        measure(store, f"SQLite, {args.sqlite_cases} cases", args.rounds)
    if args.firestore_cases:
        from shared.adapters.firestore_store import FirestoreCaseStore
        from tests.support.firestore_emulator import running_firestore_emulator

        with running_firestore_emulator() as host_port:
            os.environ["FIRESTORE_EMULATOR_HOST"] = host_port
            store = FirestoreCaseStore(project=f"bench-{uuid.uuid4().hex[:8]}")
            started = time.perf_counter()
            load_firestore(store, args.firestore_cases)
            print(f"\nFirestore emulator: {args.firestore_cases} cases loaded in "
                  f"{time.perf_counter() - started:.1f} s")
            measure(store, f"Firestore emulator, {args.firestore_cases} cases",
                    max(5, args.rounds // 3))


if __name__ == "__main__":
    main()
