"""The outbox: every email the system sends is first written here, in the same transaction as the
state change that caused it, then delivered idempotently (never twice, never lost)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from .cases import Case, EventType, TimelineEvent


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker until `lease_until`
    SENT = "sent"
    FAILED = "failed"  # permanently: bounced, rejected, or out of attempts


class Addressee(StrEnum):
    """Whom a notice is written to. Only the reporter's notices may know who the reporter is
    (R20): a notice to anyone else is tested never to carry their identity."""

    REPORTER = "reporter"
    RESPONDENT = "respondent"  # the account or seller complained about: told at `details["address"]`
    STAFF = "staff"  # a staff member (`details["staff"]`, their id): told at their staff address


class Template(StrEnum):
    """The notices we send; each has `mail/<value>.*` templates and a name in i18n `notices`."""

    ACKNOWLEDGMENT = "acknowledgment"
    FOLLOW_UP_RECEIVED = "follow_up_received"  # only when a reply's files had to be dropped
    CASE_ACCEPTED = "case_accepted"  # the initial review accepted it (R6)
    CASE_REJECTED = "case_rejected"  # not accepted, with the ground in words (R6)
    CASE_ASSIGNED = "case_assigned"  # who handles it (by department) and by when (R10)
    INFORMATION_REQUESTED = "information_requested"  # the handler's question (R11)
    HANDLER_MESSAGE = "handler_message"  # a message from the handler
    CASE_CLOSED = "case_closed"  # the closure notice: the decision, reasons, appeal, remedies (R15)
    APPEAL_DECIDED = "appeal_decided"  # the appeal's decision, final (R16)
    RESPONDENT_OUTCOME = "respondent_outcome"  # the outcome told to the respondent (R20: no reporter)
    APPEAL_RECEIVED = "appeal_received"  # the appeal is registered; someone else reviews it (R16)
    APPEAL_REFUSED = "appeal_refused"  # a reply to a closure notice too late, or after the appeal
    STAFF_REMINDER = "staff_reminder"  # the deadline sweep: a deadline is near (to the assignee)
    STAFF_OVERDUE = "staff_overdue"  # the deadline sweep: past it (to the assignee, supervisors)
    STAFF_MAJOR_CASE = "staff_major_case"  # a case became major: to the leaders, at once (R9)
    STAFF_MAJOR_BULLETIN = "staff_major_bulletin"  # a major case's progress: weekly, on each move
    STAFF_HOT_CASE = "staff_hot_case"  # a case became hot: to the service centre and department
    # R19: the period's statistics bulletin to a leader (the sweep, once per period; no case).
    STAFF_STATISTICS_BULLETIN = "staff_statistics_bulletin"
    # The decision deadline moved (R13, 知情权): extended by a leader, or after the pause for the
    # reporter's answer; `details` hold the old and new deadline and why.
    DECISION_DEADLINE_CHANGED = "decision_deadline_changed"
    # The misuse policy (R21, DSA Art. 23): a warning, or the hold of new reports that follows
    # it (`details["step"]`: warning | hold), with how to contest it (R23).
    MISUSE_NOTICE = "misuse_notice"

    @property
    def addressee(self) -> Addressee:
        """Whom the notice is written to: the reporter, unless the template is another's."""
        return _ADDRESSEES.get(self, Addressee.REPORTER)


_ADDRESSEES = {Template.RESPONDENT_OUTCOME: Addressee.RESPONDENT,
               **{template: Addressee.STAFF for template in Template
                  if template.value.startswith("staff_")}}


@dataclass
class OutboxMessage:
    """One email to the case's reporter. The address is looked up from the private record at
    sending time, so the outbox never copies personal data."""

    id: str
    case_number: str
    template: Template
    language: str
    created_at: datetime
    next_attempt_at: datetime
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    lease_until: datetime | None = None
    sent_at: datetime | None = None
    last_error: str = ""
    in_reply_to: str = ""  # the reporter's message this answers, for In-Reply-To/References
    notes: list[str] = field(default_factory=list)  # lines for the reply, e.g. dropped files
    text: str = ""  # what a staff member wrote to the reporter (a message, a question, a reason)
    details: dict = field(default_factory=dict)  # what the template says besides (plain values)
    failed_at: datetime | None = None  # when it was given up (FAILED); cleared when sent again

    def message_id(self, domain: str) -> str:
        """Stable per outbox entry: a resend after a crash carries the same Message-ID, which mail
        clients collapse into one message."""
        return f"<{self.id}@{domain}>"

    def claimable(self, now: datetime, respect_schedule: bool = True) -> bool:
        if self.status == OutboxStatus.PENDING:
            return not respect_schedule or self.next_attempt_at <= now
        if self.status == OutboxStatus.SENDING:
            return self.lease_until is not None and self.lease_until <= now
        return False

    def claim(self, now: datetime, lease: timedelta) -> None:
        self.status = OutboxStatus.SENDING
        self.attempts += 1
        self.lease_until = now + lease

    def succeeded(self, now: datetime) -> None:
        self.status = OutboxStatus.SENT
        self.sent_at = now
        self.lease_until = None
        self.last_error = ""

    def failed(self, now: datetime, error: str, retry_at: datetime | None) -> None:
        """A failed attempt: retry at `retry_at`, or give up when it is None."""
        self.last_error = error[:500]
        self.lease_until = None
        if retry_at is None:
            self.status = OutboxStatus.FAILED
            self.failed_at = now
        else:
            self.status = OutboxStatus.PENDING
            self.next_attempt_at = retry_at


def queue_notice(case: Case, template: Template, now: datetime, *, in_reply_to: str = "",
                 notes: list[str] | None = None, text: str = "",
                 details: dict | None = None) -> OutboxMessage:
    """The one way to queue a notice to the case's reporter: the outbox entry, and the case's
    `notice_queued` event naming the template. The caller writes both in one transaction."""
    message = OutboxMessage(id=uuid.uuid4().hex, case_number=case.number, template=template,
                            language=case.language, created_at=now, next_attempt_at=now,
                            in_reply_to=in_reply_to, notes=list(notes or []), text=text,
                            details=dict(details or {}))
    case.record(TimelineEvent(EventType.NOTICE_QUEUED, now, data=notice_data(message)))
    return message


def notice_data(message: OutboxMessage, **more) -> dict:
    """What every notice event carries: which entry, which template, and, for a notice to anyone
    but the reporter, to whom (such an event is staff-only: `TimelineEvent.public`)."""
    addressee = message.template.addressee
    elsewhere = {} if addressee == Addressee.REPORTER else {"addressee": addressee.value}
    return {"outbox_id": message.id, "template": message.template.value, **elsewhere, **more}


def backoff(attempts: int, first: timedelta = timedelta(minutes=1), factor: int = 4) -> timedelta:
    """Delay before attempt `attempts + 1`: 1 min, 4 min, 16 min, ... capped at 6 hours."""
    return min(first * factor ** max(attempts - 1, 0), timedelta(hours=6))
