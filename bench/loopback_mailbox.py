"""The local stack's mailbox on loopback in a child process, for benches: the real SMTP server
the project files received mail with, whose CPU is then its own, not the bench's."""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.mailbox import free_port


class LoopbackMailbox:
    """The local stack's mailbox (`start_mailbox`) in a child process on a free port; `cpu()`
    asks the child for its own CPU seconds so far (what filing the received mail costs it)."""

    CODE = ("import sys, time; from pathlib import Path; "
            "from shared.local.mailbox import start_mailbox; "
            "c = start_mailbox(Path(sys.argv[1]), port=int(sys.argv[2])); print('ready', flush=True)\n"
            "for _ in sys.stdin: print(time.process_time(), flush=True)\n"
            "c.stop()")

    def __init__(self, folder: Path):
        self.port = free_port()
        self._child = subprocess.Popen(
            [sys.executable, "-c", self.CODE, str(folder), str(self.port)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
        if self._child.stdout.readline().strip() != "ready":
            self.stop()
            raise RuntimeError("the loopback mailbox did not start")

    def cpu(self) -> float:
        self._child.stdin.write("cpu\n")
        self._child.stdin.flush()
        return float(self._child.stdout.readline())

    def stop(self) -> None:
        self._child.stdin.close()
        try:
            self._child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.wait()


@contextmanager
def loopback_mailbox(folder: Path) -> Iterator[LoopbackMailbox]:
    mailbox = LoopbackMailbox(folder)
    try:
        yield mailbox
    finally:
        mailbox.stop()
