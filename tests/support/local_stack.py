"""Run the local stack through `bin/serve` (the README command) for end-to-end tests."""
from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from shared.settings import PROJECT_ROOT
from tests.support.mailbox import free_port

MTA_ID = "mx.example.com"
MTA_VERDICT = f"{MTA_ID}; spf=pass smtp.mailfrom=qq.com; dkim=pass header.d=qq.com; dmarc=pass"


@dataclass(frozen=True)
class LocalStack:
    base_url: str
    smtp_port: int
    inbound_smtp_port: int
    mailbox: Path
    database: Path
    log: Path
    pid: int = 0  # the stack's process (bench/load reads its CPU time)
    process: subprocess.Popen | None = None  # to see it die (tests/support/fault_stack.py)


def stack_env(folder: Path, http_port: int, smtp_port: int, inbound_port: int,
              **settings: str | None) -> dict:
    """The environment the local stack runs with in tests: everything under `folder`;
    `settings` are more `CD_*` variables (or `FIRESTORE_EMULATOR_HOST`); None leaves a variable
    unset (the stack's default)."""
    env = {**os.environ,
           "CD_LOCAL_HTTP_PORT": str(http_port), "CD_SMTP_PORT": str(smtp_port),
           "CD_SQLITE_PATH": str(folder / "cases.sqlite3"),
           "CD_LOCAL_MAILBOX": str(folder / "mail"),
           "CD_ATTACHMENT_FOLDER": str(folder / "attachments"),
           "CD_LOCAL_WORKER_INTERVAL": "0.2", "CD_LOCAL_INBOUND_SMTP_PORT": str(inbound_port),
           # The operator's MTA, whose Authentication-Results verify senders (MTA_VERDICT).
           "CD_TRUSTED_AUTHSERV_ID": MTA_ID, **settings}
    return {name: value for name, value in env.items() if value is not None}


@contextmanager
def running_local_stack(folder: Path, command: list[str] | None = None, **settings: str | None):
    """The stack on free ports with its files under `folder`: `./bin/serve`, or `command`;
    `settings` are more `CD_*` variables (`stack_env`), e.g. `CD_CASE_STORE="firestore"`."""
    http_port, smtp_port, inbound_port = free_port(), free_port(), free_port()
    env = stack_env(folder, http_port, smtp_port, inbound_port, **settings)
    log = folder / "local_stack.log"
    with open(log, "ab") as out:
        # The README's own command, as a new user runs it.
        process = subprocess.Popen(command or [str(PROJECT_ROOT / "bin" / "serve")],
                                   cwd=PROJECT_ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait_until_up(base + "/submit_form", process, log)
        yield LocalStack(base, smtp_port, inbound_port, folder / "mail", folder / "cases.sqlite3", log,
                         process.pid, process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_up(url: str, process, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"local stack exited:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"local stack did not start:\n{log.read_text(errors='replace')}")


def wait_for(predicate, timeout: float = 20, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")
