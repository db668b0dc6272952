"""A real SMTP server on loopback for tests: the local stack's mailbox on a free port."""
from __future__ import annotations

import socket
from contextlib import contextmanager
from email import message_from_bytes, policy
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RefusingHandler:
    """An SMTP server that refuses every recipient permanently."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        return "550 5.1.1 No such user here"


@contextmanager
def smtp_server(handler, port: int | None = None):
    port = port or free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def read_mailbox(folder: Path) -> list:
    """Every message in the mailbox folder, parsed."""
    return [message_from_bytes(p.read_bytes(), policy=policy.default)
            for p in sorted(Path(folder).glob("*.eml"))]
