"""The local stack under load: `bin/serve` in a process of its own (through the e2e tests'
`running_local_stack`), on SQLite or on the Firestore emulator, with the form's per-client limit
lifted (every client of the generator is 127.0.0.1) and everything else as a user runs it. Read
from outside: its CPU time (/proc), its outbox (until every acknowledgment went out) and its
stored documents."""
from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench import load_check
from tests.support.local_stack import LocalStack, running_local_stack

_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class StackUnderLoad:
    stack: LocalStack
    store: str
    firestore_client: object | None = None

    @property
    def http_port(self) -> int:
        return int(self.stack.base_url.rsplit(":", 1)[1])

    @property
    def inbound_smtp_port(self) -> int:
        return self.stack.inbound_smtp_port

    @property
    def mailbox(self) -> Path:
        return self.stack.mailbox

    def cpu_seconds(self) -> float:
        """User + system CPU of the stack's process so far, all its threads (/proc/PID/stat)."""
        fields = Path(f"/proc/{self.stack.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14 and 15)

    def waiting(self) -> int:
        if self.firestore_client is not None:
            return load_check.firestore_waiting(self.firestore_client)
        return load_check.sqlite_waiting(self.stack.database)

    def wait_for_outbox(self, timeout: float) -> None:
        """Until no outbox entry waits (every acknowledgment sent or given up), or `timeout`."""
        deadline = time.monotonic() + timeout
        while self.waiting() and time.monotonic() < deadline:
            time.sleep(0.5)

    def documents(self) -> tuple[list[dict], list[dict]]:
        if self.firestore_client is not None:
            return load_check.firestore_documents(self.firestore_client)
        return load_check.sqlite_documents(self.stack.database)


@contextmanager
def running_stack(store: str, folder: Path, synchronous: str = "full", writer_lock: bool = True,
                  emulator_host: str | None = None) -> Iterator[StackUnderLoad]:
    folder.mkdir(parents=True, exist_ok=True)
    settings = {"CD_SUBMISSIONS_PER_CLIENT_PER_HOUR": str(10 ** 9),
                "CD_LOCAL_WORKER_INTERVAL": None,  # the stack's own pace, as a user runs it
                "CD_SQLITE_SYNCHRONOUS": synchronous,
                "CD_SQLITE_WRITER_LOCK": "on" if writer_lock else "off"}
    client = None
    if store == "firestore":
        project = f"load-{uuid.uuid4().hex[:8]}"
        settings.update(CD_CASE_STORE="firestore", CD_FIRESTORE_PROJECT=project,
                        FIRESTORE_EMULATOR_HOST=emulator_host,
                        CD_REPLY_TOKEN_KEY=uuid.uuid4().hex * 2)  # the cloud store wants a key
        os.environ["FIRESTORE_EMULATOR_HOST"] = emulator_host  # for this process's own client
        from google.cloud import firestore

        client = firestore.Client(project=project)
    with running_local_stack(folder, **settings) as stack:
        yield StackUnderLoad(stack, store, client)
