"""The statistics bulletin's cost (issue 11, R19): a store holding a month of 100 000 cases, on
SQLite and on the Firestore emulator. `Statistics.bulletin(November)` — the counters of the
month's days and the listed major and hot cases by number — against reading the month's cases
(`find_cases` with the month's receipt range, pages of 200) in the same process: documents read
(counted at the client, `bench/document_reads.py`) and time, and the ratio.

The month: cases received evenly over November 2026; 80 % complaints; channels, categories, 50
handlers in 8 departments in turn; of every 10 cases 7 closed (1 to 10 days after receipt, an
outcome, 4 of them rated), 1 rejected, 2 open; one case in 1 000 major or hot (listed, with a
closure report when closed: 100 listed). Each case is written as registration writes it (the
case and its timeline; SQLite the store's own `_insert_case`, 10 000 a transaction; Firestore the
case document only, batches of 500), and the counters as the stores would have kept them: every
case's `statistics_recount.recount`, added up per day (Firestore: per day and shard, 4 shards).

On Firestore the baseline reads a sample (`--sample`, 2 000 cases in pages of 200) and is scaled
to the month: the emulator scans every document of a collection for each query, so reading all
100 000 would take hours there (real Firestore reads an index); the documents read scale exactly.

    .venv/bin/python -m bench.statistics [--cases 100000] [--sample 2000] [--no-firestore]
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.document_reads import FirestoreReads, Reads, SqliteReads
from shared.adapters.clock import FixedClock
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.domain.cases import Case, Channel, EventType, Kind, Severity, Status, TimelineEvent
from shared.domain.queues import MAX_PAGE, CaseQuery
from shared.domain.statistics import Period
from shared.domain.statistics_counters import STATISTICS_ZONE, Move
from shared.domain.statistics_recount import recount
from shared.services.statistics import Statistics
from tests.support.builders import a_case, an_identity

MONTH = Period.month(2026, 11)
START = datetime(2026, 11, 1, tzinfo=STATISTICS_ZONE).astimezone(UTC)
END = datetime(2026, 12, 1, tzinfo=STATISTICS_ZONE).astimezone(UTC)
CHANNELS = (Channel.WEB_FORM, Channel.EMAIL, Channel.PHONE, Channel.LETTER)
COMPLAINT_TYPES = ("service", "product_quality", "technical", "billing", "other")
OUTCOMES = ("upheld", "partly_upheld", "not_upheld", "no_violation_found")
DEPARTMENTS = tuple(f"部门{d}" for d in range(8))
FIRESTORE_BATCH = 500


@dataclass
class StatisticsFigures:
    cases: int
    listed: int
    bulletin_reads: int  # documents (rows) read by the bulletin
    bulletin_queries: int
    bulletin_ms: float  # median
    baseline_reads: int  # reading the month's cases (scaled to the month on Firestore)
    baseline_ms: float
    sampled: int  # cases the baseline really read
    load_s: float = 0.0

    @property
    def ratio(self) -> float:
        return self.baseline_ms / self.bulletin_ms


def month_case(i: int, cases: int) -> tuple[Case, list[TimelineEvent]]:
    """The i-th case of the month, through its life, with its events (see the module)."""
    received = START + (END - START) * i / cases
    kind = Kind.REPORT if i % 5 == 4 else Kind.COMPLAINT
    number = f"ST-{received:%Y%m%d}-{i:06d}"
    handler = f"h{i % 50:02d}"
    case = a_case(number, received, kind=kind, channel=CHANNELS[i % 4],
                  category="fraud" if kind is Kind.REPORT else COMPLAINT_TYPES[i % 5],
                  severity=(Severity.MAJOR if i % 2000 == 0 else Severity.HOT) if i % 1000 == 0
                  else Severity.GENERAL, decision_due_at=received + timedelta(days=15))
    fate, at = i % 10, received + timedelta(hours=2)
    if fate == 9:
        case.status = Status.REJECTED
        case.record(TimelineEvent(EventType.CASE_REJECTED, at, actor="staff:c1"))
        return case, case.new_events
    case.record(TimelineEvent(EventType.CASE_ACCEPTED, at, actor="staff:c1"))
    case.assignee, case.department = handler, DEPARTMENTS[i % 8]
    case.record(TimelineEvent(EventType.CASE_ASSIGNED, at, actor="staff:s1",
                              data={"assignee": handler, "department": case.department}))
    if fate >= 7:
        case.status = Status.IN_PROGRESS
        return case, case.new_events
    outcome = OUTCOMES[i % 4]
    record = {"outcome": outcome}
    if case.severity is not Severity.GENERAL:
        record["closure_report"] = {"cause": "规则缺失", "prevention": "增加复核", "summary": "已整改"}
    case.decision = {"record": record, "sent": {"outcome": outcome}}
    case.status, case.closed_at = Status.CLOSED, received + timedelta(days=1 + i % 10)
    case.record(TimelineEvent(EventType.CASE_CLOSED, case.closed_at, actor="staff:s1",
                              data={"outcome": outcome}))
    if fate < 4:
        case.record(TimelineEvent(EventType.HANDLING_RATED, case.closed_at + timedelta(hours=3),
                                  actor="reporter", data={"rating": 1 + i % 5}))
    return case, case.new_events


def counters_of(cases: list[tuple[Case, list[TimelineEvent]]], shards: int
                ) -> dict[int, list[Move]]:
    """The counters the stores would keep, added up per shard (day, name)."""
    tally: dict[int, Counter] = defaultdict(Counter)
    for case, events in cases:
        shard = _shard(case.number) % shards if shards > 1 else 0
        for move in recount(case, events, STATISTICS_ZONE):
            tally[shard][(move.day, move.name)] += move.delta
    return {shard: [Move(d, n, v) for (d, n), v in counts.items() if v]
            for shard, counts in tally.items()}


def _shard(number: str) -> int:
    from shared.adapters.firestore_statistics import shard_of  # not imported for SQLite

    return shard_of(number)


def load_sqlite(store: SqliteCaseStore, cases: int) -> int:
    """The cases as registration writes them, 10 000 a transaction, then the counters."""
    month, listed = [], 0
    for first in range(0, cases, 10_000):
        with store._transaction() as db:
            for i in range(first, min(first + 10_000, cases)):
                case, events = month_case(i, cases)
                month.append((case, list(events)))
                listed += case.severity is not Severity.GENERAL
                store._insert_case(db, case, an_identity(case.number))
    days: dict[date, dict[str, int]] = defaultdict(dict)
    for move in counters_of(month, 1)[0]:
        days[move.day][move.name] = move.delta
    store.replace_statistics_counts(days)
    return listed


def load_firestore(store, cases: int) -> int:
    """The case documents (batches of 500), then the counters of each day and shard."""
    from shared.adapters.firestore_case_documents import case_document, case_record
    from shared.adapters.firestore_statistics import SHARDS, add

    client, month, listed = store.client, [], 0
    batch, writes = client.batch(), 0
    for i in range(cases):
        case, events = month_case(i, cases)
        month.append((case, list(events)))
        listed += case.severity is not Severity.GENERAL
        batch.create(case_document(client, case.number), case_record(case, ""))
        writes += 1
        if writes == FIRESTORE_BATCH:
            batch.commit()
            batch, writes = client.batch(), 0
    for shard, moves in counters_of(month, SHARDS).items():
        writes += add(batch, client, moves, shard)
        if writes > FIRESTORE_BATCH - 40:
            batch.commit()
            batch, writes = client.batch(), 0
    batch.commit()
    return listed


def read_month(store, limit: int | None) -> int:
    """Read the month's cases (newest first, pages of 200), all or the first `limit`."""
    query = CaseQuery(received_in=(START, END))
    read, cursor = 0, None
    while limit is None or read < limit:
        page = store.find_cases(query, limit=MAX_PAGE, after=cursor)
        read += len(page.cases)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    return read


