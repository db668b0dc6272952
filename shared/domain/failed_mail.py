"""Mail the system gave up on, as staff see it and send it again (issue 10: "entries stuck beyond
the last attempt are flagged to staff").

An outbox entry is given up (`FAILED`, with `failed_at`) when it fails for good, when it runs out
of attempts, and when its last attempt never finished: a worker claimed it and stopped before
settling it, and its lease ran out (`INTERRUPTED`; delivery gives it up at its next pass instead
of claiming it once more). Staff list these, newest failure first, and send one again once what
made it fail is fixed (`send_again`): back to pending at once, with the attempts it had left — one,
for an entry that used them all, so a retry never starts a new round — and recorded on the case,
naming who did it and why. What staff are shown of the error is its class and its text with every
address masked (R20): a refused recipient's error names the reporter's address.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from .cases import Case, EventType, TimelineEvent
from .errors import CommandRefused, DomainError
from .masking import mask_email
from .outbox import OutboxMessage, OutboxStatus, notice_data

INTERRUPTED = "interrupted: the last attempt did not finish before its lease ran out"

# The start of an error text (as the transports and the delivery word it) → its class.
_CLASSES = (
    ("recipient refused", "recipient_refused"),  # SMTP: the server refused the address
    ("SMTP unavailable", "transport_unavailable"),
    ("SES unavailable", "transport_unavailable"),
    ("SMTP ", "rejected"),  # SMTP <code>: the message refused
    ("SES ", "rejected"),  # SES <code>
    ("the reporter left no email address", "no_address"),
    ("no address for", "no_address"),  # a respondent's notice without one
    ("earlier mail to the reporter bounced", "reporter_bounced"),
    ("no active staff member", "staff_inactive"),
    ("interrupted:", "interrupted"),
)
_ADDRESS = re.compile(r"[^\s<>\"'(),;:\[\]{}]+@[^\s<>\"'(),;:\[\]{}]+")


def error_class(error: str) -> str:
    """What kind of failure an entry's `last_error` records ("" for none, `error` for a kind not
    named here, such as a bug's exception)."""
    for start, name in _CLASSES:
        if error.startswith(start):
            return name
    return "error" if error else ""


def masked_error(error: str) -> str:
    """The error text with every email address in it masked (w***@qq.com)."""
    return _ADDRESS.sub(lambda found: mask_email(found.group()), error)


class MailNotFound(DomainError):
    """No outbox entry with that id (or none the member may act on)."""


@dataclass(frozen=True)
class FailedMailPage:
    """One page of the mail given up on, newest failure first; `next_cursor` None on the last."""

    entries: list[OutboxMessage]
    next_cursor: str | None


def send_again(message: OutboxMessage, case: Case | None, actor: str, reason: str, now: datetime,
               source: str = "") -> None:
    """Put a given-up entry back to pending now, recording `notice_requeued` (staff-only) on its
    case with the actor, the reason and where they acted from (`source`). Raises CommandRefused
    (`mail_not_failed`) for an entry that is not given up (pending, being sent, sent, or sent
    again already)."""
    if message.status != OutboxStatus.FAILED:
        raise CommandRefused(f"the entry is {message.status.value}, not given up",
                             "mail_not_failed")
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = now
    message.lease_until = None
    message.failed_at = None
    if case is None:  # a mail of no case (a period's bulletin): the entry keeps who and why
        requeued = [*message.details.get("requeued", []),
                    {"by": actor, "at": now.isoformat(), "reason": reason[:500], "from": source}]
        message.details = {**message.details, "requeued": requeued[-5:]}
        return
    case.record(TimelineEvent(EventType.NOTICE_REQUEUED, now, text=reason, actor=actor,
                              data=notice_data(message, attempt=message.attempts,
                                               **{"from": source})))
