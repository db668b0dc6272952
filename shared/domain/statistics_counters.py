"""Which statistics counters a change of a case moves (R19), decided from the case before and
after the change and the events it added. The stores apply the moves in the transaction that
writes the case and those events, so the counters are exactly as durable as the events: a
transaction retried from a fresh read decides again from what it read, a command repeated
records no event, and no event means no move.

A move is (day, name, delta) on the platform's calendar (`zone`). Two families of names:
- received (cohort), on the day the case was received, kept equal to what the case is now:
  `received`, `received.kind.<k>`, `received.channel.<c>`, `received.category.<c>`,
  `received.severity.<s>`, `received.repeat`, `marked.<malicious|unfounded>`; a case
  reclassified, raised or marked later moves from its old name to its new one (−1, +1).
- activity, on the day of the event: `review.total|on_time|accepted|rejected`,
  `decision.total|on_time`, `closed`, `closed.outcome.<o>`, `hours.<edge>`,
  `appeal.received|decided|changed`, `appeal.outcome.<o>`, `satisfaction.<1-5>`,
  `department.<d>.<assigned|closed|on_time>`, `department.<d>.hours.<edge>`, the same under
  `handler.<staff id>.`, `misuse.<warned|hold_started|held|released|lifted>` (R21), and
  `listed.<number>` for a case that became major or hot, or was
  closed (or its appeal decided) as such, that day.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from .cases import Case, EventType, TimelineEvent
from .severity import Severity

# Upper edges of the handling-time histogram, in hours: every hour up to a day, every 6 hours up
# to a week, every day up to 30 days, then 45, 60, 90, 180 and 365 days. A time beyond the last
# edge is counted under 0. The median and 90th percentile are read as the upper edge of their
# bucket, so they are at most 1 h, 6 h or a day above the truth in those ranges.
HOUR_BUCKETS: tuple[int, ...] = (
    tuple(range(1, 25)) + tuple(range(30, 169, 6)) + tuple(range(192, 721, 24))
    + (1080, 1440, 2160, 4320, 8760)
)
LISTED_SEVERITIES = frozenset({Severity.HOT, Severity.MAJOR})
# The platform's calendar by default (`CD_TIMEZONE`); the stores are given the configured one.
STATISTICS_ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Facts:
    """What of a case, as it was read, the counters depend on (snapshot before a change)."""

    kind: str
    category: str
    severity: str
    report_mark: str
    review_due_at: datetime | None
    decision_due_at: datetime | None
    outcome_told: str
    assignee: str
    department: str

    @classmethod
    def of(cls, case: Case) -> Facts:
        return cls(case.kind.value, case.category, case.severity.value, case.report_mark,
                   case.review_due_at, case.decision_due_at, outcome_told(case),
                   case.assignee, case.department)


@dataclass(frozen=True)
class Move:
    day: date
    name: str
    delta: int


def outcome_told(case: Case) -> str:
    """The outcome of the decision the person was last told ("" before any)."""
    return case.decision.get("sent", {}).get("outcome", "")


def hours_bucket(hours: float) -> int:
    """The histogram bucket (upper edge in hours, 0 beyond the last) of a handling time."""
    for edge in HOUR_BUCKETS:
        if hours <= edge:
            return edge
    return 0


def moves(before: Facts | None, after: Case, events: list[TimelineEvent], zone: tzinfo
          ) -> list[Move]:
    """The counter moves of one change: `before` is None for a case being registered. No new
    events, no moves. Moves on the same day and name are summed; those summing to 0 dropped."""
    if not events:
        return []
    now = Facts.of(after)
    tally: Counter[tuple[date, str]] = Counter()
    received = after.received_at.astimezone(zone).date()
    for name, delta in cohort_moves(before, now, after, events):
        tally[(received, name)] += delta
    for event in events:
        day = event.at.astimezone(zone).date()
        for name in activity_names(before, now, after, event):
            tally[(day, name)] += 1
    last = events[-1].at.astimezone(zone).date()
    if became_listed(before, now) or closed_listed(after, events):
        tally[(last, f"listed.{after.number}")] += 1
    return [Move(day, name, delta) for (day, name), delta in tally.items() if delta]


def cohort_moves(before: Facts | None, now: Facts, case: Case, events: list[TimelineEvent]):
    """The received names the case leaves (−1) and enters (+1)."""
    old = _cohort_names(before) if before is not None else Counter()
    new = _cohort_names(now)
    if before is None:
        new["received"] += 1
        new[f"received.channel.{case.channel.value}"] += 1
        registered = next((e for e in events if e.type is EventType.CASE_REGISTERED), None)
        if registered is not None and registered.data.get("repeat_of"):
            new["received.repeat"] += 1
    for name in old.keys() | new.keys():
        if new[name] != old[name]:
            yield name, new[name] - old[name]


def _cohort_names(facts: Facts) -> Counter:
    names = Counter({f"received.kind.{facts.kind}": 1,
                     f"received.category.{facts.category}": 1,
                     f"received.severity.{facts.severity}": 1})
    if facts.report_mark:
        names[f"marked.{facts.report_mark}"] += 1
    return names


def activity_names(before: Facts | None, now: Facts, case: Case, event: TimelineEvent) -> list[str]:
    kind = event.type.as_current
    if kind in (EventType.CASE_ACCEPTED, EventType.CASE_REJECTED):
        due = before.review_due_at if before is not None else case.review_due_at
        verdict = "accepted" if kind is EventType.CASE_ACCEPTED else "rejected"
        return ["review.total", f"review.{verdict}"] + (["review.on_time"] if _in_time(event, due)
                                                         else [])
    if kind is EventType.CASE_ASSIGNED:
        return _assigned(before, now)
    if kind is EventType.CASE_CLOSED:
        return _closed(before, now, case, event)
    if kind is EventType.APPEAL_LODGED:
        return ["appeal.received"]
    if kind is EventType.APPEAL_DECIDED:
        changed = before is not None and before.outcome_told != now.outcome_told
        return (["appeal.decided", f"appeal.outcome.{now.outcome_told or 'none'}"]
                + (["appeal.changed"] if changed else []))
    if kind is EventType.HANDLING_RATED and event.data.get("rating") in (1, 2, 3, 4, 5):
        return [f"satisfaction.{event.data['rating']}"]
    if kind in MISUSE_COUNTED:  # R21's misuse policy: warnings, holds, releases, lifts
        return [MISUSE_COUNTED[kind]]
    return []


MISUSE_COUNTED = {EventType.MISUSE_WARNED: "misuse.warned",
                  EventType.MISUSE_HOLD_STARTED: "misuse.hold_started",
                  EventType.REPORT_HELD: "misuse.held",
                  EventType.HELD_REPORT_RELEASED: "misuse.released",
                  EventType.MISUSE_STANDING_LIFTED: "misuse.lifted"}


def _assigned(before: Facts | None, now: Facts) -> list[str]:
    names = []
    if now.department and (before is None or before.department != now.department):
        names.append(f"department.{now.department}.assigned")
    if now.assignee and (before is None or before.assignee != now.assignee):
        names.append(f"handler.{now.assignee}.assigned")
    return names


def _closed(before: Facts | None, now: Facts, case: Case, event: TimelineEvent) -> list[str]:
    on_time = _in_time(event, before.decision_due_at if before is not None else None)
    bucket = hours_bucket((event.at - case.received_at).total_seconds() / 3600)
    names = ["closed", f"closed.outcome.{now.outcome_told or 'none'}", "decision.total",
             f"hours.{bucket}"] + (["decision.on_time"] if on_time else [])
    for group, key in (("department", now.department), ("handler", now.assignee)):
        if key:
            names += [f"{group}.{key}.closed", f"{group}.{key}.hours.{bucket}"]
            names += [f"{group}.{key}.on_time"] if on_time else []
    return names


def _in_time(event: TimelineEvent, due: datetime | None) -> bool:
    """Done at or before the deadline; without a deadline, in time (nothing was due)."""
    return due is None or event.at <= due


def became_listed(before: Facts | None, now: Facts) -> bool:
    """Raised into hot or major (from below, or hot to major), or registered so."""
    if now.severity not in LISTED_SEVERITIES:
        return False
    return before is None or Severity(now.severity).rank > Severity(before.severity).rank


def closed_listed(case: Case, events: list[TimelineEvent]) -> bool:
    """A hot or major case closed (or its appeal decided) by this change."""
    return case.severity in LISTED_SEVERITIES and any(
        e.type in (EventType.CASE_CLOSED, EventType.APPEAL_DECIDED) for e in events)
