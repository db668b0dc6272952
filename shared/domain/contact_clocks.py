"""Two clocks of R13 besides the review and the decision: first contact with the complainant
(「4小时内做好解释及安抚」, `first_contact.working_hours` of the deadline policy) and the decision
on a compensation claim (`compensation.working_days` from when all materials are in).

- **First contact** runs on complaints whose person left a way to reach them (an email address
  or a phone number) and is not anonymous: a report's policies set no such clock, and nobody can
  be called who left no contact. It starts at receipt, counted from the next working moment
  (`working_time.add_working_hours`), and is met by the first message or question staff send to
  the person by email (a handler's reply once approved, a supervisor's own), by a rejection or
  closure notice sent (each a written answer to them), or by a contact staff record
  (`RecordContact`: a phone call, a visit). The automatic acknowledgment is not a contact, nor
  a message that could not be mailed (no address, bounced): staff call and record that.
- **Compensation** runs once the handler or a supervisor records that all materials of a
  compensation claim are in (`RecordMaterialsComplete`): that command is what makes a case a
  compensation case, since the materials come before any decision names a compensation measure.
  It is met when the decision is approved (or the case is closed).

The sweep's moments for both are `contact_clock_moments.moments`; `keep_look` keeps the case's
`next_due_at` no later than they need after every command (`lifecycle.apply`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .cases import Case, EventType, Kind, ReporterIdentity, Status
from .claim_keys import claimed, moment_key
from .commands import Command, CommandName
from .outbox import Template

C = CommandName
FIRST_CONTACT, COMPENSATION = "first_contact", "compensation"
MAX_SUMMARY = 2000
# The statuses in which no clock runs (the lifecycle's CLOCK_STOPS, which imports this module).
_STOPPED = frozenset({Status.REJECTED, Status.CLOSED, Status.ARCHIVED})
# Notices in which staff write to the person themselves: each, once sent, is a first contact.
# Not the acknowledgment, the acceptance or the assignment notice: the system writes those.
CONTACT_NOTICES = frozenset({Template.HANDLER_MESSAGE, Template.INFORMATION_REQUESTED,
                             Template.CASE_REJECTED, Template.CASE_CLOSED,
                             Template.APPEAL_DECIDED})
# Commands that meet the compensation clock: the decision approved, or the case closed.
_COMPENSATION_MET_BY = frozenset({C.APPROVE_DECISION, C.CLOSE_CASE, C.DECIDE_APPEAL})


class ContactChannel(StrEnum):
    """How staff reached the person, for a recorded contact."""

    PHONE = "phone"
    IN_PERSON = "in_person"
    EMAIL = "email"  # written outside this system
    SMS = "sms"
    LETTER = "letter"
    OTHER = "other"


@dataclass(frozen=True)
class Clock:
    """One running or finished clock of a case: `name` (first_contact | compensation), when it
    started, when it is due, and when it was met (None: not yet)."""

    name: str
    start: datetime
    due: datetime
    met_at: datetime | None

    def key(self, step: str) -> str:
        """The sweep's claim key of this clock's reminder or overdue notice."""
        return moment_key(step, self.name, at=self.due)


def first_contact_applies(kind: Kind, anonymous: bool, identity: ReporterIdentity) -> bool:
    """Whether a new case gets the first-contact clock: a complaint from someone who may be
    reached (an email address or a phone number) and is not anonymous."""
    reachable = bool(identity.email.strip() or identity.phone.strip())
    return kind == Kind.COMPLAINT and not anonymous and reachable


def clocks(case: Case) -> list[Clock]:
    """The case's clocks of this module that were ever set, met or not."""
    found = []
    if case.first_contact_due_at is not None:
        found.append(Clock(FIRST_CONTACT, case.received_at, case.first_contact_due_at,
                           case.first_contacted_at))
    if case.compensation_due_at is not None and case.materials_complete_at is not None:
        found.append(Clock(COMPENSATION, case.materials_complete_at, case.compensation_due_at,
                           case.compensation_met_at))
    return found


