"""The statistics bulletin of November 2026 (R19) on both stores, from a month of cases taken
through the real services (`tests/support/seeded_statistics.py` tells their story); every figure
is worked out by hand below, with how it was counted."""
from __future__ import annotations

from datetime import date

import pytest

from shared.domain.errors import DomainError
from shared.domain.statistics import Period
from shared.services.statistics_recount import StatisticsRecount
from tests.support.seeded_statistics import BEIJING, REPORT, SUMMARY, seed
from tools import recount_statistics

NOVEMBER = Period.month(2026, 11)


@pytest.fixture
def month(settings, store):
    return seed(settings, store)


def test_the_months_figures_are_those_counted_by_hand(month):
    b = month.app.statistics.bulletin(NOVEMBER)
    # Received in November (Beijing days): A, B, C, D, E. Not G (30 Oct), not F (1 Dec 00:30).
    assert b.received == 5
    assert b.by_kind == {"complaint": 4, "report": 1}  # A B D E; C
    assert b.by_channel == {"phone": 1, "web_form": 4}  # D; A B C E
    assert b.by_category == {"fraud": 1, "product_quality": 1, "service": 3}  # C; B; A D E
    # As they are now: B made hot by the sweep, D major by hand; A C E general.
    assert b.by_severity == {"general": 3, "hot": 1, "major": 1}
    assert b.repeat_complaints == 1  # B: a@ complained (A) the day before
    assert (b.malicious, b.unfounded) == (1, 0)  # C, marked twice: once counted
    # Initial reviews in November: A (in time), B (accepted 5.5 h after its due time), C
    # rejected (in time), D (in time). G was accepted in October.
    assert (b.reviewed, b.accepted, b.rejected) == (4, 3, 1)
    assert (b.review_on_time.on_time, b.review_on_time.total, b.review_on_time.rate) == (3, 4, 0.75)
    # Closures in November: G (3 Nov), A (4 Nov), D (10 Nov), B (30 Nov); D's appeal decision
    # is not a second closure.
    assert b.closed == 4
    assert b.outcomes == {"not_upheld": 1, "partly_upheld": 1, "upheld": 2}  # G; D; A B
    assert (b.decision_on_time.on_time, b.decision_on_time.total) == (3, 4)  # B was late
    # Receipt → closure: D 24 h, A 48 h, G 96 h, B 648.5 h (bucket 672: a day wide there).
    assert b.handling_time.buckets == {24: 1, 48: 1, 96: 1, 672: 1}
    assert b.handling_time.count == 4
    assert b.handling_time.median_hours == 48.0  # the 2nd of 4 (nearest rank: ceil(0.5 × 4))
    assert b.handling_time.p90_hours == 672.0  # the 4th of 4 (ceil(0.9 × 4))
    # D appealed on 11 Nov and decided on 12 Nov: partly upheld → upheld, a change.
    assert (b.appeals_received, b.appeals_decided, b.appeals_changed) == (1, 1, 1)
    assert b.appeal_outcomes == {"upheld": 1}
    # A rated 5, D rated 2.
    assert b.satisfaction.counts == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1}
    assert (b.satisfaction.count, b.satisfaction.average) == (2, 3.5)


def test_departments_and_handlers_are_counted_by_hand(month):
    b = month.app.statistics.bulletin(NOVEMBER)
    h1, h2 = month.h1.member.id, month.h2.member.id
    figures = {p.id: (p.assigned, p.closed, p.decision_on_time.on_time, p.median_hours)
               for p in b.departments + b.handlers}
    # 运营部 and H1: assigned A, B and D's appeal (3); closed A (48 h, in time) and B (672, late):
    # median of 2 is the 1st, 48. 法务部 and H2: assigned D (G's assignment was in October);
    # closed G (96 h) and D (24 h), both in time: median 24.
    assert figures == {"运营部": (3, 2, 1, 48.0), "法务部": (1, 2, 2, 24.0),
                       h1: (3, 2, 1, 48.0), h2: (1, 2, 2, 24.0)}
    assert [p.id for p in b.departments] == sorted(["运营部", "法务部"])


