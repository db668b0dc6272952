"""The deadline sweep's rules: what is due on a case at a moment, and when to look at it next.

Each thing the sweep does is a `Due` with a claim key, kept on the case (`case.sweep_claims`) in the
same transaction as what it does, so it happens once per deadline however many sweeps run: a
reminder when `reminder_at_fraction` of the decision's time is left, an overdue notice past the
initial review (received) or the decision (open), escalation by time (R8: unresolved one week
after receipt → hot, one month → major), and the archive once the appeal window is over (R18).
Keys name the deadline they are for ("overdue:decision:<due iso>"), so a deadline that moves
(an extension, a reopened review) is claimed afresh. Plain datetimes: the working-day calendar
sets the due fields; these rules only read them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from . import contact_clock_moments, decision_clock, major_cases, provisional_deadlines
from .cases import Case, Status
from .commands import SetSeverity
from .lifecycle import OPEN_STATUSES
from .severity import Severity

HOT_AFTER = timedelta(days=7)  # R8: unresolved one week after receipt
MAJOR_AFTER = timedelta(days=30)  # R8: "one month", counted as thirty days
ARCHIVE_RETRY = timedelta(days=1)  # a refused archive is looked at again this much later
MAX_CLAIMS = 32  # claims kept per case, newest last: bounded, whatever happens to the case
RULE_ONE_WEEK = "R8 unresolved one week after receipt"
RULE_ONE_MONTH = "R8 unresolved one month after receipt"
RULE_FINAL = "R18: the appeal's decision is final and its rating period is over"


class Step(StrEnum):
    REMINDER = "reminder"
    OVERDUE = "overdue"
    ESCALATION = "escalation"
    ARCHIVE = "archive"
    RECOUNT = "recount"  # provisional deadlines counted again (`provisional_deadlines`)
    BULLETIN = "bulletin"  # a major case's weekly progress bulletin to the leaders (R9)


@dataclass(frozen=True)
class SweepPolicy:
    """The sweep's settings: remind when this fraction of the decision's time is left."""

    reminder_at_fraction: float = 0.2
    # A case closed without an appeal window (the appeal's final decision) is archived this long
    # after its closure: the rating link of its notice works that long (CD_FOLLOW_UP_LINK_DAYS).
    archive_final_after: timedelta = timedelta(days=30)
    first_contact_hours: float = 4  # the first-contact clock's length (`contact_clocks.py`)

    def __post_init__(self):
        if not 0 < self.reminder_at_fraction < 1:
            raise ValueError("reminder_at_fraction must be between 0 and 1")
        if not self.first_contact_hours > 0:
            raise ValueError("first_contact_hours must be positive")


@dataclass(frozen=True)
class Due:
    """One thing the sweep does for a case at `at`, once, under `key`."""

    step: Step
    key: str
    at: datetime
    deadline: str = ""  # review | decision | first_contact | compensation, for staff notices
    deadline_at: datetime | None = None  # the deadline itself, when not the review or decision
    severity: Severity | None = None  # for an escalation
    rule: str = ""


@dataclass
class Plan:
    """What to do now (`acts`) and every key to claim with it, including what is due but no
    longer worth doing (a reminder after its deadline passed, a severity already as high)."""

    acts: list[Due] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EscalateByTime(SetSeverity):
    """The system raising a case's severity by a time rule of R8; the event names the rule."""

    rule: str = ""

    def details(self, case: Case) -> dict:
        return {**super().details(case), "rule": self.rule}


