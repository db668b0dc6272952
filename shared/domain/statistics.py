"""The statistics bulletin (R19, 质量简报 / 统计分析): the value type every view of it renders.

Plain values only (dataclasses of ints, floats, strs, dates, lists and dicts), so the console's
charts, the CSV/XLSX downloads, the leaders' email and the public transparency page all read the
same figures. Field names are stable: once released, fields are only added, never renamed.

How each figure is counted (which day, which event) is `statistics_counters.py` and the section
"Statistics (R19, issue 11)" of docs/design.md. Two kinds of figure:
- *received* figures (by kind, channel, category, severity, repeat, marks) describe the cases
  received in the period, as they are now (a case reclassified later moves with it);
- *activity* figures (reviews, closures, outcomes, on-time rates, handling time, appeals,
  satisfaction, 绩效) count what happened in the period, whenever the case was received.
"""
from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

MAX_PERIOD_DAYS = 366  # a year at most: the counters read are one per day (and shard)
# A complaint is a repeat when the same reporter complained within this many days before (R8's
# "within a month"; the reporter matched on their email address).
REPEAT_WITHIN_DAYS = 30


@dataclass(frozen=True)
class Period:
    """Days of the platform's calendar (Asia/Shanghai by default): `start` inclusive, `end`
    exclusive. A month by default; any range of 1 to `MAX_PERIOD_DAYS` days is allowed."""

    start: date
    end: date

    def __post_init__(self):
        if not self.start < self.end:
            raise ValueError("a period ends after it starts")
        if (self.end - self.start).days > MAX_PERIOD_DAYS:
            raise ValueError(f"a period holds at most {MAX_PERIOD_DAYS} days")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """The calendar month: its first day to the first day of the next."""
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last) + timedelta(days=1))

    @property
    def days(self) -> list[date]:
        """Every day of the period, in order."""
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days)]


@dataclass
class Rate:
    """How many of `total` were done in time; `rate` = on_time / total (None when total is 0)."""

    on_time: int = 0
    """Done by the deadline (at or before it)."""
    total: int = 0
    """Done in the period, in time or late."""
    rate: float | None = None
    """on_time / total, from 0.0 to 1.0; None when nothing was done."""


@dataclass
class HandlingTime:
    """Receipt to closure, of the cases closed in the period (a first closure; an appeal's
    decision is not counted again), from a histogram (`statistics_counters.HOUR_BUCKETS`)."""

    count: int = 0
    """Closures counted."""
    median_hours: float | None = None
    """The median, as the upper edge of its histogram bucket (None when none closed)."""
    p90_hours: float | None = None
    """The 90th percentile, as the upper edge of its bucket (None when none closed)."""
    buckets: dict[int, int] = field(default_factory=dict)
    """Closures per bucket: upper edge in hours → count (0 for beyond the last edge)."""


@dataclass
class Satisfaction:
    """The reporters' ratings of the handling (R17) given in the period."""

    counts: dict[int, int] = field(default_factory=lambda: {s: 0 for s in range(1, 6)})
    """Ratings per score, 1 (very unsatisfied) to 5 (very satisfied); every score present."""
    count: int = 0
    """Ratings given."""
    average: float | None = None
    """Mean score, None when nobody rated."""


@dataclass
class Performance:
    """绩效 of one department or handler in the period."""

    id: str
    """The department's name or the handler's staff id."""
    assigned: int = 0
    """Cases assigned to it in the period (each assignment, so a reassignment back counts)."""
    closed: int = 0
    """Cases it held when they were closed in the period."""
    decision_on_time: Rate = field(default_factory=Rate)
    """Its closures in the period decided by the decision deadline."""
    median_hours: float | None = None
    """Median receipt → closure of its closures (upper edge of the bucket), None when none."""


