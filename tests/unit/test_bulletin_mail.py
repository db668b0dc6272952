"""Which period's bulletin is mailed, and what its mail holds: the last month or ISO week that
ended before today, and the headline figures of the bulletin (numbers only)."""
from datetime import date, timedelta

import pytest

from shared.domain.bulletin_mail import Cadence, claim_key, console_link, headline, last_ended
from shared.domain.statistics import Period as Span
from tests.support.bulletins import a_bulletin


@pytest.mark.parametrize("today, key, first, last", [
    (date(2026, 12, 1), "2026-11", date(2026, 11, 1), date(2026, 11, 30)),
    (date(2026, 12, 31), "2026-11", date(2026, 11, 1), date(2026, 11, 30)),
    (date(2027, 1, 1), "2026-12", date(2026, 12, 1), date(2026, 12, 31)),
    (date(2028, 3, 1), "2028-02", date(2028, 2, 1), date(2028, 2, 29)),
])
def test_the_month_sent_is_the_last_that_ended(today, key, first, last):
    period = last_ended(Cadence.MONTHLY, today)
    assert (period.key, period.first, period.last) == (key, first, last)
    assert period.span == Span(first, last + timedelta(days=1))
    assert claim_key(period) == f"statistics_bulletin:monthly:{key}"


@pytest.mark.parametrize("today, key, first", [
    (date(2026, 11, 30), "2026-W48", date(2026, 11, 23)),  # a Monday: last week ended yesterday
    (date(2026, 12, 6), "2026-W48", date(2026, 11, 23)),  # a Sunday: this week has not ended
    (date(2027, 1, 4), "2026-W53", date(2026, 12, 28)),  # ISO years: 2026 has 53 weeks
])
def test_the_week_sent_is_the_last_iso_week_that_ended(today, key, first):
    period = last_ended(Cadence.WEEKLY, today)
    assert (period.key, period.first) == (key, first)
    assert (period.last - period.first).days == 6 and period.last.isoweekday() == 7
    assert (period.span.end - period.span.start).days == 7


def test_the_headline_holds_numbers_only():
    figures = dict((key, (measure, value)) for key, measure, value in headline(a_bulletin()))
    assert figures["received"] == ("count", 120)
    assert figures["decision_on_time"] == ("rate", 0.8)
    assert figures["median_hours"] == ("hours", 48.0)
    assert figures["satisfaction"] == ("score", 4.2)
    assert figures["major"] == ("count", 1) and figures["hot"] == ("count", 1)
    assert all(isinstance(v, int | float) or v is None for _, v in figures.values())


def test_the_link_opens_the_period_on_the_console():
    month = last_ended(Cadence.MONTHLY, date(2026, 12, 1))
    week = last_ended(Cadence.WEEKLY, date(2026, 12, 1))
    assert console_link("https://c.example/console/", month) == \
        "https://c.example/console/statistics?month=2026-11"
    assert console_link("https://c.example/console", week) == \
        "https://c.example/console/statistics?from=2026-11-23&to=2026-11-30"
