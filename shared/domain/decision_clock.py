"""The decision clock (R13) while the case waits for the reporter (R11): paused, then resumed.

Asking the reporter (`AskReporter`, the case enters `awaiting_reporter`) pauses the clock:
`case.decision_paused_at` remembers when. Their answer (`ReporterAnswered`, or any command the
case leaves that status by) resumes it: `decision_due_at` moves later by the *working time* the
case waited — the hours inside working hours on working days between the question and the answer
(`working_time.working_time_between`), added on from the old deadline on the same calendar. A
pause over a weekend or a public holiday adds none of it, and the handler keeps exactly the
working time they had left when they asked. Without a calendar (unit tests) clock time is used.

Only a clock that is running pauses: a case with no decision deadline of its own (none yet, or an
appeal's old one) or asked after its deadline passed is not paused, so waiting never clears an
overdue decision. While paused the sweep sends no reminder and no overdue notice
(`sweep_rules.moments` asks `paused`); the R8 escalations by time still run. On every resume,
whether the deadline moved or not, `next_due_at` is brought forward to the moment of the answer,
so the sweep's next run counts the case's next moment (the reminder, the overdue notice) with
its own rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .cases import Case, EventType, Status, TimelineEvent
from .working_time import (
    WorkingCalendar,
    add_working_days,
    add_working_time,
    working_time_between,
)

AWAITING = Status.AWAITING_REPORTER
# The wait is counted in whole working hours, the part of an hour dropped: a question answered
# within minutes moves nothing, so nobody is mailed a "new" deadline minutes later than the old.
COUNTED_IN = timedelta(hours=1)


def counted_wait(length: timedelta) -> timedelta:
    """The working time waited as the clock counts it: whole working hours."""
    return COUNTED_IN * (max(length, timedelta()) // COUNTED_IN)


@dataclass(frozen=True)
class DecisionClock:
    """How the decision clock runs: on `calendar` (None: clock time), and whether waiting for the
    reporter pauses it (`deadline_policy.json`, decision.pause_while_awaiting_reporter)."""

    calendar: WorkingCalendar | None = None
    pauses: bool = True

    def waited(self, start: datetime, end: datetime) -> tuple[timedelta, bool]:
        """The working time from `start` to `end` in whole hours (`counted_wait`), and whether
        it was counted on a guessed year."""
        if self.calendar is None:
            return counted_wait(end - start), False
        span = working_time_between(self.calendar, start, end)
        return counted_wait(span.length), span.provisional

    def later(self, due: datetime, length: timedelta) -> tuple[datetime, bool]:
        """`due` moved later by `length` of working time."""
        if length <= timedelta():
            return due, False
        if self.calendar is None:
            return due + length, False
        moved = add_working_time(self.calendar, due, length)
        return moved.at.astimezone(UTC), moved.provisional


    def extended(self, due: datetime, working_days: int) -> tuple[datetime, bool]:
        """`due` extended by `working_days`: to the close of the last of them (R13)."""
        if self.calendar is None:
            return due + timedelta(days=working_days), False
        moved = add_working_days(self.calendar, due, working_days)
        return moved.at.astimezone(UTC), moved.provisional


def deciding(case: Case) -> bool:
    """A decision deadline set since the last closure (an appeal's old one is not its own)."""
    due = case.decision_due_at
    return due is not None and (case.closed_at is None or due > case.closed_at)


def paused(case: Case) -> bool:
    """Whether the decision clock stands still: the case waits for the reporter."""
    return case.decision_paused_at is not None


def follow(case: Case, clock: DecisionClock, source: Status, actor: str, now: datetime) -> None:
    """After a move from `source`: pause the clock on entering `awaiting_reporter`, resume it on
    leaving (recording `decision_deadline_moved`, naming `actor`, when the deadline moved)."""
    if case.status == AWAITING and source != AWAITING:
        if clock.pauses and deciding(case) and now < case.decision_due_at:
            case.decision_paused_at = now
    elif source == AWAITING and case.status != AWAITING and paused(case):
        _resume(case, clock, actor, now)


def _resume(case: Case, clock: DecisionClock, actor: str, now: datetime) -> None:
    since, before = case.decision_paused_at, case.decision_due_at
    case.decision_paused_at = None
    # While paused the sweep saw no reminder nor overdue notice, and may have looked past them:
    # its next run looks again (the new deadline's moments, or the old one's, if nothing moved).
    case.next_due_at = now if case.next_due_at is None else min(case.next_due_at, now)
    length, guessed = clock.waited(since, now)
    after, moved_on_guess = clock.later(before, length)
    if after == before:
        return
    case.decision_due_at = after
    case.deadlines_provisional = case.deadlines_provisional or guessed or moved_on_guess
    # Imported here: provisional_deadlines reads the clocks of commands, which import this module.
    from . import provisional_deadlines
    provisional_deadlines.moved(case, provisional_deadlines.DECISION, before, after,
                                guessed or moved_on_guess,
                                {"waited_from": since.isoformat(), "waited_to": now.isoformat()},
                                now)  # counted again with the move once the year is known
    minutes = int(length / timedelta(minutes=1))
    case.record(TimelineEvent(
        EventType.DECISION_DEADLINE_MOVED, now, actor=actor,
        text=f"paused while awaiting the reporter: {minutes} working minutes",
        data={"cause": "awaiting_reporter", "paused_at": since.isoformat(),
              "paused_minutes": minutes, "due_from": before.isoformat(),
              "due_to": after.isoformat()}))
