"""The working days of mainland China: the `chinese-calendar` package (the State Council's yearly
holiday schedule with its 调休 — weekend days made working days, weekdays given as holidays), and
the operator's override file, which wins for every year it lists.

The package raises NotImplementedError for a year it has no schedule for (the next year, until the
State Council publishes it and a release follows): that is "no data" (None), never a crash.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import chinese_calendar

OVERRIDES_FILE = "holiday_overrides.json"  # next to the domain, shipped as package data


class OverridesInvalid(ValueError):
    """The override file cannot be used; the message says where it is wrong."""


@dataclass(frozen=True)
class YearSchedule:
    """One year's schedule as published: its holidays and its working weekend days."""

    holidays: frozenset[date]
    working_days: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def parse_overrides(data: Mapping) -> dict[int, YearSchedule]:
    """The schedules of an override document; raises OverridesInvalid naming the bad entry."""
    if not isinstance(data, Mapping) or data.get("version") != 1:
        raise OverridesInvalid("the override file must be an object with \"version\": 1")
    years = data.get("years", {})
    if not isinstance(years, Mapping):
        raise OverridesInvalid("\"years\" must map a year to its schedule")
    return {_year(text): _schedule(text, entry) for text, entry in years.items()}


def _year(text) -> int:
    if not (isinstance(text, str) and text.isdigit() and len(text) == 4):
        raise OverridesInvalid(f"year {text!r}: a year is four digits, e.g. \"2027\"")
    return int(text)


def _schedule(year: str, entry) -> YearSchedule:
    if not isinstance(entry, Mapping) or set(entry) - {"holidays", "working_days", "source"}:
        raise OverridesInvalid(f"year {year}: holidays, working_days and source only")
    holidays = _days(year, "holidays", entry.get("holidays", []))
    working = _days(year, "working_days", entry.get("working_days", []))
    if holidays & working:
        raise OverridesInvalid(f"year {year}: {min(holidays & working)} is both a holiday and a working day")
    return YearSchedule(frozenset(holidays), frozenset(working))


def _days(year: str, name: str, texts) -> set[date]:
    if not isinstance(texts, list):
        raise OverridesInvalid(f"year {year}: {name} must be a list of dates")
    days = set()
    for text in texts:
        try:
            day = date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None
        except ValueError:
            day = None
        if day is None or day.year != int(year):
            raise OverridesInvalid(f"year {year}: {name}: {text!r} is not a date of {year} (YYYY-MM-DD)")
        days.add(day)
    return days


def load_overrides(path: Path | None = None) -> dict[int, YearSchedule]:
    """The override file at `path`, or the one shipped with the code."""
    if path is None:
        text = resources.files("shared.domain").joinpath(OVERRIDES_FILE).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise OverridesInvalid(f"the override file is not JSON: {error}") from None
    return parse_overrides(data)


class ChineseWorkingDays:
    """`WorkingDays` for mainland China: the override file's years first, then the package."""

    def __init__(self, overrides: Mapping[int, YearSchedule] | None = None):
        self._overrides = dict(load_overrides() if overrides is None else overrides)

    def is_working_day(self, day: date) -> bool | None:
        schedule = self._overrides.get(day.year)
        if schedule is not None:
            return schedule.is_working_day(day)
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:  # no schedule for that year (yet)
            return None

    def known_years(self) -> frozenset[int]:
        """The years the operator's file lists (the package's own are not enumerated)."""
        return frozenset(self._overrides)
