"""The counters of a case counted again from the case as stored and its whole timeline: what
`tools.recount_statistics` writes for cases stored before the counters existed (or to rebuild
them). The same names as `statistics_counters.moves`, with what the timeline no longer tells
taken from the case as it is now:
- the review's deadline is the case's `review_due_at` now (a reopened case's earlier reviews are
  judged by its last deadline), the decision's its `decision_due_at` now (an extension or a
  pause moved it before the closure, so this is the deadline the closure was judged by);
- who held the case comes from its `case_assigned` events (an appeal clears the handler), its
  severity from its `severity_set` events (before the first one: that event's `severity_from`),
  the outcome told from its `case_closed` and `appeal_decided` events.
`listed.<number>` is counted once for each day it applies (its value does not matter)."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, tzinfo

from .cases import Case, EventType, TimelineEvent
from .statistics_counters import (
    LISTED_SEVERITIES,
    Facts,
    Move,
    activity_names,
    became_listed,
    cohort_moves,
)


def recount(case: Case, events: list[TimelineEvent], zone: tzinfo) -> list[Move]:
    """Every counter the case's life has moved, as (day, name, delta)."""
    tally: Counter[tuple[date, str]] = Counter()
    received = case.received_at.astimezone(zone).date()
    for name, delta in cohort_moves(None, Facts.of(case), case, events):
        tally[(received, name)] += delta
    facts = _first_facts(case, events)
    listed_days = set()
    if facts.severity in LISTED_SEVERITIES:
        listed_days.add(received)
    for event in events:
        after = _after(facts, event)
        day = event.at.astimezone(zone).date()
        for name in activity_names(facts, after, case, event):
            tally[(day, name)] += 1
        if became_listed(facts, after) or (after.severity in LISTED_SEVERITIES and event.type in (
                EventType.CASE_CLOSED, EventType.APPEAL_DECIDED)):
            listed_days.add(day)
        facts = after
    for day in listed_days:
        tally[(day, f"listed.{case.number}")] += 1
    return [Move(day, name, delta) for (day, name), delta in tally.items() if delta]


def _first_facts(case: Case, events: list[TimelineEvent]) -> Facts:
    """The case as registered, as far as the counters' activity needs it."""
    first = next((e for e in events if e.type is EventType.SEVERITY_SET
                  and e.data.get("severity_from")), None)
    severity = first.data["severity_from"] if first is not None else case.severity.value
    return replace(Facts.of(case), severity=severity, outcome_told="", assignee="", department="")


def _after(facts: Facts, event: TimelineEvent) -> Facts:
    """The facts once `event` happened."""
    data = event.data
    if event.type is EventType.CASE_ASSIGNED:
        return replace(facts, assignee=str(data.get("assignee", "")).strip(),
                       department=str(data.get("department", "")).strip())
    if event.type is EventType.APPEAL_LODGED:
        return replace(facts, assignee="")
    if event.type is EventType.SEVERITY_SET and data.get("severity_to"):
        return replace(facts, severity=data["severity_to"])
    if event.type in (EventType.CASE_CLOSED, EventType.APPEAL_DECIDED) and "outcome" in data:
        return replace(facts, outcome_told=data["outcome"])
    return facts