def moments(case: Case, policy: SweepPolicy) -> list[Due]:
    """Everything the sweep acts on for the case as it is now, claimed or not, in time order."""
    found: list[Due] = []
    if case.status == Status.RECEIVED:
        due = case.review_due_at
        found.append(Due(Step.OVERDUE, f"overdue:review:{due.isoformat()}", due, "review"))
    elif case.status in OPEN_STATUSES and _deciding(case) and not decision_clock.paused(case):
        due = case.decision_due_at
        remind_at = due - (due - case.received_at) * policy.reminder_at_fraction
        found += [Due(Step.REMINDER, f"reminder:decision:{due.isoformat()}", remind_at, "decision"),
                  Due(Step.OVERDUE, f"overdue:decision:{due.isoformat()}", due, "decision")]
    if case.status in OPEN_STATUSES and case.closed_at is None:  # never resolved yet
        found += [Due(Step.ESCALATION, "escalation:hot", case.received_at + HOT_AFTER,
                      severity=Severity.HOT, rule=RULE_ONE_WEEK),
                  Due(Step.ESCALATION, "escalation:major", case.received_at + MAJOR_AFTER,
                      severity=Severity.MAJOR, rule=RULE_ONE_MONTH)]
    found += major_cases.moments(case)  # R9: the weekly bulletin of an open major case
    if case.status == Status.CLOSED and case.appeal_until is not None:
        until = case.appeal_until
        found.append(Due(Step.ARCHIVE, f"archive:{until.isoformat()}", until))
    elif case.status == Status.CLOSED and case.closed_at is not None:  # final: no window
        at = case.closed_at + policy.archive_final_after
        found.append(Due(Step.ARCHIVE, f"archive:final:{at.isoformat()}", at, rule=RULE_FINAL))
    found += [Due(Step.RECOUNT, key, at) for key, at in provisional_deadlines.recheck_moments(case)]
    found += contact_clock_moments.moments(case, policy)  # first contact and compensation
    return sorted(found, key=lambda due: due.at)


def is_overdue(case: Case) -> bool:
    """Whether the sweep found the case past its current deadline (its overdue notice claimed):
    what queues and views show, without a clock of their own. Cleared by a new deadline."""
    return overdue_deadline(case) is not None


def overdue_deadline(case: Case) -> Due | None:
    """The current deadline the sweep found the case past (the earliest, if several), or None.
    Read from the case alone, so every write of it keeps the overdue queue's key in step
    (`records.queue_keys`): a command that moves or ends the deadline takes it out."""
    return next((d for d in moments(case, SweepPolicy())
                 if d.step == Step.OVERDUE and d.key in case.sweep_claims), None)


def _deciding(case: Case) -> bool:
    """A decision deadline set since the last closure (an appeal's old one is not its own)."""
    due = case.decision_due_at
    return due is not None and (case.closed_at is None or due > case.closed_at)


def plan(case: Case, now: datetime, policy: SweepPolicy) -> Plan:
    """What is due at `now` and not claimed yet: of one deadline's reminder and overdue notice
    only the overdue one, of the two escalations only the higher, and none that would not raise
    the severity; every key of what is due is claimed all the same."""
    due = [d for d in moments(case, policy) if d.at <= now and d.key not in case.sweep_claims]
    result = Plan(claims=[d.key for d in due])
    overdue = {d.deadline for d in due if d.step == Step.OVERDUE}
    escalations = [d for d in due if d.step == Step.ESCALATION]
    highest = max(escalations, key=lambda d: d.severity.rank, default=None)
    for d in due:
        if d.step == Step.REMINDER and d.deadline in overdue:
            continue
        if d.step == Step.ESCALATION and (d is not highest or d.severity.rank <= case.severity.rank):
            continue
        result.acts.append(d)
    return result


def claim(case: Case, keys: list[str]) -> None:
    """Keep `keys` on the case, the oldest dropped past `MAX_CLAIMS` (their deadlines are long
    past: a key names its deadline, which never comes back)."""
    kept = [key for key in case.sweep_claims if key not in keys] + list(keys)
    case.sweep_claims = kept[-MAX_CLAIMS:]


def next_look(case: Case, now: datetime, policy: SweepPolicy,
              retry_at: datetime | None = None) -> datetime | None:
    """The next moment the sweep must look at the case: its earliest unclaimed moment after
    `now` (or `retry_at`, for something refused now); None when nothing is left."""
    ahead = [d.at for d in moments(case, policy) if d.key not in case.sweep_claims and d.at > now]
    if retry_at is not None:
        ahead.append(retry_at)
    return min(ahead, default=None)
