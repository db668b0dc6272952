"""The SQLite store under concurrent writers, on a real file: this process's writers queue on one
lock instead of polling SQLite's busy handler, so none of them ever meets "database is locked"
even with no busy timeout at all; reads do not queue behind writers; a writer in another process
(a tool) is still waited for; a transaction begun inside another fails instead of hanging; and a
commit is synced to disk (FULL) unless the setting says otherwise — except the delivery's own
bookkeeping, which reaches the disk with the next synced commit."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import contextmanager

import pytest

from shared.adapters import sqlite_writers
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.bootstrap import build_services
from shared.domain.rate_limits import CounterSlot
from shared.services.mail_delivery import Outcome
from tests.conftest import START
from tests.support.builders import a_case, an_identity, an_outbox_message

THREADS, WRITES = 8, 25


def hammer(stores: list[SqliteCaseStore]) -> list[BaseException]:
    """THREADS threads, each registering WRITES cases and counting a shared counter, on the
    stores given in turn; the errors they met."""
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def writer(index: int) -> None:
        store = stores[index % len(stores)]
        start.wait()
        for i in range(WRITES):
            try:
                case = a_case(f"TS-20261128-{index:03d}{i:03d}-0", START)
                store.register(case, an_identity(case.number), [])
                store.count_hit(CounterSlot("shared", START.replace(year=2030)))
            except BaseException as error:  # noqa: BLE001 (every failure is the finding)
                errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture
def no_busy_timeout(monkeypatch):
    """SQLite gives up at once when its write lock is taken: only queueing in the process helps.
    (The process's own queue then waits as long as it must.)"""
    monkeypatch.setattr(sqlite_writers, "BUSY_TIMEOUT_SECONDS", 0)
    monkeypatch.setattr(sqlite_writers, "QUEUE_TIMEOUT_SECONDS", 30)


def test_concurrent_writers_all_succeed_and_none_meets_the_write_lock(tmp_path, no_busy_timeout):
    path = tmp_path / "cases.sqlite3"
    stores = [SqliteCaseStore(path), SqliteCaseStore(path)]  # two stores on one file share it

    assert hammer(stores) == []

    db = sqlite3.connect(path)
    assert db.execute("SELECT count(*) FROM cases").fetchone()[0] == THREADS * WRITES
    assert db.execute("SELECT count FROM hit_counters WHERE key = 'shared'").fetchone()[0] == \
        THREADS * WRITES


def test_without_the_queue_the_same_writers_meet_database_is_locked(tmp_path, no_busy_timeout):
    """What the lock spares: the busy handler is all SQLite has, and without time it fails."""
    store = SqliteCaseStore(tmp_path / "cases.sqlite3", writer_lock=False)

    errors = hammer([store])

    assert errors and all("database is locked" in str(e) for e in errors)


def test_reads_do_not_wait_for_a_writer(tmp_path):
    store = SqliteCaseStore(tmp_path / "cases.sqlite3")
    case = a_case("TS-20261128-000001-0", START)
    store.register(case, an_identity(case.number), [])
    inside, release = threading.Event(), threading.Event()

    def slow_writer():
        with store._transaction():
            inside.set()
            release.wait(10)

    writer = threading.Thread(target=slow_writer)
    writer.start()
    inside.wait(5)
    try:
        started = time.monotonic()
        assert store.get_case(case.number).number == case.number
        assert store.case_events(case.number, public_only=False)
        assert time.monotonic() - started < 1  # the writer holds its lock for up to 10 s
    finally:
        release.set()
        writer.join()


def test_a_writer_in_another_process_is_waited_for(tmp_path):
    """Tools open the file in processes of their own: the store's writers wait for them in
    SQLite's busy handler, as before, and then succeed."""
    path = tmp_path / "cases.sqlite3"
    store = SqliteCaseStore(path)
    tool = subprocess.Popen([sys.executable, "-c", TOOL_HOLDING_THE_WRITE_LOCK, str(path)],
                            stdout=subprocess.PIPE, text=True)
    assert tool.stdout.readline().strip() == "holding"

    started = time.monotonic()
    case = a_case("TS-20261128-000001-0", START)
    store.register(case, an_identity(case.number), [])

    assert time.monotonic() - started > 0.2  # it waited for the tool's commit
    assert store.get_case(case.number) is not None
    assert tool.wait(10) == 0


TOOL_HOLDING_THE_WRITE_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("holding", flush=True)
time.sleep(0.5)
db.execute("COMMIT")
"""


def test_a_transaction_inside_another_fails_instead_of_waiting_for_itself(tmp_path):
    store = SqliteCaseStore(tmp_path / "cases.sqlite3")
    finished = threading.Event()
    failures = []

    def nested():
        try:
            with store._transaction(), store._transaction():
                pass
        except sqlite3.OperationalError as error:
            failures.append(error)
        finished.set()

    threading.Thread(target=nested, daemon=True).start()

    assert finished.wait(5), "a nested transaction hung on the writer lock"
    assert "within a transaction" in str(failures[0])
    case = a_case("TS-20261128-000001-0", START)
    store.register(case, an_identity(case.number), [])  # the lock was released


def test_commits_are_synced_to_disk_unless_normal_is_chosen(tmp_path):
    full = SqliteCaseStore(tmp_path / "full.sqlite3")
    normal = SqliteCaseStore(tmp_path / "normal.sqlite3", synchronous="normal")

    # PRAGMA synchronous: 2 is FULL (the WAL synced at every commit), 1 is NORMAL.
    assert full._connection().execute("PRAGMA synchronous").fetchone()[0] == 2
    assert normal._connection().execute("PRAGMA synchronous").fetchone()[0] == 1
    assert full._connection().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


class WatchedStore(SqliteCaseStore):
    """Notes how each write transaction commits: PRAGMA synchronous inside it (2 FULL, 1 NORMAL)."""

    def __init__(self, path):
        super().__init__(path)
        self.commits: list[int] = []

    @contextmanager
    def _transaction(self, synced: bool = True):
        with super()._transaction(synced) as db:
            self.commits.append(db.execute("PRAGMA synchronous").fetchone()[0])
            yield db


class Transport:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return [message["Message-ID"]]


def test_a_registration_is_synced_and_the_deliverys_bookkeeping_rides_on_the_next_sync(
        tmp_path, settings, clock):
    """The case number the person sees is on disk; the acknowledgment's claim and settlement
    (whose loss only sends it again with its Message-ID) are not synced on their own."""
    store = WatchedStore(tmp_path / "cases.sqlite3")
    app = build_services(settings, store=store, transport=Transport(), clock=clock)
    case = a_case("TS-20261128-000001-0", START)
    store.register(case, an_identity(case.number), [an_outbox_message(case.number, START)])
    assert store.commits == [2]

    [result] = app.delivery.deliver_due()

    assert result.outcome == Outcome.SENT
    assert store.commits == [2, 1, 1]  # the claim, the settlement
    assert store._connection().execute("PRAGMA synchronous").fetchone()[0] == 2  # set back
    store.update_case(case.number, lambda c: None)
    assert store.commits[-1] == 2
