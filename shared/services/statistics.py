"""The statistics bulletin of a period (R19): the counters of its days, kept with every event by
the stores, added up; the major and hot cases they list read one by one. Never a read of the
period's cases."""
from __future__ import annotations

import re
from datetime import date
from zoneinfo import ZoneInfo

from shared.domain.permissions import Action, authorize
from shared.domain.ports import CaseStore, Clock
from shared.domain.staff import Requester
from shared.domain.statistics import Bulletin, Period, bulletin_record
from shared.domain.statistics_reading import bulletin_of, listed_numbers, totals

from .case_input import Checked

MONTH = re.compile(r"\d{4}-\d{2}")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class Statistics:
    """What the staff API's `GET /statistics`, the console's bulletin page, its downloads, the
    leaders' email and the public transparency page read."""

    def __init__(self, store: CaseStore, clock: Clock, timezone: str = "Asia/Shanghai"):
        self._store = store
        self._clock = clock
        self._zone = ZoneInfo(timezone)

    def bulletin(self, period: Period) -> Bulletin:
        """The bulletin of `period`: one range read of its days' counters, then each listed
        major or hot case (a few) by number, for its closure report."""
        total = totals(self._store.statistics_counts(period.start, period.end))
        listed = [self._store.get_case(number) for number in listed_numbers(total)]
        return bulletin_of(period, total, [case for case in listed if case is not None])

    def staff_bulletin(self, who: Requester, *, month=None, start=None, end=None) -> dict:
        """The bulletin (`bulletin_record`) for staff allowed to read it (Forbidden otherwise) of
        `month` (YYYY-MM), or of the days from `start` to `end` (YYYY-MM-DD, the end excluded),
        or of this month in the platform's calendar. InvalidCommand names every bad field."""
        authorize(who.member, Action.READ_STATISTICS)
        return bulletin_record(self.bulletin(self.period(month, start, end)))

    def period(self, month=None, start=None, end=None) -> Period:
        """The period a request names (see `staff_bulletin`). Raises InvalidCommand."""
        checked = Checked()
        if month is not None and (start is not None or end is not None):
            checked.fail("month", "invalid")  # a month or a range of days, not both
        elif month is not None:
            found = _month(month)
            if found is None:
                checked.fail("month", "invalid")
            checked.done()
            return found
        elif start is None and end is None:
            today = self._clock.now().astimezone(self._zone).date()
            return Period.month(today.year, today.month)
        first, last = _day(checked, "from", start), _day(checked, "to", end)
        checked.done()
        try:
            return Period(first, last)
        except ValueError:  # empty, backwards or longer than a year
            checked.fail("to", "out_of_range")
            checked.done()
            raise


def _month(text) -> Period | None:
    if not (isinstance(text, str) and MONTH.fullmatch(text)):
        return None
    try:
        return Period.month(int(text[:4]), int(text[5:]))
    except (ValueError, OverflowError):  # month 13, or 9999-12 whose end is no date
        return None


def _day(checked: Checked, field: str, text) -> date | None:
    if text is None or text == "":
        checked.fail(field, "required")
        return None
    try:
        if isinstance(text, str) and DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    checked.fail(field, "invalid")
    return None