def test_major_and_hot_cases_are_listed_with_their_closure_reports(month):
    b = month.app.statistics.bulletin(NOVEMBER)
    n = month.n
    listed = {c.number: c for c in b.major_and_hot}
    # B became hot, D major, both closed in November; G, major since October, closed in November
    assert set(listed) == {n["B"], n["D"], n["G"]}
    d, hot = listed[n["D"]], listed[n["B"]]
    assert (d.severity, d.status, d.department) == ("major", "closed", "运营部")
    assert (d.cause, d.prevention) == (REPORT["cause"], REPORT["prevention"])
    assert (hot.severity, hot.summary, hot.category) == ("hot", SUMMARY["summary"],
                                                         "product_quality")


def test_other_periods_count_their_own_days(month):
    october = month.app.statistics.bulletin(Period.month(2026, 10))
    # G: received and accepted on 30 Oct, closed in November.
    assert (october.received, october.reviewed, october.closed) == (1, 1, 0)
    assert [p.id for p in october.departments] == ["法务部"]  # G assigned
    assert [c.number for c in october.major_and_hot] == [month.n["G"]]  # made major
    december = month.app.statistics.bulletin(Period(date(2026, 12, 1), date(2026, 12, 2)))
    assert december.received == 1 and december.by_kind == {"complaint": 1}  # F
    # Any day range: the first week of November holds A, B, C received, G and A closed.
    week = month.app.statistics.bulletin(Period(date(2026, 11, 2), date(2026, 11, 9)))
    assert (week.received, week.closed, week.repeat_complaints) == (3, 2, 1)


def test_commands_repeated_and_the_sweep_run_again_count_nothing_more(month):
    before = month.app.statistics.bulletin(NOVEMBER)
    n, cases = month.n, month.cases
    for retry in (lambda: cases.approve_decision(month.boss, n["B"]),
                  lambda: cases.accept(month.boss, n["A"]),
                  lambda: cases.register_appeal(month.clerk, n["D"], text="again")):
        with pytest.raises(DomainError):
            retry()
    cases.mark_report(month.boss, n["C"], mark="malicious", reason="again")
    month.sweep()
    month.sweep()
    assert month.app.statistics.bulletin(NOVEMBER) == before


def test_the_recount_of_every_case_gives_the_same_bulletin_twice(month):
    """Cases stored before the counters existed: none counted, until the one-off recount."""
    live = month.app.statistics.bulletin(NOVEMBER)
    month.store.replace_statistics_counts({})  # a store of the version before counters
    assert month.app.statistics.bulletin(NOVEMBER).received == 0
    recount = StatisticsRecount(month.store, BEIJING)
    report = recount.run()
    # A-G; days with counters: 30 Oct; 2, 3, 4, 5, 9, 10, 11, 12, 29, 30 Nov; 1 Dec (C's mark on
    # 6 Nov moves 5 Nov's figures, the day C was received)
    assert (report.cases, report.days) == (7, 12)
    assert month.app.statistics.bulletin(NOVEMBER) == live
    recount.run()
    assert month.app.statistics.bulletin(NOVEMBER) == live
    assert month.app.statistics.bulletin(Period.month(2026, 10)).received == 1


def test_the_recount_command_on_the_configured_store(settings, sqlite_store, monkeypatch, capsys):
    month = seed(settings, sqlite_store)
    live = month.app.statistics.bulletin(NOVEMBER)
    sqlite_store.replace_statistics_counts({})
    monkeypatch.setenv("CD_SQLITE_PATH", sqlite_store._path)
    assert recount_statistics.main() == 0
    assert "7 cases" in capsys.readouterr().out
    assert month.app.statistics.bulletin(NOVEMBER) == live
