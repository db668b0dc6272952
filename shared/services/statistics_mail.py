"""R19's bulletin mailed to the leaders by the deadline sweep, once per period.

At each run the sweep asks `queue_due`: for each cadence the setting names, the last period that
has ended (in the platform's time zone) is looked up by its claim — one read. Unclaimed, its
headline figures are computed (the statistics service, from the counters kept with each event),
and one transaction takes the claim and writes one outbox entry per active leader
(`PeriodMailStore.queue_period_mail`). A second sweep, at once or later, finds the claim and
writes nothing; a run that stops before the commit wrote nothing, and the next run queues the
period whole; after the commit the outbox delivers as for every notice (retries, the failed-mail
list). A period is claimed even with no active leader, so that it is not computed at every run;
only the latest ended period is sent, never older ones (turning the setting on sends last month's,
not a year's)."""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from shared.domain.bulletin_mail import Cadence, Period, bulletin_notices, claim_key, last_ended
from shared.domain.ports import Clock
from shared.domain.staff import Role

log = logging.getLogger(__name__)


class StatisticsMail:
    """Queues the statistics bulletin to the leaders (`Services.statistics_mail`)."""

    def __init__(self, store, clock: Clock, cadences: Sequence[Cadence],
                 figures: Callable[[Period], list], link: Callable[[Period], str],
                 timezone: str = "Asia/Shanghai", language: str = "zh-CN"):
        """`store`: a CaseStore that is a PeriodMailStore and StaffStore. `figures`: the
        headline figures of a period (`bulletin_mail.Figure`s: plain numbers); `link`: the
        console page of the period."""
        self._store = store
        self._clock = clock
        self._cadences = tuple(cadences)
        self._figures = figures
        self._link = link
        self._zone = ZoneInfo(timezone)
        self._language = language

    def queue_due(self) -> list[str]:
        """Queue the mail of every period that has ended and is not claimed yet; returns the
        claims this run took (empty when there was nothing to do or another run did it)."""
        now = self._clock.now()
        today = now.astimezone(self._zone).date()
        taken = []
        for cadence in self._cadences:
            period = last_ended(cadence, today)
            claim = claim_key(period)
            if self._store.period_mail_claimed(claim):
                continue
            leaders = sorted(m.id for m in self._store.list_staff()
                             if m.active and Role.LEADER in m.roles)
            notices = bulletin_notices(period, leaders, self._figures(period) if leaders else [],
                                       self._link(period), self._language, now)
            if self._store.queue_period_mail(claim, notices, now):
                log.info("statistics bulletin %s queued for %d leaders", claim, len(notices))
                taken.append(claim)
        return taken
