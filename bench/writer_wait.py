"""Where a write waits, without HTTP: T threads each filing submissions as the stack does —
three write transactions each (the registration, then the acknowledgment's claim and its
settlement), each `BEGIN IMMEDIATE`, one insert of a case-sized row, ~1 ms of work inside, COMMIT
— through the store's own connection setup and writer queue (`shared/adapters/sqlite_writers.py`),
with SQLite's busy handler alone and with the process's writer lock, at synchronous NORMAL, FULL on
every commit, and FULL as the store runs it (the claim and settlement unsynced, riding on the
next synced commit), in one run. Printed: the wait for the write lock (p50, p99, worst), the
synced commit, and submissions per second.

    python -m bench.writer_wait [--threads 8 50] [--writes 100]
"""
from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

from bench.load import load_average, percentile
from shared.adapters import sqlite_writers

ROW = "x" * 3000  # about a case document


MODES = {"normal": ("normal", False), "full, every commit": ("full", False),
         "full, bookkeeping unsynced": ("full", True)}


def run(path: Path, threads: int, writes: int, mode: str, locked: bool) -> dict:
    synchronous, relax_bookkeeping = MODES[mode]
    lock = sqlite_writers.writer_lock(str(path)) if locked else None
    setup = sqlite_writers.open_connection(str(path), synchronous)
    setup.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, doc TEXT)")
    waits: list[float] = []
    commits: list[float] = []
    start = threading.Barrier(threads)

    def writer() -> None:
        db = sqlite_writers.open_connection(str(path), synchronous)
        start.wait()
        for _ in range(writes):
            for bookkeeping in (False, True, True):  # registration, claim, settlement
                asked = time.perf_counter()
                with sqlite_writers.one_writer(lock), \
                        sqlite_writers.unsynced(db, bookkeeping and relax_bookkeeping):
                    db.execute("BEGIN IMMEDIATE")
                    waits.append(time.perf_counter() - asked)
                    db.execute("INSERT INTO t (doc) VALUES (?)", (ROW,))
                    busy_until = time.perf_counter() + 0.001  # the work done inside
                    while time.perf_counter() < busy_until:
                        pass
                    committing = time.perf_counter()
                    db.execute("COMMIT")
                    if not bookkeeping:
                        commits.append(time.perf_counter() - committing)
        db.close()

    workers = [threading.Thread(target=writer) for _ in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - began
    setup.close()
    return {"rate": threads * writes / seconds, "wait50": percentile(waits, 50) * 1000,
            "wait99": percentile(waits, 99) * 1000, "worst": max(waits) * 1000,
            "commit50": percentile(commits, 50) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, nargs="+", default=[8, 50])
    parser.add_argument("--writes", type=int, default=100)
    args = parser.parse_args()
    print(f"load average {load_average()}: rough figures; compare the rows of one run")
    with tempfile.TemporaryDirectory() as folder:
        for threads in args.threads:
            writes = max(args.writes * 8 // threads, 20)
            base = None  # NORMAL without the lock: the store as it was
            for n, mode in enumerate(MODES):
                for locked in (False, True):
                    path = Path(folder) / f"{threads}-{n}-{locked}.sqlite3"
                    r = run(path, threads, writes, mode, locked)
                    ratio = f"; {r['rate'] / base['rate']:.2f}× the rate" if base else ""
                    print(f"{threads} threads, {mode:26}, writer lock {'on ' if locked else 'off'}: "
                          f"{r['rate']:5.0f} submissions/s; wait for the write lock p50 "
                          f"{r['wait50']:5.1f} ms, p99 {r['wait99']:6.1f} ms, worst {r['worst']:6.1f} "
                          f"ms; a synced commit {r['commit50']:.2f} ms{ratio}")
                    base = base or r


if __name__ == "__main__":
    main()
