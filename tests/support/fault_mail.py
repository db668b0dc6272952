"""Mail for the fault tests of issue 12: a real SMTP server that keeps every copy it is handed
(the local mailbox keeps one per Message-ID, as a mailbox does, which would hide a second send)."""
from __future__ import annotations

import threading
from collections import Counter
from email import message_from_bytes, policy

from tests.support.mailbox import smtp_server


class EveryCopy:
    """An SMTP handler that records each message it accepts, duplicates included."""

    def __init__(self):
        self.copies: list[bytes] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self._lock:
            self.copies.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"

    def message_ids(self) -> Counter:
        """How many copies of each Message-ID arrived."""
        return Counter(message_from_bytes(raw, policy=policy.default)["Message-ID"]
                       for raw in list(self.copies))


def every_copy_server():
    """(handler, context manager yielding the port)."""
    handler = EveryCopy()
    return handler, smtp_server(handler)
