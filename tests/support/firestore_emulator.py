"""Start the local Firestore emulator (tools/firestore-emulator) for tests.

Usage::

    from tests.support.firestore_emulator import running_firestore_emulator

    with running_firestore_emulator() as host_port:   # e.g. "127.0.0.1:40123"
        os.environ["FIRESTORE_EMULATOR_HOST"] = host_port
        ...

The emulator is in-memory: every start is empty. Runs ``npm ci`` first if
``node_modules`` is missing. Needs ``node`` (>= 18) and ``npm`` on PATH.
"""

from __future__ import annotations

import contextlib
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Iterator

EMULATOR_DIR = Path(__file__).resolve().parents[2] / "tools" / "firestore-emulator"
_READY = re.compile(r"firestore emulator ready on (\S+:\d+)")


def ensure_installed() -> None:
    """Install the emulator's npm packages (exact, from package-lock.json) if absent."""
    if (EMULATOR_DIR / "node_modules" / "@firestore-emulator" / "server").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH: cannot install the Firestore emulator")
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=EMULATOR_DIR,
        check=True,
        stdout=subprocess.DEVNULL,
    )


@contextlib.contextmanager
def running_firestore_emulator(
    host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 30.0
) -> Iterator[str]:
    """Run the emulator for the duration of the block; yield "host:port".

    ``port=0`` lets the OS choose a free port (no race between picking and binding).
    """
    with firestore_emulator_process(host, port, startup_timeout) as (address, _):
        yield address


@contextlib.contextmanager
def firestore_emulator_process(
    host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 30.0
) -> Iterator[tuple[str, subprocess.Popen]]:
    """Like `running_firestore_emulator`, also yielding the process (to stop or freeze it: the
    fault tests of issue 12 use an instance of their own)."""
    ensure_installed()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH: cannot start the Firestore emulator")

    with tempfile.TemporaryFile(mode="w+") as stderr_file:
        proc = subprocess.Popen(
            [node, "launcher.js", "--host", host, "--port", str(port)],
            cwd=EMULATOR_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr_file,
            text=True,
        )
        lines: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:  # also keeps the stdout pipe drained
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, name="firestore-emulator-stdout", daemon=True).start()
        try:
            address = None
            while address is None:
                try:
                    line = lines.get(timeout=startup_timeout)
                except queue.Empty:
                    line = None
                if line is None:
                    stderr_file.seek(0)
                    raise RuntimeError(
                        "Firestore emulator did not become ready "
                        f"(exit code {proc.poll()}):\n{stderr_file.read()}"
                    )
                match = _READY.search(line)
                if match:
                    address = match.group(1)
            yield address, proc
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGCONT)  # a frozen emulator cannot hear SIGTERM
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
