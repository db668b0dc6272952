"""Mail held back by the transport, and brought forward when the transport is back (issue 12).

A transient failure puts an outbox entry back to pending with a later retry (1, 4, 16 minutes …
capped at 6 hours, `outbox.backoff`). When the failure was the transport's — the relay or SES
unreachable, or answering with a temporary error — and not the recipient's, the entry waits on
nothing but the transport: once a send goes through again (the circuit closes), it may be tried
at once, so that an outage of minutes delays mail by minutes. A failure of the recipient (a
greylisting 4xx) or of our own code keeps its backoff: trying it early would only spend its
attempts.
"""
from __future__ import annotations

from datetime import datetime

from .failed_mail import error_class
from .outbox import Addressee, OutboxMessage, OutboxStatus

# The classes of `failed_mail.error_class` that say the transport, not the recipient, failed.
# (A transient `rejected` is an SMTP 4xx reply to the message, or an SES throttling error.)
TRANSPORT_TROUBLE = frozenset({"transport_unavailable", "rejected"})


def transport_trouble(error: str) -> bool:
    """Whether an error text says the transport itself failed (not one recipient, not a bug)."""
    return error_class(error) in TRANSPORT_TROUBLE


def due_at(message: OutboxMessage) -> datetime:
    """When the entry next needs a worker: its lease's end while sent, else its next attempt
    (the stores' `due_at`)."""
    if message.status == OutboxStatus.SENDING and message.lease_until is not None:
        return message.lease_until
    return message.next_attempt_at


def waits_on_transport(message: OutboxMessage, now: datetime) -> bool:
    """A pending entry whose last attempt failed for the transport and whose retry is later."""
    return (message.status == OutboxStatus.PENDING and message.attempts >= 1
            and message.next_attempt_at > now and transport_trouble(message.last_error))


def bring_forward(message: OutboxMessage, now: datetime) -> bool:
    """Make an entry that waits on the transport due now (True); any other entry is left as it
    is (False), so running it twice, or on an entry changed meanwhile, changes nothing."""
    if not waits_on_transport(message, now):
        return False
    message.next_attempt_at = now
    return True


def delayed_notice(message: OutboxMessage) -> bool:
    """A notice to the reporter not sent yet after a failed attempt: what their status page
    calls delayed (a notice given up on is told by its own event)."""
    return (message.template.addressee == Addressee.REPORTER
            and message.status in (OutboxStatus.PENDING, OutboxStatus.SENDING)
            and message.attempts >= 1 and bool(message.last_error))
