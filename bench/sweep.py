"""The deadline sweep's cost (issue 10): a store holding 100 000 open cases of which 100 are due,
on SQLite and on the Firestore emulator. One `DeadlineSweep.run` at a fixed clock: the documents
it read, counted at the client (`document_reads`: rows SQLite returned, documents Firestore
returned), its store calls (`CountingStore`), the cases it changed and its wall time, against
reading the same 100 cases directly by number (`get_case` each) in the same process: the ratio.
Then the same sweep again, which must find nothing (one empty page).

The issue's bound: a sweep reads at most the due cases plus one page. Every case is an assigned
complaint; the due ones were received 40 days ago and their decision deadline is 20 days past
(overdue notice to the handler and the supervisor, escalation to major: one transaction each),
the others a few days ago (nothing due before their one-week escalation). The cases are written
as the store writes a registration (its own `_insert_case` in bulk transactions on SQLite;
on Firestore `firestore_case_documents`, in batches of at most 500 writes: `load_firestore`).

    .venv/bin/python -m bench.sweep [--cases 100000] [--due 100] [--no-firestore]
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.document_reads import FirestoreReads, Reads, SqliteReads
from bench.store_operations import CountingStore
from shared.adapters.clock import FixedClock
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.domain.cases import Case, ReporterIdentity, Status
from shared.domain.queues import reporter_email_hash
from shared.domain.staff import Role
from shared.domain.sweep_rules import SweepPolicy, moments
from shared.services.deadline_sweep import DeadlineSweep
from tests.support.builders import a_case, an_identity
from tests.support.staff_builders import staff_member

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai
PAGE = 50  # the sweep's page
DECISION_DAYS = 20
HANDLER = staff_member((Role.HANDLER,))
SUPERVISOR = staff_member((Role.SUPERVISOR,))
FIRESTORE_BATCH = 498  # writes per commit (at most 500): 166 cases of 3 documents


@dataclass
class SweepFigures:
    cases: int
    due: int
    page: int
    case_reads: int  # case documents read by the sweep
    other_reads: int  # other documents (the staff list, for the supervisors)
    queries: int
    billed: int  # as Firestore bills: + one read for each empty query
    store_calls: dict[str, int]
    changed: int  # case documents written
    sweep_ms: float
    direct_ms: float  # the due cases read by number, one `get_case` each (median)
    again_reads: int  # the second sweep: documents read
    again_queries: int
    again_changed: int
    load_s: float = 0.0

    @property
    def ratio(self) -> float:
        return self.sweep_ms / self.direct_ms

    @property
    def bound(self) -> int:
        """The issue's: the due cases plus one page."""
        return self.due + self.page


def open_case(i: int, due: bool) -> tuple[Case, ReporterIdentity]:
    """An assigned complaint; due: its decision deadline 20 days past, else received within
    the last 6 days. `next_due_at` is its earliest moment, as the commands keep it."""
    received = NOW - (timedelta(days=40, minutes=i) if due else timedelta(minutes=1 + i % 8_000))
    number = f"SW-{received:%Y%m%d}-{i:06d}"
    case = a_case(number, received, status=Status.ASSIGNED, assignee=HANDLER.id,
                  department="运营部", decision_due_at=received + timedelta(days=DECISION_DAYS))
    case.next_due_at = min(d.at for d in moments(case, SweepPolicy()))
    return case, an_identity(number)


