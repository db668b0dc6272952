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


class RecordingHandler:
    """An SMTP server that keeps every message it accepts, duplicates included (unlike the local
    mailbox, which keeps one per Message-ID as a mail client shows them): what tells a message
    sent twice from one sent once. While `down`, it answers every connection 421 (the relay
    cannot take mail now), like a relay in maintenance."""

    def __init__(self):
        self.messages: list = []
        self.down = False

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if self.down:
            return "421 4.3.2 Service not available, try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        raw = envelope.original_content or envelope.content
        self.messages.append(message_from_bytes(raw, policy=policy.default))
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]
