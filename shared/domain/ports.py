"""Ports: what the services need from the outside world. Adapters implement them."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

from .cases import Case, ReporterIdentity
from .outbox import OutboxMessage


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""


class CaseStore(Protocol):
    """The case store. Every method is atomic; methods taking a function run it inside a
    transaction and retry it on conflict, so it must have no side effects besides its arguments."""

    def register(
        self, case: Case, identity: ReporterIdentity, outbox: list[OutboxMessage]
    ) -> None:
        """Write the case, its private record and its outbox entries in one transaction.
        Raises CaseNumberTaken (and writes nothing) when the number exists."""

    def get_case(self, number: str) -> Case | None:
        """The case, or None."""

    def get_identity(self, number: str) -> ReporterIdentity | None:
        """The private record of the case's reporter, or None."""

    def update_case(
        self, number: str, change: Callable[[Case], list[OutboxMessage] | None]
    ) -> Case:
        """Read the case, apply `change`, write it back with any outbox entries it returns.
        Raises CaseNotFound."""

    def get_outbox(self, message_id: str) -> OutboxMessage | None:
        """One outbox entry, or None."""

    def update_outbox(
        self, message_id: str, change: Callable[[OutboxMessage, Case], bool]
    ) -> OutboxMessage | None:
        """Read an outbox entry and its case, apply `change` to both; write them back when it
        returns True. Returns the entry as written, or None when it was not written or is missing."""

    def due_outbox(self, now: datetime, limit: int) -> list[OutboxMessage]:
        """Pending entries due by `now`, and sending entries whose lease ran out, oldest first."""

    def count_hit(self, key: str, window: timedelta, now: datetime) -> int:
        """Count one more event for `key` in the current fixed window; return the window's count."""


class MailTransport(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Hand the message over for delivery. Raises DeliveryFailed."""


class AttachmentStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store a file under `key`."""

    def get(self, key: str) -> bytes:
        """The file's bytes. Raises KeyError when missing."""

    def delete(self, key: str) -> None:
        """Remove the file if present."""


class MailComposer(Protocol):
    def compose(self, message: OutboxMessage, case: Case, recipient: str) -> EmailMessage:
        """Render the outbox entry into a complete email addressed to `recipient`."""
