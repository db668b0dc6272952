"""Major and hot cases (R9): who is told, and when.

- A case that becomes major, by whatever rule or hand, is told AT ONCE to the leaders: the notice
  is queued in the transaction that raised it (`notices`, which services call on every change of
  a case, comparing the case with how it was before: `Before`).
- While a major case is open, the leaders get a progress bulletin at least weekly — a sweep
  moment every `BULLETIN_EVERY` since it became major (`moments`, claimed as
  "bulletin:major:<week>") — and one with every change of its status.
- A case that becomes hot is reported at once to the service centre (the supervisors) and to the
  case's department (its active staff; the supervisors alone when it has none).

Every notice is staff-only mail (`Addressee.STAFF`): it names the case by number with its status,
severity, handler, department and deadlines, never the reporter, subject or description (R20),
and never goes to the member the case is about (R23). Plain functions of the case and the staff
list: the services read the staff, the sweep keeps the claims.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .cases import Case, EventType, Status
from .lifecycle import OPEN_STATUSES
from .outbox import OutboxMessage, Template, queue_notice
from .severity import Severity
from .staff import Role, StaffMember

BULLETIN_EVERY = timedelta(days=7)  # R9: "at least weekly"
BULLETIN_KEY = "bulletin:major:"  # + the week since the case became major, from 1


@dataclass(frozen=True)
class Before:
    """What a change is compared with: the case's severity and status before it."""

    severity: Severity
    status: Status

    @classmethod
    def of(cls, case: Case) -> Before:
        return cls(case.severity, case.status)


@dataclass(frozen=True)
class Audience:
    """The staff R9 notices may go to: the active members, read once for a change or a run."""

    members: tuple[StaffMember, ...]

    @classmethod
    def of(cls, members: Iterable[StaffMember]) -> Audience:
        return cls(tuple(m for m in members if m.active))

    def leaders(self, case: Case) -> list[str]:
        return _ids(case, (m for m in self.members if Role.LEADER in m.roles))

    def service_centre_and_department(self, case: Case) -> list[str]:
        """The supervisors, then the case's department (none when it has no active staff)."""
        department = [m for m in self.members if case.department and m.department == case.department]
        return _ids(case, [m for m in self.members if Role.SUPERVISOR in m.roles] + department)


def _ids(case: Case, members: Iterable[StaffMember]) -> list[str]:
    """Each member once, in order; never the one the case is about (R23)."""
    return [i for i in dict.fromkeys(m.id for m in members) if i != case.about_staff]


def notices(before: Before, case: Case, audience: Callable[[], Audience],
            language: str) -> list[OutboxMessage]:
    """The R9 notices of what a change did to the case (compared with `before`), to queue with it:
    raised to major → the leaders; raised to hot → the service centre and department; a major
    case's status changed → a bulletin to the leaders. Keeps `major_since` and the case's
    `next_due_at` (its next weekly bulletin). `audience` is called only when someone is told."""
    _keep_bulletin_due(case)  # whatever moved the case's deadlines
    if (case.severity, case.status) == (before.severity, before.status):
        return []
    now = case.updated_at  # the change recorded its events at this moment
    found: list[OutboxMessage] = []
    major = case.severity == Severity.MAJOR
    if major and before.severity != Severity.MAJOR:
        _became_major(case, now)
        found += _tell(case, Template.STAFF_MAJOR_CASE, audience().leaders(case), now, language,
                       _why_raised(case))
    elif major:
        found += _tell(case, Template.STAFF_MAJOR_BULLETIN, audience().leaders(case), now,
                       language, _status_change(case, before))
    elif before.severity == Severity.MAJOR:
        case.major_since = None  # lowered by hand: no more bulletins
    if case.severity == Severity.HOT and before.severity.rank < Severity.HOT.rank:
        found += _tell(case, Template.STAFF_HOT_CASE,
                       audience().service_centre_and_department(case), now, language,
                       _why_raised(case))
    _keep_bulletin_due(case)
    return found


def _keep_bulletin_due(case: Case) -> None:
    """The sweep reads a case at its `next_due_at`: never after its next weekly bulletin."""
    due = next_bulletin_at(case)
    if due is not None and (case.next_due_at is None or due < case.next_due_at):
        case.next_due_at = due


def moments(case: Case) -> list:
    """The sweep's moment of the open major case's next weekly bulletin (a `sweep_rules.Due`)."""
    from .sweep_rules import Due, Step  # sweep_rules asks this module for its moments

    at = next_bulletin_at(case)
    if at is None:
        return []
    return [Due(Step.BULLETIN, f"{BULLETIN_KEY}{_last_week(case) + 1}", at)]


def next_bulletin_at(case: Case) -> datetime | None:
    """When the open major case's next weekly bulletin is due; None for any other case."""
    if (case.severity != Severity.MAJOR or case.major_since is None
            or case.status not in OPEN_STATUSES):
        return None
    return case.major_since + (_last_week(case) + 1) * BULLETIN_EVERY


def weekly_bulletin(case: Case, now: datetime, leaders: list[str],
                    language: str) -> tuple[list[OutboxMessage], str]:
    """The weekly bulletin due now, and the key of the week it is for: the current week, so that
    weeks a stopped sweep missed are not told one after the other (claim it with the due key)."""
    week = max((now - case.major_since) // BULLETIN_EVERY, _last_week(case) + 1)
    details = {"change": "weekly", "week": week, "major_since": case.major_since.isoformat()}
    return _tell(case, Template.STAFF_MAJOR_BULLETIN, leaders, now, language, details), (
        f"{BULLETIN_KEY}{week}")


def last_bulletin_key(case: Case) -> str:
    """The claim of the newest week told ("" before the first): the next week counts from it."""
    week = _last_week(case)
    return f"{BULLETIN_KEY}{week}" if week else ""


def _last_week(case: Case) -> int:
    weeks = [int(k.removeprefix(BULLETIN_KEY)) for k in case.sweep_claims
             if k.startswith(BULLETIN_KEY) and k.removeprefix(BULLETIN_KEY).isdigit()]
    return max(weeks, default=0)


def _became_major(case: Case, now: datetime) -> None:
    """Its weeks count from now; the bulletins of an earlier time it was major are done with."""
    case.major_since = now
    case.sweep_claims = [k for k in case.sweep_claims if not k.startswith(BULLETIN_KEY)]


def _why_raised(case: Case) -> dict:
    """Which rule raised it (the time and count rules name theirs), or that staff set it."""
    raised = [e for e in case.new_events if e.type == EventType.SEVERITY_SET]
    last = raised[-1] if raised else None
    rule = last.data.get("rule", "") if last else ""
    by = "staff" if last is not None and last.actor.startswith("staff:") else "system"
    return {"change": "severity", "rule": rule if isinstance(rule, str) else "", "by": by}


def _status_change(case: Case, before: Before) -> dict:
    details = {"change": "status", "status_from": before.status.value,
               "status_to": case.status.value}
    report = case.decision.get("record", {}).get("closure_report")
    if case.status == Status.CLOSED and report:  # the leaders read the closure report (R9)
        details["closure_report"] = dict(report)
    return details


def _tell(case: Case, template: Template, staff_ids: list[str], now: datetime, language: str,
          details: dict) -> list[OutboxMessage]:
    told = []
    for staff_id in staff_ids:
        notice = queue_notice(case, template, now, details={**details, "staff": staff_id})
        notice.language = language  # the staff's language, not the reporter's
        told.append(notice)
    return told
