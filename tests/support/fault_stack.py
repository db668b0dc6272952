"""The local stack with one fault armed, for the kill -9 tests of issue 12.

Test code only: nothing in `shared/` or `functions/` knows of it, so no setting or request can
arm a fault in production. It runs the local stack's own `main()` (what `./bin/serve` runs)
after wrapping one method so that the process kills itself with SIGKILL — no handler, no
`finally`, no flush, as `kill -9` or the kernel's OOM killer would — at a named point:

- `after-registration`: the form's case, events and acknowledgment are committed
  (`Registration.register` returned); the person's browser gets no answer.
- `before-settling`: the SMTP server accepted a message (the transport's send returned) and
  the outbox entry is still leased, not settled.
- `mid-sweep`: the deadline sweep committed its second case of the run, others are still due.
- `none`: no fault (the restart).

A run with a fault leases outbox entries for `LEASE` (2 s) instead of 5 minutes, so that the
next run may take over what the kill caught being sent without the test waiting.
In every run the mailbox files each message it receives as a file of its own
(`mail/<n>-<Message-ID>.eml`), instead of one per Message-ID as the local mailbox does, so a
message sent twice shows twice.

    python -m tests.support.fault_stack after-registration|before-settling|mid-sweep|none
"""
from __future__ import annotations

import itertools
import os
import re
import signal
import sys
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller

FAULTS = ("after-registration", "before-settling", "mid-sweep", "none")
LEASE = timedelta(seconds=2)


def kill_now() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class EveryCopyFolder:
    """An SMTP handler filing every message it accepts as a file of its own."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._numbers = itertools.count(len(list(self.folder.glob("*.eml"))) + 1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        raw = envelope.original_content or envelope.content
        message_id = message_from_bytes(raw, policy=policy.default)["Message-ID"] or "none"
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", message_id.strip("<> "))[:120]
        with self._lock:
            path = self.folder / f"{os.getpid()}-{next(self._numbers)}-{stem}.eml"
        path.write_bytes(raw)  # written before the 250: the message is delivered
        return "250 Message accepted for delivery"


def start_every_copy_mailbox(folder: Path, host: str = "127.0.0.1", port: int = 8025):
    controller = Controller(EveryCopyFolder(folder), hostname=host, port=port)
    controller.start()
    return controller


def arm(fault: str) -> None:
    from shared.local import local_stack

    local_stack.start_mailbox = start_every_copy_mailbox
    if fault != "none":  # whatever the kill catches being sent is taken over in seconds
        from shared.services.mail_delivery import MailDelivery

        init = MailDelivery.__init__

        def short_lease(self, *args, **kwargs):
            init(self, *args, **{**kwargs, "lease": LEASE})

        MailDelivery.__init__ = short_lease
    if fault == "after-registration":
        from shared.services.registration import Registration

        register = Registration.register

        def register_then_die(self, *args, **kwargs):
            register(self, *args, **kwargs)
            kill_now()

        Registration.register = register_then_die
    elif fault == "before-settling":
        from shared.services.mail_delivery import MailDelivery

        def die_instead_of_settling(self, message, sent_ids):
            kill_now()

        MailDelivery._settle_success = die_instead_of_settling
    elif fault == "mid-sweep":
        from shared.services.deadline_sweep import DeadlineSweep

        sweep_case, swept = DeadlineSweep._sweep_case, itertools.count(1)

        def sweep_case_then_die(self, *args, **kwargs):
            sweep_case(self, *args, **kwargs)
            if next(swept) == 2:
                kill_now()

        DeadlineSweep._sweep_case = sweep_case_then_die


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in FAULTS:
        sys.exit(f"usage: python -m tests.support.fault_stack {'|'.join(FAULTS)}")
    arm(sys.argv[1])
    from shared.local.local_stack import main

    main()