def due_indexes(cases: int, due: int) -> set[int]:
    """Spread over the store, so the due cases are not the first or last written."""
    return set(range(0, cases, cases // due)[:due])


def load_sqlite(store: SqliteCaseStore, cases: int, due: int) -> list[str]:
    """The cases as `register` writes them (the store's own `_insert_case`), 10 000 a
    transaction. Returns the due cases' numbers."""
    chosen, numbers = due_indexes(cases, due), []
    for first in range(0, cases, 10_000):
        with store._transaction() as db:
            for i in range(first, min(first + 10_000, cases)):
                case, identity = open_case(i, i in chosen)
                store._insert_case(db, case, identity)
                numbers += [case.number] if i in chosen else []
    return numbers


def load_firestore(store, cases: int, due: int) -> list[str]:
    """The due cases as `register` writes them (`create_case`: the case, its event, its
    private record), the others their case document only, as `create_case` writes it (their
    events and private records are documents the sweep never queries, and would triple the
    emulator's loading time); batches of at most 500 writes. Returns the due cases' numbers."""
    from shared.adapters.firestore_case_documents import case_document, case_record, create_case

    chosen, numbers, client = due_indexes(cases, due), [], store.client
    with ThreadPoolExecutor(1) as committer:  # the next batch is built while one commits
        batch, writes, committed = client.batch(), 0, []
        for i in range(cases):
            case, identity = open_case(i, i in chosen)
            if i in chosen:
                writes += create_case(batch, client, case, identity)
                numbers.append(case.number)
            else:
                batch.create(case_document(client, case.number),
                             case_record(case, reporter_email_hash(identity.email)))
                writes += 1
            if writes + 3 > FIRESTORE_BATCH or i == cases - 1:
                committed.append(committer.submit(batch.commit))
                batch, writes = client.batch(), 0
        for commit in committed:
            commit.result()
    return numbers


def measure(store, reads: Reads, numbers: list[str], cases: int, page: int = PAGE,
            rounds: int = 5) -> SweepFigures:
    """Sweep once and again at NOW, counting; time reading the due cases by number."""
    for member in (HANDLER, SUPERVISOR):
        store.put_staff(member)
    counted = CountingStore(store)
    sweep = DeadlineSweep(counted, FixedClock(NOW), page_size=page)
    reads.reset()
    started = time.perf_counter()
    report = sweep.run(600)
    sweep_ms = (time.perf_counter() - started) * 1000
    assert not report.more_due, "the sweep ran out of time"
    first = (reads.read["cases"], sum(reads.read.values()) - reads.read["cases"], reads.queries,
             reads.billed, dict(counted.calls), reads.written["cases"])
    reads.reset()
    sweep.run(600)
    again = (sum(reads.read.values()), reads.queries, reads.written["cases"])
    return SweepFigures(cases, len(numbers), page, *first, sweep_ms=sweep_ms,
                        direct_ms=direct_read_ms(store, numbers, rounds), again_reads=again[0],
                        again_queries=again[1], again_changed=again[2])


def direct_read_ms(store, numbers: list[str], rounds: int = 5) -> float:
    """The due cases read by number, one `get_case` each: the median of `rounds`."""
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        found = [store.get_case(number) for number in numbers]
        samples.append((time.perf_counter() - started) * 1000)
        assert all(found)
    return statistics.median(samples)


def sweep_figures(store, cases: int, due: int, page: int = PAGE, rounds: int = 5) -> SweepFigures:
    """Load `cases` open cases of which `due` are due into the (empty) store, then measure
    (the direct reads timed `rounds` times)."""
    sqlite = isinstance(store, SqliteCaseStore)
    started = time.perf_counter()
    numbers = (load_sqlite if sqlite else load_firestore)(store, cases, due)
    load_s = time.perf_counter() - started
    reads = SqliteReads(store) if sqlite else FirestoreReads(store.client)
    figures = measure(store, reads, numbers, cases, page, rounds)
    figures.load_s = load_s
    return figures


def table(rows: dict[str, SweepFigures]) -> str:
    lines = ["| store | open cases (due) | loaded in | sweep: case documents read (bound: due + "
             "one page) | other documents | queries (Firestore: billed reads) | store calls | cases changed "
             "| sweep | the due cases by number | ratio | second sweep: read, queries, changed |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, f in rows.items():
        calls = ", ".join(f"{method} {n}" for method, n in sorted(f.store_calls.items()))
        lines.append(
            f"| {name} | {f.cases} ({f.due}) | {f.load_s:.0f} s | {f.case_reads} ({f.bound}) | "
            f"{f.other_reads} | {f.queries} ({'–' if name == 'SQLite' else f.billed}) | "
            f"{sum(f.store_calls.values())}: {calls} "
            f"| {f.changed} | {f.sweep_ms:.0f} ms | {f.direct_ms:.1f} ms | **{f.ratio:.1f}** | "
            f"{f.again_reads}, {f.again_queries}, {f.again_changed} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--no-firestore", action="store_true")
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteCaseStore(Path(folder) / "sweep.sqlite3")
        rows["SQLite"] = sweep_figures(store, args.cases, args.due)
    if not args.no_firestore:
        from tests.support.firestore_emulator import running_firestore_emulator

        with running_firestore_emulator() as host_port:
            os.environ["FIRESTORE_EMULATOR_HOST"] = host_port
            from shared.adapters.firestore_store import FirestoreCaseStore

            store = FirestoreCaseStore(project=f"bench-{uuid.uuid4().hex[:8]}")
            rows["Firestore emulator"] = sweep_figures(store, args.cases, args.due)
    print(table(rows))


if __name__ == "__main__":
    main()
