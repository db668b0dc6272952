"""Provisional deadlines: counted on a year the calendar had no data for (Monday–Friday assumed,
`working_time.py`), and counted again once it has.

A command that counts a deadline (registration: the initial review and the first contact;
reopening: the review; acceptance: the decision; the materials complete: the compensation) says
how it counted it with `counted`: from when, and how much (`within_seconds` of the initial
review, `working_hours` of the first contact, `working_days` of the decision and the
compensation). While the result is provisional that count is kept on the case
(`case.deadline_counts`, plain values) with the moment it gave, and the case is marked
`deadlines_provisional` while it keeps any. The deadline sweep looks at such a case once a day
(`recheck_moments`) and `recount`s: a count the calendar can now do without guessing sets its
deadline to the new result and is dropped; when none is left, the mark is cleared. A deadline
moved since by something that kept no count (an extension) is no longer this count's: the count
is dropped and the mark left as it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from . import lifecycle
from .cases import Case, Status
from .claim_keys import moment_key
from .contact_clocks import COMPENSATION, FIRST_CONTACT, running
from .decision_clock import counted_wait
from .working_time import (
    Deadline,
    WorkingCalendar,
    add_working_days,
    add_working_hours,
    add_working_time,
    initial_review_due,
    working_time_between,
)

REVIEW, DECISION = "review", "decision"
FIELDS = {REVIEW: "review_due_at", DECISION: "decision_due_at",  # the case's field of each
          FIRST_CONTACT: "first_contact_due_at", COMPENSATION: "compensation_due_at"}
RECHECK_EVERY = timedelta(days=1)  # a year's schedule is published once: a daily look is enough


@dataclass(frozen=True)
class Recounted:
    """A deadline counted again on a known year: which one, and where it was and is now."""

    deadline: str  # review | decision
    was: datetime
    now_at: datetime

    @property
    def moved(self) -> bool:
        return self.was != self.now_at


def counted(case: Case, deadline: str, result: Deadline, start: datetime, now: datetime, *,
            within: timedelta | None = None, working_hours: float | None = None,
            working_days: int | None = None) -> None:
    """Keep how `deadline` was counted (from `start`: `within`, `working_hours` or
    `working_days`) while `result` is provisional, and mark the case while it keeps any count;
    `look_sooner` then has the sweep look a day later. Counting the decision puts the review
    behind the case: its count goes."""
    counts = dict(case.deadline_counts)
    counts.pop(deadline, None)
    if deadline == DECISION:
        counts.pop(REVIEW, None)
    if result.provisional:
        how = ({"within_seconds": within.total_seconds()} if within is not None else
               {"working_hours": working_hours} if working_hours is not None else
               {"working_days": working_days})
        counts[deadline] = {"from": start.isoformat(), **how, "at": result.at.isoformat(),
                            "checked": now.isoformat()}
    case.deadline_counts = counts
    case.deadlines_provisional = bool(counts)


def moved(case: Case, deadline: str, before: datetime, after: datetime, provisional: bool,
          step: dict, now: datetime) -> None:
    """The deadline moved from `before` to `after` by `step`, counted on the calendar: an
    extension (`{"working_days": n}` added) or the pause for the reporter's answer
    (`{"waited_from", "waited_to"}`: the working time between them added). A count kept for it
    follows the move, so that the recount counts the move too; a move counted on a guessed year
    starts a count from `before`."""
    count = case.deadline_counts.get(deadline)
    if count is not None and datetime.fromisoformat(count["at"]) == before:
        count = {**count, "then": [*count.get("then", []), step], "at": after.isoformat()}
    elif provisional:
        count = {"from": before.isoformat(), "then": [step], "at": after.isoformat(),
                 "checked": now.isoformat()}
    else:
        return
    case.deadline_counts = {**case.deadline_counts, deadline: count}
    case.deadlines_provisional = True


def recheck_at(case: Case) -> datetime | None:
    """When the sweep looks at the case's provisional counts again; None when it keeps none
    whose deadline still matters (the review while received, the decision while open, the first
    contact and compensation clocks while they run)."""
    checked = [datetime.fromisoformat(c["checked"]) for name, c in case.deadline_counts.items()
               if _live(case, name)]
    return min(checked) + RECHECK_EVERY if checked else None


def recheck_moments(case: Case) -> list[tuple[str, datetime]]:
    """(claim key, moment) of the sweep's next look at the provisional counts: none or one."""
    at = recheck_at(case)
    return [] if at is None else [(moment_key("recount", at=at), at)]


