"""A case store the fault tests of issue 12 take away and give back, on both stores:

- SQLite: another connection holds the write lock (`BEGIN EXCLUSIVE`, as a backup or a long
  writer in another process does); every write waits `CD_STORE_WAIT_SECONDS` and fails with
  "database is locked". Reads go on (WAL), as they do in production.
- Firestore: an emulator of the test's own, frozen with SIGSTOP (a store that takes requests
  and answers none: the worst case, since a client must time out), thawed with SIGCONT. Its
  data survive, so "no half case" is checked on what it holds. The session's emulator is never
  touched, so no other test is affected.

The functions are configured through the environment exactly as in production (`env`)."""
from __future__ import annotations

import signal
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from shared.domain.queues import CaseQuery

WAIT_SECONDS = "1"  # CD_STORE_WAIT_SECONDS in these tests: an outage answers within seconds


@dataclass
class StoreOutage:
    kind: str  # sqlite | firestore
    env: dict
    sqlite_path: Path | None = None
    emulator: object = None  # the Popen of the test's own emulator

    @contextmanager
    def down(self):
        """The store unavailable for the block, back after it."""
        if self.kind == "sqlite":
            holder = sqlite3.connect(self.sqlite_path, isolation_level=None, timeout=5)
            holder.execute("BEGIN EXCLUSIVE")
            try:
                yield
            finally:
                holder.execute("ROLLBACK")
                holder.close()
        else:
            self.emulator.send_signal(signal.SIGSTOP)
            try:
                yield
            finally:
                self.emulator.send_signal(signal.SIGCONT)


def sqlite_outage(folder: Path) -> StoreOutage:
    path = folder / "outage.sqlite3"
    return StoreOutage("sqlite", {"CD_SQLITE_PATH": str(path), "CD_STORE_WAIT_SECONDS": WAIT_SECONDS},
                       sqlite_path=path)


def firestore_outage(address: str, emulator) -> StoreOutage:
    env = {"CD_CASE_STORE": "firestore", "CD_FIRESTORE_PROJECT": f"outage-{uuid.uuid4().hex[:10]}",
           "FIRESTORE_EMULATOR_HOST": address, "CD_STORE_WAIT_SECONDS": WAIT_SECONDS,
           "CD_REPLY_TOKEN_KEY": uuid.uuid4().hex}  # the cloud's store: a key of its own
    return StoreOutage("firestore", env, emulator=emulator)


def all_cases(store) -> list:
    return store.find_cases(CaseQuery(), 50).cases