def running(case: Case) -> list[Clock]:
    """The clocks not met yet, on a case where clocks still run."""
    if case.status in _STOPPED:
        return []
    return [clock for clock in clocks(case) if clock.met_at is None]


def contacted(case: Case, at: datetime) -> None:
    """The person was contacted at `at`: the first contact is met then, or earlier if it was."""
    if case.first_contact_due_at is None:
        return
    if case.first_contacted_at is None or at < case.first_contacted_at:
        case.first_contacted_at = at


def notice_queued(case: Case, template: Template, now: datetime) -> None:
    """A notice to the person was queued (`case_notices.notify`): one staff wrote is a contact.
    One that could not be sent (no address, bounced) is not: staff phone them instead."""
    if template in CONTACT_NOTICES:
        contacted(case, now)


def earliest_look(case: Case, before: datetime | None = None,
                  started: frozenset[str] = frozenset()) -> datetime | None:
    """The latest moment the sweep may first look at the case for its running clocks, without the
    sweep's settings: a reminder comes after the clock's start (its exact moment depends on
    CD_REMINDER_AT_FRACTION, which the sweep applies when it looks); `before`, the case's
    `next_due_at` before a command, was no later than the reminder either, unless the clock
    started with that command (`started`)."""
    looks, done = [], claimed(case)
    for clock in running(case):
        if clock.key("reminder") not in done:
            fresh = clock.name in started or before is None
            looks.append(clock.start if fresh else max(clock.start, before))
        elif clock.key("overdue") not in done:
            looks.append(clock.due)
    return min(looks, default=None)


def keep_look(case: Case, command: Command, before: datetime | None, now: datetime) -> None:
    """After a command (`lifecycle.apply`, once the move is made): meet what the command meets,
    and keep `next_due_at` no later than the running clocks need (`before` is its value before
    the command)."""
    if command.name in _COMPENSATION_MET_BY and case.compensation_due_at is not None \
            and case.compensation_met_at is None:
        case.compensation_met_at = now
    started = frozenset({COMPENSATION}) if command.name == C.RECORD_MATERIALS_COMPLETE else None
    look = earliest_look(case, before, started or frozenset())
    if look is not None:
        case.next_due_at = look if case.next_due_at is None else min(case.next_due_at, look)


@dataclass(frozen=True)
class RecordContact(Command):
    """Staff reached the person outside the system's mail (a call, a visit) at `at`; the reason
    is what was said. Meets the first-contact clock at `at` (or keeps an earlier contact)."""

    channel: ContactChannel = ContactChannel.PHONE
    at: datetime | None = None

    name, event, needs_reason = C.RECORD_CONTACT, EventType.CONTACT_RECORDED, True

    def details(self, case: Case) -> dict:
        return {"channel": self.channel.value, "contacted_at": self.at.isoformat()}

    def refusal(self) -> str:
        return super().refusal() or ("" if self.at else f"{self.name} needs the time of contact")

    def change(self, case: Case) -> None:
        contacted(case, self.at)


@dataclass(frozen=True)
class RecordMaterialsComplete(Command):
    """All materials of a compensation claim are in (R13): the decision on it is due at `due`
    (the service counts `compensation.working_days` on the calendar). The reason says what came
    in. Refused while such a clock runs already (`compensation_clock_running`)."""

    due: datetime | None = None
    at: datetime | None = None

    name, event = C.RECORD_MATERIALS_COMPLETE, EventType.COMPENSATION_MATERIALS_COMPLETE
    needs_reason = True

    def details(self, case: Case) -> dict:
        return {"compensation_due_at": self.due.isoformat()}

    def refusal(self) -> str:
        if super().refusal():
            return super().refusal()
        return "" if self.due and self.at else f"{self.name} needs its moment and deadline"

    def refusal_on(self, case: Case) -> tuple[str, str]:
        if any(clock.name == COMPENSATION for clock in running(case)):
            return "compensation_clock_running", "the materials were recorded complete already"
        return "", ""

    def change(self, case: Case) -> None:
        case.materials_complete_at, case.compensation_due_at = self.at, self.due
        case.compensation_met_at = None
