"""Queue pages: a page of 50 from a filtered, ordered queue against reading 50 case documents by
key in one call, on the same store, in one process, interleaved: store queries (`find_cases`),
then staff queue pages and subject-word searches as staff get them (`StaffQueues.cases`: the
request checked, the query, the items built). SQLite holds 100 000 cases; the Firestore emulator
10 000 by default (it answers a query by scanning the whole collection in JavaScript, so a bigger
load measures the emulator, not the design; real Firestore reads an index).

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
from shared.adapters.firestore_case_documents import case_record
from shared.adapters.sqlite_schema import (
    CASE_COLUMNS,
    INSERT_TERMS,
    case_columns,
    dump,
    event_row,
    term_rows,
)
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.domain.cases import Case, Channel, EventType, Kind, Status, TimelineEvent
from shared.domain.queues import CaseQuery, QueueOrder, reporter_email_hash
from shared.domain.staff import Requester, Role, StaffMember
from shared.services.staff_queues import StaffQueues

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
# Subjects: a topic (one case in ten each) and a kind of trouble, in Chinese and in English, so
# that a word is in 10 % of the subjects, two words together in 1 %.
TOPICS = ["订单", "退款", "物流", "账号", "客服", "发票", "优惠券", "会员", "直播", "评论"]
TROUBLES = ["没有回复", "一直未到账", "被盗用", "态度很差", "无法使用", "重复扣费", "延误三天", "丢失",
            "信息泄露", "虚假宣传"]
ENGLISH = ["refund", "delivery", "account", "invoice", "coupon", "member", "stream", "comment",
           "billing", "privacy"]
SUPERVISOR = Requester(StaffMember("bench-supervisor", "s@example.com", "s",
                                   frozenset({Role.SUPERVISOR}), department="d3"), "203.0.113.9")
HANDLER = Requester(StaffMember("bench-handler", "h@example.com", "h", frozenset({Role.HANDLER}),
                                department="d3"), "203.0.113.9")
# label: (who asks, StaffQueues.cases arguments)
STAFF_PAGES = {
    "staff: new cases, most urgent first": (SUPERVISOR, dict(queue="new")),
    "staff: a handler's department, status assigned": (HANDLER, dict(status="assigned")),
    "staff: everything, newest first": (SUPERVISOR, dict()),
    "words: one word (10 % of cases)": (SUPERVISOR, dict(words="退款")),
    "words: two words (1 %)": (SUPERVISOR, dict(words="退款 一直未到账")),
    "words: an English word and a status (10 % × 1/6)": (SUPERVISOR, dict(words="refund",
                                                                             status="received")),
}


def a_case(rng: random.Random, i: int) -> tuple[Case, str]:
    received = START + timedelta(minutes=rng.randrange(525_600))
    number = f"TS-{received:%Y%m%d}-{uuid.UUID(int=rng.getrandbits(128)).hex[:6].upper()}{i:06d}"
    status = rng.choice(STATUSES)
    subject = f"{rng.choice(TOPICS)}{rng.choice(TROUBLES)} {rng.choice(ENGLISH)} 订单{i}"
    case = Case(number=number, kind=Kind.COMPLAINT, channel=rng.choice(list(Channel)[:2]),
                category=f"c{rng.randrange(8)}", subject=subject,
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
                db.executemany(INSERT_TERMS, term_rows(case.number, records.time_text(case.received_at),
                                                       case.subject))
                db.execute("INSERT INTO reporter_identities VALUES (?, ?)",
                           (case.number, dump({"case_number": case.number, "email": email,
                                               "name": "", "phone": ""})))


def load_firestore(store, count: int) -> None:
    rng = random.Random(7)
    client = store.client
    batch, writes = client.batch(), 0
    for i in range(count):
        case, email = a_case(rng, i)
        record = case_record(case, reporter_email_hash(email))
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


def store_page(store, query: CaseQuery):
    """A page of `query` from the store: (case numbers, a function reading the page after)."""
    def page(after=None):
        found = store.find_cases(query, limit=PAGE, after=after)
        return [c.number for c in found.cases], found.next_cursor
    return page


def staff_page(store, who: Requester, asked: dict):
    """A page of a staff queue as the API gets it."""
    queues = StaffQueues(store)

    def page(after=None):
        found = queues.cases(who, **asked, after=after, limit=PAGE)
        return [item["number"] for item in found["items"]], found["next_cursor"]
    return page


def measure(store, name: str, rounds: int) -> None:
    print(f"\n{name}")
    pages = {**{label: store_page(store, q) for label, q in QUERIES.items()},
             **{label: staff_page(store, who, asked) for label, (who, asked) in STAFF_PAGES.items()}}
    for label, page in pages.items():
        numbers, cursor = page()
        assert len(numbers) == PAGE, f"{label}: only {len(numbers)} cases"
        deep, depth = cursor, 1
        while depth < 20 and cursor:  # a deep page: with keysets depth costs nothing
            deep, depth = cursor, depth + 1
            _, cursor = page(deep)
        before = store.operations
        page()
        reads = store.operations - before
        first = key = deep_ms = 0.0
        for _ in range(3):  # interleaved rounds
            first += timed(page, rounds)
            key += timed(lambda: read_by_key(store, numbers), rounds)
            deep_ms += timed(lambda: page(deep), rounds)
        first, key, deep_ms = first / 3, key / 3, deep_ms / 3
        print(f"  {label}: page {first:.2f} ms, 50 by key {key:.2f} ms, ratio {first / key:.2f}; "
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
