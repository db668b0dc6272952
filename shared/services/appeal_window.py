"""The appeal window (R16): calendar months after the closure notice, to the end of that day in the
platform's time zone, so that the date told to the person is the whole last day."""
from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it is shorter (31 Aug + 6 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def appeal_until(closed_at: datetime, months: int, zone: ZoneInfo) -> datetime:
    """The last moment an appeal is accepted: the end of the day `months` after the closure, in
    `zone`, as UTC."""
    last_day = add_months(closed_at.astimezone(zone).date(), months)
    end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)
    return (end - timedelta(microseconds=1)).astimezone(UTC)


def local_day(moment: datetime, zone: ZoneInfo) -> str:
    """The day as people read it (2027-06-02), in `zone`."""
    return moment.astimezone(zone).date().isoformat()
