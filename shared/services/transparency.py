"""The transparency page of a month (R22: 「定期进行公开披露举报工作情况」): the figures of the
statistics bulletin (R19) that say how complaints and reports were handled, and the major cases
disclosed that month after their redaction review (`disclosures.py`).

Only figures, never a person: `public_figures` copies a fixed list of counts and rates out of the
bulletin and leaves out everything that names someone or something — the departments' and the
handlers' 绩效 (staff ids, department names) and the major and hot cases listed one by one (case
numbers, closure reports written for the leaders). A disclosed case shows the summary a
supervisor other than its proposer approved, never its number.

Counts are published as they are, small ones too (docs/design.md, "Public pages"): no cell holds
personal data, suppressing small cells while publishing totals gives them away by subtraction,
and DSA Art. 24 and the CAC's annual report ask for exact figures. A median of fewer than
`MIN_FOR_MEDIAN` closures is not shown: it would be one or two cases' own times, not a figure.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as day_time
from time import monotonic
from zoneinfo import ZoneInfo

from shared.domain.ports import Clock, DisclosureStore
from shared.domain.statistics import Bulletin, Period

MONTH = re.compile(r"(\d{4})-(\d{2})")
MONTHS_OFFERED = 24  # the chooser lists this many months back from the current one
MIN_FOR_MEDIAN = 3
MAX_DISCLOSED = 50  # a month's disclosed major cases shown (there are a handful at most)
# A month's figures are computed at most once per five minutes per instance (a public page must
# not let anyone make us add up counters on every request); the disclosures are read every time,
# so a withdrawn one leaves the page at once.
CACHE_SECONDS = 300


class MonthNotValid(ValueError):
    """`?month=` is not a month we publish: malformed (`invalid`) or not begun (`future`)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class TransparencyReport:
    month: str  # YYYY-MM
    period: Period
    complete: bool  # the month is over: its figures no longer grow
    figures: dict
    disclosures: list[dict] = field(default_factory=list)
    months: list[str] = field(default_factory=list)  # for the chooser, newest first


def public_figures(bulletin: Bulletin) -> dict:
    """The bulletin's figures the public may see (see the module): plain values only."""
    handling = bulletin.handling_time
    return {
        "received": bulletin.received,
        "by_kind": dict(bulletin.by_kind),
        "by_category": dict(bulletin.by_category),
        "by_channel": dict(bulletin.by_channel),
        "reviewed": bulletin.reviewed, "accepted": bulletin.accepted,
        "rejected": bulletin.rejected,
        "review_on_time": _rate(bulletin.review_on_time),
        "closed": bulletin.closed,
        "outcomes": dict(bulletin.outcomes),
        "decision_on_time": _rate(bulletin.decision_on_time),
        "median_hours": handling.median_hours if handling.count >= MIN_FOR_MEDIAN else None,
        "appeals_received": bulletin.appeals_received,
        "appeals_decided": bulletin.appeals_decided,
        "appeals_changed": bulletin.appeals_changed,
        "satisfaction_count": bulletin.satisfaction.count,
        "satisfaction_average": bulletin.satisfaction.average,
        "malicious": bulletin.malicious, "unfounded": bulletin.unfounded,
        # The misuse policy (R21; DSA Art. 24(1)(b): suspensions under Art. 23): totals only.
        "misuse_warned": bulletin.misuse.get("warned", 0),
        "misuse_holds": bulletin.misuse.get("hold_started", 0),
    }


def _rate(rate) -> dict:
    return {"on_time": rate.on_time, "total": rate.total,
            "percent": None if rate.rate is None else round(rate.rate * 100, 1)}


class Transparency:
    """The transparency page's report of a month, from the statistics and the disclosures."""

    def __init__(self, bulletin_of: Callable[[Period], Bulletin], store: DisclosureStore,
                 clock: Clock, timezone: str):
        self._bulletin_of = bulletin_of
        self._store = store
        self._clock = clock
        self._zone = ZoneInfo(timezone)
        self._cache: dict[str, tuple[float, dict]] = {}

    def report(self, month: str = "") -> TransparencyReport:
        """The month's report (`YYYY-MM`; empty: the last complete month). Raises
        MonthNotValid."""
        today = self._clock.now().astimezone(self._zone).date()
        year, number = self._month(month, today)
        key = f"{year:04d}-{number:02d}"
        period = Period.month(year, number)
        return TransparencyReport(
            month=key, period=period, complete=period.end <= today,
            figures=self._figures(key, period), disclosures=self._disclosed(period),
            months=_months_before(today))

    def _figures(self, key: str, period: Period) -> dict:
        cached = self._cache.get(key)
        if cached and monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        figures = public_figures(self._bulletin_of(period))
        self._cache[key] = (monotonic(), figures)
        return figures

    @staticmethod
    def _month(month: str, today: date) -> tuple[int, int]:
        if not month:
            return (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        match = MONTH.fullmatch(month.strip())
        if not match or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
            raise MonthNotValid("invalid")
        if (int(match[1]), int(match[2])) > (today.year, today.month):
            raise MonthNotValid("future")
        return int(match[1]), int(match[2])

    def _disclosed(self, period: Period) -> list[dict]:
        """The disclosures published in the period (local days), newest first, without the
        case number."""
        low, high = (datetime.combine(day, day_time(), self._zone).astimezone(UTC).isoformat()
                     for day in (period.start, period.end))
        records = self._store.published_disclosures(low, high, MAX_DISCLOSED)
        return [{key: value for key, value in record.items()
                 if key not in ("number", "published_key")} for record in records]


def _months_before(today: date) -> list[str]:
    year, month = today.year, today.month
    months = []
    for _ in range(MONTHS_OFFERED):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months
