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
from .claim_keys import claimed, moment_key, normalised
from .commands import SetSeverity
from .lifecycle import OPEN_STATUSES
from .misuse import unresolved_since
from .severity import Severity

HOT_AFTER = timedelta(days=7)  # R8: unresolved one week after receipt
MAJOR_AFTER = timedelta(days=30)  # R8: "one month", counted as thirty days
ARCHIVE_RETRY = timedelta(days=1)  # a refused archive is looked at again this much later
MAX_CLAIMS = 32  # claims kept per case before stale ones are dropped (`claim`)
ARCHIVE_REFUSED = "archive_refused:"  # + code + the archive's key: a refusal said once
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
    PURGE = "identity_purge"  # the private record purged after retention (`identity_purge`)


@dataclass(frozen=True)
class SweepPolicy:
    """The sweep's settings: remind when this fraction of the decision's time is left."""

    reminder_at_fraction: float = 0.2
    # A case closed without an appeal window (the appeal's final decision) is archived this long
    # after its closure: the rating link of its notice works that long (CD_FOLLOW_UP_LINK_DAYS).
    archive_final_after: timedelta = timedelta(days=30)
    first_contact_hours: float = 4  # the first-contact clock's length (`contact_clocks.py`)
    # The private record is purged this long after archiving (CD_IDENTITY_RETENTION_DAYS).
    identity_retention: timedelta = timedelta(days=365)

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
        found.append(Due(Step.OVERDUE, moment_key("overdue", "review", at=due), due, "review"))
    elif case.status in OPEN_STATUSES and _deciding(case) and not decision_clock.paused(case):
        due = case.decision_due_at
        remind_at = due - (due - case.received_at) * policy.reminder_at_fraction
        found += [Due(Step.REMINDER, moment_key("reminder", "decision", at=due), remind_at,
                      "decision"),
                  Due(Step.OVERDUE, moment_key("overdue", "decision", at=due), due, "decision")]
    if case.status in OPEN_STATUSES and case.closed_at is None:  # never resolved yet
        start = unresolved_since(case)  # a report held under the misuse policy: once it ends
        found += [Due(Step.ESCALATION, "escalation:hot", start + HOT_AFTER,
                      severity=Severity.HOT, rule=RULE_ONE_WEEK),
                  Due(Step.ESCALATION, "escalation:major", start + MAJOR_AFTER,
                      severity=Severity.MAJOR, rule=RULE_ONE_MONTH)]
    found += major_cases.moments(case)  # R9: the weekly bulletin of an open major case
    if case.status == Status.CLOSED and case.appeal_until is not None:
        until = case.appeal_until
        found.append(Due(Step.ARCHIVE, moment_key("archive", at=until), until))
    elif case.status == Status.CLOSED and case.closed_at is not None:  # final: no window
        at = case.closed_at + policy.archive_final_after
        found.append(Due(Step.ARCHIVE, moment_key("archive", "final", at=at), at,
                          rule=RULE_FINAL))
    if case.status == Status.ARCHIVED and case.archived_at and case.identity_purged_at is None:
        at = case.archived_at + policy.identity_retention
        found.append(Due(Step.PURGE, moment_key("identity_purge", at=at), at))
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
    done = claimed(case)
    if not any(key.startswith("overdue:") for key in done):  # every write asks (issue 12)
        return None  # an overdue notice's key is moment_key("overdue", …): none claimed
    return next((d for d in moments(case, SweepPolicy())
                 if d.step == Step.OVERDUE and d.key in done), None)


def _deciding(case: Case) -> bool:
    """A decision deadline set since the last closure (an appeal's old one is not its own)."""
    due = case.decision_due_at
    return due is not None and (case.closed_at is None or due > case.closed_at)


def plan(case: Case, now: datetime, policy: SweepPolicy) -> Plan:
    """What is due at `now` and not claimed yet: of one deadline's reminder and overdue notice
    only the overdue one, of the two escalations only the higher, and none that would not raise
    the severity; every key of what is due is claimed all the same."""
    done = claimed(case)
    due = [d for d in moments(case, policy) if d.at <= now and d.key not in done]
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


def claim(case: Case, keys: list[str], policy: SweepPolicy | None = None) -> None:
    """Keep `keys` on the case, each once and spelt in UTC (`claim_keys`). Past `MAX_CLAIMS`
    the oldest keys nothing needs any more are dropped (a deadline moved since, a review behind
    the case, an older week's bulletin); a key the case still needs (`_needed`) is kept however
    long the case stays open, since dropping it would do its thing again."""
    kept = list(dict.fromkeys(normalised(key) for key in [*case.sweep_claims, *keys]))
    spare = len(kept) - MAX_CLAIMS
    if spare > 0:
        needed = _needed(case, kept, policy or SweepPolicy())
        stale = set([key for key in kept if key not in needed][:spare])
        kept = [key for key in kept if key not in stale]
    case.sweep_claims = kept


def _needed(case: Case, kept: list[str], policy: SweepPolicy) -> set[str]:
    """The claims that still say something: every key a current moment names, the refusals
    noted for the current archive, the newest weekly bulletin (the next week counts from it)
    and R8's count rule's per-matter claims (not moments of the sweep)."""
    from .count_rules import CLAIM_PREFIX  # count_rules imports this module
    named = {due.key for due in moments(case, policy)}
    needed = named | {major_cases.last_bulletin_key(case)}
    for key in kept:
        refused = key.startswith(ARCHIVE_REFUSED) and key.split(":", 2)[-1] in named
        if refused or key.startswith(CLAIM_PREFIX):
            needed.add(key)
    return needed


def next_look(case: Case, now: datetime, policy: SweepPolicy,
              retry_at: datetime | None = None) -> datetime | None:
    """The next moment the sweep must look at the case: its earliest unclaimed moment after
    `now` (or `retry_at`, for something refused now); None when nothing is left."""
    done = claimed(case)
    ahead = [d.at for d in moments(case, policy) if d.key not in done and d.at > now]
    if retry_at is not None:
        ahead.append(retry_at)
    return min(ahead, default=None)