def measure(store, reads: Reads, cases: int, listed: int, sample: int | None,
            rounds: int = 5) -> StatisticsFigures:
    service = Statistics(store, FixedClock(END))
    samples = []
    for _ in range(rounds):
        reads.reset()
        started = time.perf_counter()
        bulletin = service.bulletin(MONTH)
        samples.append((time.perf_counter() - started) * 1000)
    assert bulletin.received == cases and len(bulletin.major_and_hot) == listed, bulletin.received
    bulletin_reads, bulletin_queries = reads.billed, reads.queries
    reads.reset()
    started = time.perf_counter()
    sampled = read_month(store, sample)
    baseline_ms = (time.perf_counter() - started) * 1000
    scale = cases / sampled
    return StatisticsFigures(cases, listed, bulletin_reads, bulletin_queries,
                             statistics.median(samples), round(reads.billed * scale),
                             baseline_ms * scale, sampled)


def statistics_figures(store, cases: int, sample: int | None = None, rounds: int = 5
                       ) -> StatisticsFigures:
    """Load the month into the (empty) store, then measure; `sample`: the baseline reads that
    many cases and is scaled (None: all of them)."""
    sqlite = isinstance(store, SqliteCaseStore)
    started = time.perf_counter()
    listed = (load_sqlite if sqlite else load_firestore)(store, cases)
    load_s = time.perf_counter() - started
    reads = SqliteReads(store) if sqlite else FirestoreReads(store.client)
    figures = measure(store, reads, cases, listed, sample, rounds)
    figures.load_s = load_s
    return figures


def table(rows: dict[str, StatisticsFigures]) -> str:
    lines = ["| store | cases (listed) | loaded in | bulletin: documents read (queries) | bulletin "
             "| the month's cases read: documents | time | ratio |",
             "|---|---|---|---|---|---|---|---|"]
    for name, f in rows.items():
        scaled = "" if f.sampled == f.cases else f" (scaled from {f.sampled})"
        lines.append(
            f"| {name} | {f.cases} ({f.listed}) | {f.load_s:.0f} s | {f.bulletin_reads} "
            f"({f.bulletin_queries}) | {f.bulletin_ms:.1f} ms | {f.baseline_reads}{scaled} | "
            f"{f.baseline_ms:.0f} ms | **{f.ratio:.0f}** |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--no-firestore", action="store_true")
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteCaseStore(Path(folder) / "statistics.sqlite3")
        rows["SQLite"] = statistics_figures(store, args.cases)
    if not args.no_firestore:
        from tests.support.firestore_emulator import running_firestore_emulator

        with running_firestore_emulator() as host_port:
            os.environ["FIRESTORE_EMULATOR_HOST"] = host_port
            from shared.adapters.firestore_store import FirestoreCaseStore

            store = FirestoreCaseStore(project=f"bench-{uuid.uuid4().hex[:8]}")
            rows["Firestore emulator"] = statistics_figures(store, args.cases, args.sample)
    print(table(rows))


if __name__ == "__main__":
    main()
