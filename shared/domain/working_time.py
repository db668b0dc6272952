"""Working time: which days are working days in China, working hours, and the deadlines counted
on them (R5, R6, R13).

Which day is a working day is asked of a `WorkingDays` port (`chinese_working_days.py`: the
State Council's schedule with its 调休, and the operator's overrides). It answers None for a year it
has no data for; the functions here then count that day as Monday–Friday and say the result is
`provisional`, so the case can show it and the deadline be counted again once the year is known.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

# A deadline is looked for at most this many days ahead: every year has working days, so only a
# calendar that declares a whole year's rest could run out, and it must fail, not loop.
MAX_DAYS_AHEAD = 800
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class WorkingDays(Protocol):
    """Port: the platform's calendar of working days."""

    def is_working_day(self, day: date) -> bool | None:
        """Whether people work on `day` (weekends made working days count, public holidays do
        not); None when the calendar has no data for that year."""


@dataclass(frozen=True)
class WorkingHours:
    """The working hours of every working day, in the platform's time zone."""

    start: time = time(9, 0)
    end: time = time(18, 0)
    zone: str = "Asia/Shanghai"

    def __post_init__(self):
        if self.start >= self.end:
            raise ValueError("working hours must end after they start")
        ZoneInfo(self.zone)  # an unknown zone fails here, not at the first deadline

    @classmethod
    def parse(cls, text: str, zone: str = "Asia/Shanghai") -> WorkingHours:
        """From "HH:MM-HH:MM" (e.g. "09:00-18:00"). Raises ValueError when malformed."""
        match = _HOURS.match(text or "")
        if not match:
            raise ValueError("working hours look like 09:00-18:00")
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError("working hours look like 09:00-18:00")
        return cls(time(h1, m1), time(h2, m2), zone)

    def text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class WorkingCalendar:
    days: WorkingDays
    hours: WorkingHours = WorkingHours()


@dataclass(frozen=True)
class Deadline:
    """A moment counted on the calendar; `provisional` when some day on the way had no data and
    was taken as Monday–Friday."""

    at: datetime
    provisional: bool = False


class _Walk:
    """Days looked at while counting, and whether any of them was a guess."""

    def __init__(self, calendar: WorkingCalendar):
        self.calendar = calendar
        self.zone = ZoneInfo(calendar.hours.zone)
        self.provisional = False

    def working(self, day: date) -> bool:
        known = self.calendar.days.is_working_day(day)
        if known is None:
            self.provisional = True
            return day.weekday() < 5
        return known

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, self.calendar.hours.start, self.zone)

    def closing(self, day: date) -> datetime:
        return datetime.combine(day, self.calendar.hours.end, self.zone)

    def next_working_day(self, after: date) -> date:
        day = after
        for _ in range(MAX_DAYS_AHEAD):
            day += timedelta(days=1)
            if self.working(day):
                return day
        raise ValueError(f"no working day within {MAX_DAYS_AHEAD} days after {after}")

    def moment(self, at: datetime) -> datetime:
        """The first working moment at or after `at` (a moment in working hours is itself)."""
        local = at.astimezone(self.zone)
        day = local.date()
        if self.working(day):
            if local < self.opening(day):
                return self.opening(day)
            if local < self.closing(day):
                return local
        return self.opening(self.next_working_day(day))

    def deadline(self, at: datetime) -> Deadline:
        return Deadline(at, self.provisional)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a moment without a time zone cannot be placed on the calendar")
    return moment


def next_working_moment(calendar: WorkingCalendar, at: datetime) -> Deadline:
    """The first moment in working hours at or after `at`: itself during working hours, the next
    opening at night, on a weekend or a public holiday."""
    walk = _Walk(calendar)
    return walk.deadline(walk.moment(_aware(at)))


def add_working_hours(calendar: WorkingCalendar, start: datetime, hours: float) -> Deadline:
    """`hours` working hours after `start`, counted only within working hours on working days
    (4 working hours from Friday 17:00 end on Monday 12:00)."""
    if hours < 0:
        raise ValueError("hours cannot be negative")
    walk = _Walk(calendar)
    moment, left = walk.moment(_aware(start)), timedelta(hours=hours)
    while True:
        closing = walk.closing(moment.date())
        if left <= closing - moment:
            return walk.deadline(moment + left)
        left -= closing - moment
        moment = walk.opening(walk.next_working_day(moment.date()))


def add_working_days(calendar: WorkingCalendar, start: datetime, days: int) -> Deadline:
    """The end of working hours on the `days`-th working day after the day of `start`: the day a
    period starts is not counted, and it ends when the office closes on its last day (Civil Code
    art. 201, 203). Zero days: the close of `start`'s day, or of the next working day."""
    if days < 0:
        raise ValueError("days cannot be negative")
    walk = _Walk(calendar)
    day = _aware(start).astimezone(walk.zone).date()
    if days == 0 and not walk.working(day):
        day = walk.next_working_day(day)
    for _ in range(days):
        day = walk.next_working_day(day)
    return walk.deadline(walk.closing(day))


def initial_review_due(calendar: WorkingCalendar, received: datetime,
                       within: timedelta) -> Deadline:
    """The initial review's deadline (R6): `within` (24 h) from receipt, counted from the next
    working moment when the case arrived at night or on a rest day."""
    opening = next_working_moment(calendar, received)
    return Deadline(opening.at + within, opening.provisional)


def working_time_between(calendar: WorkingCalendar, start: datetime, end: datetime) -> WorkingSpan:
    """The working time from `start` to `end`: only the hours inside working hours on working
    days (Friday 17:00 to Monday 10:00 is two hours; nothing when `end` is not after `start`)."""
    walk = _Walk(calendar)
    start, end = _aware(start).astimezone(walk.zone), _aware(end).astimezone(walk.zone)
    length, day = timedelta(), start.date()
    while day <= end.date():
        if walk.working(day):
            opened, closed = max(start, walk.opening(day)), min(end, walk.closing(day))
            length += max(closed - opened, timedelta())
        day += timedelta(days=1)
    return WorkingSpan(length, walk.provisional)


def add_working_time(calendar: WorkingCalendar, start: datetime, length: timedelta) -> Deadline:
    """`length` of working time after `start` (`add_working_hours` for a span, not a number)."""
    return add_working_hours(calendar, start, length / timedelta(hours=1))


@dataclass(frozen=True)
class WorkingSpan:
    """A length of working time; `provisional` when a day it crossed had no data."""

    length: timedelta
    provisional: bool = False