def look_sooner(case: Case) -> None:
    """Bring `next_due_at` forward to the daily recheck, so that the sweep reads the case then."""
    at = recheck_at(case)
    if at is not None and (case.next_due_at is None or at < case.next_due_at):
        case.next_due_at = at


def recount(case: Case, calendar: WorkingCalendar | None, now: datetime) -> list[Recounted]:
    """Count the case's provisional deadlines that still matter again on `calendar` (None:
    nothing is known yet). Those now known are set and their counts dropped; the others are
    checked again a day later. Returns what was recounted (moved or not); the mark is cleared
    once no count is left."""
    done: list[Recounted] = []
    stale = False
    for name, count in list(case.deadline_counts.items()):
        if not _live(case, name):
            continue  # behind the case: it stays as it was shown
        current = getattr(case, FIELDS[name])
        if current is None or current != datetime.fromisoformat(count["at"]):
            stale = True  # moved by a command that kept no count: not ours to set any more
            del case.deadline_counts[name]
            continue
        result = _count_again(calendar, count) if calendar is not None else None
        if result is None or result.provisional:
            case.deadline_counts[name] = {**count, "checked": now.isoformat()}
            continue
        at = result.at.astimezone(UTC)  # as the stores read it back (and the claim keys name it)
        setattr(case, FIELDS[name], at)
        del case.deadline_counts[name]
        done.append(Recounted(name, current, at))
    if done and not stale:
        case.deadlines_provisional = bool(case.deadline_counts)
    return done


def shown_provisional(case: Case) -> frozenset[str]:
    """Which of the case's deadlines (review, decision) are provisional, for pages and views.
    A case marked before counts were kept: the deadline it was counting last."""
    if not case.deadlines_provisional:
        return frozenset()
    if case.deadline_counts:
        return frozenset(case.deadline_counts)
    return frozenset({DECISION if case.decision_due_at is not None else REVIEW})


def _live(case: Case, deadline: str) -> bool:
    if deadline == REVIEW:
        return case.status == Status.RECEIVED
    if deadline == DECISION:
        return case.status in lifecycle.OPEN_STATUSES and case.status != Status.RECEIVED
    return any(clock.name == deadline for clock in running(case))


def _count_again(calendar: WorkingCalendar, count: dict) -> Deadline:
    start = datetime.fromisoformat(count["from"])
    if "within_seconds" in count:
        due = initial_review_due(calendar, start, timedelta(seconds=count["within_seconds"]))
    elif "working_hours" in count:
        due = add_working_hours(calendar, start, float(count["working_hours"]))
    elif "working_days" in count:
        due = add_working_days(calendar, start, int(count["working_days"]))
    else:  # a move counted from a deadline that was known
        due = Deadline(start)
    for step in count.get("then", []):  # the moves since, in order
        due = _moved_again(calendar, due, step)
    return due


def _moved_again(calendar: WorkingCalendar, due: Deadline, step: dict) -> Deadline:
    if "working_days" in step:  # from the approval instead, when it came after the deadline
        start = max(due.at, datetime.fromisoformat(step["from"])) if "from" in step else due.at
        later = add_working_days(calendar, start, int(step["working_days"]))
        return Deadline(later.at, due.provisional or later.provisional)
    waited = working_time_between(calendar, datetime.fromisoformat(step["waited_from"]),
                                  datetime.fromisoformat(step["waited_to"]))
    later = add_working_time(calendar, due.at, counted_wait(waited.length))
    return Deadline(later.at, due.provisional or waited.provisional or later.provisional)
