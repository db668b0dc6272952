"""How the SQLite store's connections are opened and how its writers take turns.

Durability: in WAL mode `synchronous=NORMAL` syncs the log only at checkpoints, so a power cut
can take back commits whose case numbers were already on the person's screen; `FULL` syncs the
log at every commit, so a commit answered is a commit kept (the default; `CD_SQLITE_SYNCHRONOUS`).

Writers: SQLite lets one writer in at a time and makes the others wait in its busy handler, which
sleeps in growing steps (up to 100 ms) and retries, so a writer that has waited a while keeps
losing to newcomers: with 8 threads some waited over a second. Within one process the writers
instead queue on a lock taken before `BEGIN IMMEDIATE` and released after COMMIT or ROLLBACK; each
gets the write lock as soon as the one before is done. Readers never take it (WAL readers do not
wait for writers). Other processes on the same file (the tools) still meet the busy timeout.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BUSY_TIMEOUT_SECONDS = 30  # SQLite's busy handler: how long a writer waits for other processes
QUEUE_TIMEOUT_SECONDS = 30  # how long a writer queues behind this process's others
SYNCHRONOUS = ("full", "normal")  # the choices of CD_SQLITE_SYNCHRONOUS

_LOCKS: dict[str, threading.RLock] = {}
_LOCKS_GUARD = threading.Lock()


def open_connection(path: str, synchronous: str = "full",
                    busy_timeout: float | None = None) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, the busy timeout
    (seconds; None: BUSY_TIMEOUT_SECONDS), and `synchronous` as chosen (FULL: each commit on
    disk before it returns)."""
    busy_timeout = BUSY_TIMEOUT_SECONDS if busy_timeout is None else busy_timeout
    if synchronous not in SYNCHRONOUS:
        raise ValueError(f"synchronous must be one of {SYNCHRONOUS}, not {synchronous!r}")
    db = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(f"PRAGMA synchronous={synchronous.upper()}")
    db.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
    return db


def writer_lock(path: str) -> threading.RLock:
    """The lock this process's writers of the file at `path` queue on (one per file, however
    many stores are open on it). Re-entrant: a transaction begun inside another fails in SQLite
    ("cannot start a transaction within a transaction") as it did before, rather than waiting
    for itself for ever."""
    key = os.path.realpath(path)
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.RLock())


@contextmanager
def one_writer(lock: threading.RLock | None) -> Iterator[None]:
    """Hold `lock` (None: no lock, SQLite's busy handler alone) for one write transaction. Waits
    at most QUEUE_TIMEOUT_SECONDS, then fails as SQLite's busy handler would."""
    if lock is None:
        yield
        return
    if not lock.acquire(timeout=QUEUE_TIMEOUT_SECONDS):
        raise sqlite3.OperationalError("database is locked (this process's writers queued "
                                       f"for {QUEUE_TIMEOUT_SECONDS} s)")
    try:
        yield
    finally:
        lock.release()


@contextmanager
def unsynced(db: sqlite3.Connection, relax: bool) -> Iterator[None]:
    """With `relax`, the transaction inside commits without syncing (NORMAL): its frames reach
    the disk with the next synced commit, whose sync of the log covers every frame before it,
    or at a checkpoint. A power cut can take back such commits, never a synced one after them."""
    if not relax:
        yield
        return
    db.execute("PRAGMA synchronous=NORMAL")
    try:
        yield
    finally:
        db.execute("PRAGMA synchronous=FULL")
