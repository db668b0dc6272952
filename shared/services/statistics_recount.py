"""Count the statistics again from every stored case (`tools.recount_statistics`): for cases
stored before the counters existed, or to rebuild them. Reads each case once (keyset pages of
the newest-first queue) and its timeline (pages of 200), adds up `statistics_recount.recount`
and replaces every counter at the end, so a second run writes the same numbers."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, tzinfo

from shared.domain.ports import CaseStore
from shared.domain.queues import MAX_PAGE, CaseQuery
from shared.domain.statistics_recount import recount


@dataclass(frozen=True)
class RecountReport:
    cases: int  # cases read
    events: int  # events read
    days: int  # days with counters written


class StatisticsRecount:
    def __init__(self, store: CaseStore, zone: tzinfo):
        self._store = store
        self._zone = zone

    def run(self) -> RecountReport:
        """Recount every case and replace the counters; what was read and written."""
        tally: Counter = Counter()
        cases = events = 0
        cursor: str | None = None
        while True:
            page = self._store.find_cases(CaseQuery(), limit=MAX_PAGE, after=cursor)
            for case in page.cases:
                timeline = self._timeline(case.number)
                cases, events = cases + 1, events + len(timeline)
                for move in recount(case, timeline, self._zone):
                    tally[(move.day, move.name)] += move.delta
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        days: dict[date, dict[str, int]] = {}
        for (day, name), value in tally.items():
            if value:
                days.setdefault(day, {})[name] = value
        self._store.replace_statistics_counts(days)
        return RecountReport(cases, events, len(days))

    def _timeline(self, number: str) -> list:
        found, after = [], 0
        while page := self._store.case_events(number, public_only=False, after_seq=after,
                                               limit=MAX_PAGE):
            found += page
            after = page[-1].seq
        return found
