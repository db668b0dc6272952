"""Which period a reader asks for, from the query: `month=2026-11` (a calendar month), or
`from=2026-11-23&to=2026-11-29` (days, both included, at most a year); neither: the current
month. Days of the platform's calendar (`CD_TIMEZONE`)."""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from shared.domain.errors import InvalidCommand
from shared.domain.statistics import MAX_PERIOD_DAYS, Period

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIELDS = ("month", "from", "to")


def period_asked(query: Mapping[str, str], today: date) -> Period:
    """The period of `query` (only FIELDS are read). Raises InvalidCommand naming each field
    that makes no sense: a malformed month or day, `to` before `from`, one without the other,
    a month with days, a span over a year, a period that starts after today."""
    month, first, last = (query.get(name) for name in FIELDS)
    if month is not None and (first is not None or last is not None):
        raise InvalidCommand({"month": "month_or_days"})
    if month is not None:
        period = _month(month)
    elif first is not None or last is not None:
        period = _days(first, last)
    else:
        return Period.month(today.year, today.month)
    if period.start > today:
        raise InvalidCommand({"month" if month is not None else "from": "in_future"})
    return period


def _month(text: str) -> Period:
    found = _MONTH.match(text)
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        raise InvalidCommand({"month": "invalid_month"})
    return Period.month(int(found.group(1)), int(found.group(2)))


def _days(first: str | None, last: str | None) -> Period:
    errors = {name: "invalid_day" for name, text in (("from", first), ("to", last))
              if text is None or not _day(text)}
    if errors:
        raise InvalidCommand(errors)
    start, end = _day(first), _day(last) + timedelta(days=1)
    if end <= start:
        raise InvalidCommand({"to": "before_from"})
    if (end - start).days > MAX_PERIOD_DAYS:
        raise InvalidCommand({"to": "period_too_long"})
    return Period(start, end)


def _day(text: str) -> date | None:
    if not _DAY.match(text):
        return None
    try:
        found = date.fromisoformat(text)
    except ValueError:
        return None
    return found if found.year >= 2000 else None


def today(app) -> date:
    """Today on the platform's calendar (services `app`: its clock and time zone)."""
    return app.clock.now().astimezone(ZoneInfo(app.settings.timezone)).date()
