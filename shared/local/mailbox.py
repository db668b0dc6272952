"""A real SMTP server on loopback (aiosmtpd) that files every message it receives as an `.eml`
file a person can open: the local stack's stand-in for the recipients' mailboxes.

Like a real mailbox it keeps one copy per Message-ID: a message resent after a crash (same
Message-ID, see services/mail_delivery.py) replaces the earlier copy instead of adding one.
"""
from __future__ import annotations

import hashlib
import re
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path

from aiosmtpd.controller import Controller


class MailboxHandler:
    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        raw = envelope.original_content or envelope.content
        # The headers alone: parsing the parts too cost the local stack more CPU per message
        # than sending it (issue 12), and only the Message-ID is read.
        message = BytesHeaderParser(policy=policy.default).parsebytes(raw)
        message_id = message.get("Message-ID") or hashlib.sha256(raw).hexdigest()
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", message_id.strip("<> "))[:120]
        (self.folder / f"{stem}.eml").write_bytes(raw)
        return "250 Message accepted for delivery"


def start_mailbox(folder: Path, host: str = "127.0.0.1", port: int = 8025) -> Controller:
    """Start the SMTP server in a background thread; call `.stop()` on the result to end it."""
    controller = Controller(MailboxHandler(folder), hostname=host, port=port)
    controller.start()
    return controller
