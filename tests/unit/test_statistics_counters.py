"""Which counters a change moves (`statistics_counters.moves`), and how the bulletin reads them
back (`statistics_reading`): pure functions, no store."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.cases import EventType, Severity, TimelineEvent
from shared.domain.statistics_counters import Facts, hours_bucket, moves
from shared.domain.statistics_reading import percentile, performances
from tests.support.builders import a_case

BEIJING = ZoneInfo("Asia/Shanghai")
RECEIVED = datetime(2026, 11, 14, 15, 0, tzinfo=UTC)  # 23:00 in Beijing, 14 Nov
NOV_14, NOV_15 = date(2026, 11, 14), date(2026, 11, 15)


def moved(before, case, *events) -> dict:
    return {(m.day, m.name): m.delta for m in moves(before, case, list(events), BEIJING)}


def event(kind, at, **data):
    return TimelineEvent(kind, at, data=data, actor="staff:s1")


def test_a_registration_counts_what_was_received_on_its_beijing_day():
    case = a_case("TS-1", RECEIVED)
    assert moved(None, case, *case.new_events) == {
        (NOV_14, "received"): 1, (NOV_14, "received.kind.complaint"): 1,
        (NOV_14, "received.channel.web_form"): 1, (NOV_14, "received.category.service"): 1,
        (NOV_14, "received.severity.general"): 1}


def test_a_repeat_and_a_case_registered_major_are_counted():
    case = a_case("TS-1", RECEIVED, severity=Severity.MAJOR)
    registered = event(EventType.CASE_REGISTERED, RECEIVED, repeat_of="TS-0")
    found = moved(None, case, registered)
    assert found[(NOV_14, "received.repeat")] == 1 and found[(NOV_14, "listed.TS-1")] == 1


def test_no_event_no_move():
    case = a_case("TS-1", RECEIVED)
    before = Facts.of(case)
    case.category = "billing"
    assert moves(before, case, [], BEIJING) == []


def test_a_reclassified_case_moves_from_its_old_names_on_its_receipt_day():
    case = a_case("TS-1", RECEIVED)
    before = Facts.of(case)
    case.category, case.severity, case.report_mark = "billing", Severity.HOT, "malicious"
    later = RECEIVED + timedelta(days=3)
    assert moved(before, case, event(EventType.CASE_CLASSIFIED, later)) == {
        (NOV_14, "received.category.service"): -1, (NOV_14, "received.category.billing"): 1,
        (NOV_14, "received.severity.general"): -1, (NOV_14, "received.severity.hot"): 1,
        (NOV_14, "marked.malicious"): 1, (date(2026, 11, 17), "listed.TS-1"): 1}


@pytest.mark.parametrize("late, on_time", [(timedelta(0), 1), (timedelta(seconds=1), None)])
def test_a_review_at_its_deadline_is_in_time_and_a_second_later_is_late(late, on_time):
    case = a_case("TS-1", RECEIVED)
    before = Facts.of(case)
    found = moved(before, case, event(EventType.CASE_ACCEPTED, case.review_due_at + late))
    assert found.get((NOV_15, "review.on_time")) == on_time
    assert found[(NOV_15, "review.total")] == found[(NOV_15, "review.accepted")] == 1


def test_a_closure_counts_outcome_time_deadline_department_and_handler():
    case = a_case("TS-1", RECEIVED, assignee="s1", department="客服.二组",
                  decision_due_at=RECEIVED + timedelta(days=10))
    before = Facts.of(case)
    case.decision = {"sent": {"outcome": "upheld"}}
    closed = RECEIVED + timedelta(hours=47, minutes=30)  # bucket 48
    found = moved(before, case, event(EventType.CASE_CLOSED, closed))
    day = date(2026, 11, 16)
    assert {name: n for (d, name), n in found.items() if d == day} == {
        "closed": 1, "closed.outcome.upheld": 1, "decision.total": 1, "decision.on_time": 1,
        "hours.48": 1, "department.客服.二组.closed": 1, "department.客服.二组.hours.48": 1,
        "department.客服.二组.on_time": 1, "handler.s1.closed": 1, "handler.s1.hours.48": 1,
        "handler.s1.on_time": 1}
    late = replace(before, decision_due_at=closed - timedelta(seconds=1))
    assert (day, "decision.on_time") not in moved(late, case, event(EventType.CASE_CLOSED, closed))


def test_an_appeal_decided_counts_whether_it_changed_the_outcome():
    case = a_case("TS-1", RECEIVED)
    case.decision = {"sent": {"outcome": "upheld"}}
    at = RECEIVED + timedelta(days=1)
    same = replace(Facts.of(case), outcome_told="upheld")
    other = replace(same, outcome_told="not_upheld")
    decided = event(EventType.APPEAL_DECIDED, at)
    assert (NOV_15, "appeal.changed") not in moved(same, case, decided)
    assert moved(other, case, decided)[(NOV_15, "appeal.changed")] == 1
    assert moved(other, case, decided)[(NOV_15, "appeal.outcome.upheld")] == 1


def test_ratings_and_assignments():
    case = a_case("TS-1", RECEIVED, assignee="s2", department="法务部")
    before = replace(Facts.of(case), assignee="s1", department="法务部")
    at = RECEIVED + timedelta(days=1)
    assert moved(before, case, event(EventType.CASE_ASSIGNED, at)) == {
        (NOV_15, "handler.s2.assigned"): 1}  # the department did not change
    assert moved(before, case, event(EventType.HANDLING_RATED, at, rating=4)) == {
        (NOV_15, "satisfaction.4"): 1}


@pytest.mark.parametrize("hours, bucket", [
    (0, 1), (1, 1), (1.01, 2), (24, 24), (24.5, 30), (168, 168), (169, 192), (720, 720),
    (721, 1080), (8760, 8760), (9000, 0)])
def test_handling_time_buckets(hours, bucket):
    assert hours_bucket(hours) == bucket


def test_percentiles_are_the_nearest_rank_upper_edges():
    assert percentile({}, 0.5) is None
    assert percentile({24: 1, 48: 1, 96: 1, 672: 1}, 0.5) == 48.0
    assert percentile({24: 1, 48: 1, 96: 1, 672: 1}, 0.9) == 672.0
    assert percentile({2: 9, 0: 1}, 0.9) == 2.0 and percentile({2: 9, 0: 1}, 1.0) == 8760.0


def test_performance_names_may_hold_dots():
    found = performances({"客服.二组.assigned": 2, "客服.二组.closed": 1, "客服.二组.on_time": 1,
                          "客服.二组.hours.30": 1})
    [one] = found
    assert (one.id, one.assigned, one.closed, one.decision_on_time.rate, one.median_hours) == (
        "客服.二组", 2, 1, 1.0, 30.0)
