"""R19's regular bulletin for management, by mail: which periods are sent to the leaders
(`CD_STATISTICS_BULLETIN`: monthly, weekly, both or off), the last period that has ended, the
claim that makes a period's mail go out once, and its outbox entries — mail of no case, one per
active leader, holding the headline figures (plain numbers, never a case's words or a reporter)
and the link to the console page."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlencode

from .outbox import OutboxMessage, Template
from .statistics import Bulletin
from .statistics import Period as Span


class Cadence(StrEnum):
    MONTHLY = "monthly"  # the calendar month, in the platform's time zone
    WEEKLY = "weekly"  # the ISO week, Monday to Sunday


# What the setting names, and the cadences each sends.
SCHEDULES: dict[str, tuple[Cadence, ...]] = {
    "monthly": (Cadence.MONTHLY,), "weekly": (Cadence.WEEKLY,),
    "both": (Cadence.MONTHLY, Cadence.WEEKLY), "off": ()}


@dataclass(frozen=True)
class Period:
    """Days `first` to `last` (inclusive, local dates); `key` names it: `2026-11`, `2026-W47`."""

    cadence: Cadence
    key: str
    first: date
    last: date

    @property
    def span(self) -> Span:
        """The days counted, as the statistics service takes them (the end exclusive)."""
        return Span(self.first, self.last + timedelta(days=1))


def last_ended(cadence: Cadence, today: date) -> Period:
    """The latest period of the cadence that ended before `today` (a local date)."""
    if cadence == Cadence.MONTHLY:
        last = today.replace(day=1) - timedelta(days=1)
        return Period(cadence, f"{last.year:04d}-{last.month:02d}", last.replace(day=1), last)
    last = today - timedelta(days=today.isoweekday())  # the Sunday before today
    year, week, _ = last.isocalendar()
    return Period(cadence, f"{year:04d}-W{week:02d}", last - timedelta(days=6), last)


def console_link(console: str, period: Period) -> str:
    """The console page of the period's bulletin (`console`: where the console is); a week by
    its days, `to` the day after the last (as `GET /statistics` reads it)."""
    query = ({"month": period.key} if period.cadence == Cadence.MONTHLY else
             {"from": period.span.start.isoformat(), "to": period.span.end.isoformat()})
    return f"{console.rstrip('/')}/statistics?{urlencode(query)}"


def claim_key(period: Period) -> str:
    """The claim of the period's mail: taken once, with the mail, in one transaction."""
    return f"statistics_bulletin:{period.cadence.value}:{period.key}"


# A headline figure: (its key, which names it in the texts `statistics.figures`; its measure,
# `report_tables.Measure`'s value; the number, None for none).
Figure = tuple[str, str, int | float | None]


def headline(bulletin: Bulletin) -> list[Figure]:
    """The figures a leader reads first: in the mail, and at the top of the page and files."""
    listed = [case.severity for case in bulletin.major_and_hot]
    return [("received", "count", bulletin.received), ("accepted", "count", bulletin.accepted),
            ("rejected", "count", bulletin.rejected), ("closed", "count", bulletin.closed),
            ("review_on_time", "rate", bulletin.review_on_time.rate),
            ("decision_on_time", "rate", bulletin.decision_on_time.rate),
            ("median_hours", "hours", bulletin.handling_time.median_hours),
            ("p90_hours", "hours", bulletin.handling_time.p90_hours),
            ("appeals", "count", bulletin.appeals_received),
            ("appeals_changed", "count", bulletin.appeals_changed),
            ("satisfaction", "score", bulletin.satisfaction.average),
            ("ratings", "count", bulletin.satisfaction.count),
            ("repeat", "count", bulletin.repeat_complaints),
            ("malicious", "count", bulletin.malicious),
            ("major", "count", listed.count("major")), ("hot", "count", listed.count("hot"))]


def bulletin_notices(period: Period, leaders: list[str], figures: list[Figure], link: str,
                     language: str, now: datetime) -> list[OutboxMessage]:
    """One outbox entry per leader (by staff id; the address is looked up when it is sent)."""
    details = {"cadence": period.cadence.value, "period": period.key,
               "first": period.first.isoformat(), "last": period.last.isoformat(),
               "figures": [[key, measure, value] for key, measure, value in figures],
               "link": link}
    return [OutboxMessage(id=uuid.uuid4().hex, case_number="",
                          template=Template.STAFF_STATISTICS_BULLETIN, language=language,
                          created_at=now, next_attempt_at=now,
                          details={**details, "staff": staff_id})
            for staff_id in dict.fromkeys(leaders)]