@dataclass
class ListedCase:
    """A major or hot case of the period, listed one by one (R9, R19)."""

    number: str
    """The case number."""
    kind: str
    """complaint | report."""
    severity: str
    """Its severity now: major | hot (or lower, when lowered since)."""
    status: str
    """Its status now."""
    category: str
    """Its category now."""
    department: str
    """The responsible department ("" when none)."""
    received_at: datetime
    """When it was received (UTC)."""
    closed_at: datetime | None
    """When it was (last) closed, None while open."""
    cause: str = ""
    """The closure report's cause (R9), "" when there is none yet."""
    prevention: str = ""
    """The closure report's preventive measures (R9)."""
    summary: str = ""
    """The closure report's short summary (a hot case's report)."""


@dataclass
class Bulletin:
    """The statistics of one period (R19). See the module docstring for received vs activity."""

    period: Period
    """The days counted."""
    received: int = 0
    """Cases received in the period."""
    by_kind: dict[str, int] = field(default_factory=dict)
    """Cases received, by kind (complaint, report)."""
    by_channel: dict[str, int] = field(default_factory=dict)
    """Cases received, by channel (web_form, email, phone, …)."""
    by_category: dict[str, int] = field(default_factory=dict)
    """Cases received, by their category now."""
    by_severity: dict[str, int] = field(default_factory=dict)
    """Cases received, by their severity now (general, important, hot, major)."""
    repeat_complaints: int = 0
    """Complaints received from a reporter who had complained within `REPEAT_WITHIN_DAYS`
    before (matched on the reporter's email address; anonymous ones never)."""
    malicious: int = 0
    """Cases received in the period now marked malicious (恶意举报, R21)."""
    unfounded: int = 0
    """Cases received in the period now marked manifestly unfounded (明显不实, R21)."""
    reviewed: int = 0
    """Initial reviews done in the period (accepted or rejected; a reopened case twice)."""
    accepted: int = 0
    """Of which accepted."""
    rejected: int = 0
    """Of which rejected (不予受理)."""
    review_on_time: Rate = field(default_factory=Rate)
    """Initial reviews done by the review deadline (R6: 24 h)."""
    closed: int = 0
    """Cases closed in the period (the closure notice queued; an appeal's decision not again)."""
    outcomes: dict[str, int] = field(default_factory=dict)
    """Closures by the decision's outcome (upheld, partly_upheld, not_upheld, …)."""
    decision_on_time: Rate = field(default_factory=Rate)
    """Closures by the decision deadline (as moved by pauses and an approved extension)."""
    handling_time: HandlingTime = field(default_factory=HandlingTime)
    """Receipt → closure of the closures of the period."""
    appeals_received: int = 0
    """Appeals lodged in the period (R16)."""
    appeals_decided: int = 0
    """Appeals decided in the period."""
    appeal_outcomes: dict[str, int] = field(default_factory=dict)
    """Appeals decided, by the new decision's outcome."""
    appeals_changed: int = 0
    """Appeals decided in the period whose outcome differs from the decision appealed."""
    satisfaction: Satisfaction = field(default_factory=Satisfaction)
    """Ratings given in the period (R17)."""
    departments: list[Performance] = field(default_factory=list)
    """绩效 per department, by name."""
    handlers: list[Performance] = field(default_factory=list)
    """绩效 per handler, by staff id."""
    major_and_hot: list[ListedCase] = field(default_factory=list)
    """Cases that became major or hot, or were closed as such, in the period; by number."""
    misuse: dict[str, int] = field(default_factory=dict)
    """The misuse policy (R21, DSA Art. 23) in the period: warnings sent (`warned`), holds
    started (`hold_started`), reports held (`held`), held reports released (`released`),
    warnings and holds lifted (`lifted`); a measure that did not happen is absent."""


def bulletin_record(bulletin: Bulletin) -> dict:
    """The bulletin as JSON-ready plain values: dates and times in ISO 8601, every dict key a
    string."""
    return _plain(asdict(bulletin))


def _plain(value):
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    return value
