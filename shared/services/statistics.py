"""The statistics bulletin of a period (R19): the counters of its days, kept with every event by
the stores, added up; the major and hot cases they list read one by one. Never a read of the
period's cases."""
from __future__ import annotations

from shared.domain.ports import CaseStore
from shared.domain.statistics import Bulletin, Period
from shared.domain.statistics_reading import bulletin_of, listed_numbers, totals


class Statistics:
    """What the staff API's `GET /statistics`, the console's bulletin page, its downloads, the
    leaders' email and the public transparency page read."""

    def __init__(self, store: CaseStore):
        self._store = store

    def bulletin(self, period: Period) -> Bulletin:
        """The bulletin of `period`: one range read of its days' counters, then each listed
        major or hot case (a few) by number, for its closure report."""
        total = totals(self._store.statistics_counts(period.start, period.end))
        listed = [self._store.get_case(number) for number in listed_numbers(total)]
        return bulletin_of(period, total, [case for case in listed if case is not None])
