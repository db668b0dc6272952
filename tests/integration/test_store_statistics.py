"""The statistics counters as both stores keep them (R19): moved in the transaction that writes
the case and its events, read for a range of the platform's days."""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.cases import EventType, Severity, TimelineEvent
from tests.support.builders import a_case, an_identity, unique_number

# 20:30 in Beijing on 14 November; 16:30 UTC is already 15 November there.
EVENING = datetime(2026, 11, 14, 12, 30, tzinfo=UTC)
AFTER_MIDNIGHT = datetime(2026, 11, 14, 16, 30, tzinfo=UTC)
NOV_14, NOV_15 = date(2026, 11, 14), date(2026, 11, 15)


def registered(store, at=EVENING, **fields):
    number = unique_number()
    store.register(a_case(number, at, **fields), an_identity(number), [])
    return number


def test_a_registration_counts_on_its_day_in_beijing(store):
    registered(store)
    registered(store, AFTER_MIDNIGHT, category="product")
    counts = store.statistics_counts(date(2026, 11, 1), date(2026, 12, 1))
    assert counts[NOV_14] == {"received": 1, "received.kind.complaint": 1,
                              "received.channel.web_form": 1, "received.category.service": 1,
                              "received.severity.general": 1}
    assert counts[NOV_15]["received.category.product"] == 1
    # the end is exclusive, the start inclusive
    assert set(store.statistics_counts(NOV_15, date(2026, 11, 16))) == {NOV_15}
    assert store.statistics_counts(date(2026, 11, 1), NOV_14) == {}


def test_a_change_moves_its_counters_with_its_events(store):
    number = registered(store)
    accepted = EVENING + timedelta(hours=1)

    def accept_and_raise(case):
        case.record(TimelineEvent(EventType.CASE_ACCEPTED, accepted, actor="staff:s1"))
        case.severity = Severity.HOT
        case.record(TimelineEvent(EventType.SEVERITY_SET, accepted, actor="staff:s1"))

    store.update_case(number, accept_and_raise)
    counts = store.statistics_counts(NOV_14, NOV_15)[NOV_14]
    assert counts["review.total"] == counts["review.on_time"] == counts["review.accepted"] == 1
    assert "received.severity.general" not in counts  # moved to hot: 1 - 1
    assert counts["received.severity.hot"] == 1 and counts["received"] == 1
    assert counts[f"listed.{number}"] == 1


def test_a_failing_change_counts_nothing(store):
    number = registered(store)

    def fail(case):
        case.record(TimelineEvent(EventType.CASE_ACCEPTED, EVENING, actor="staff:s1"))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.update_case(number, fail)
    assert "review.total" not in store.statistics_counts(NOV_14, NOV_15)[NOV_14]


def test_a_change_without_events_counts_nothing(store):
    number = registered(store)

    def touch(case):
        case.category = "product"  # no event: not a change the counters follow

    store.update_case(number, touch)
    assert store.statistics_counts(NOV_14, NOV_15)[NOV_14]["received.category.service"] == 1


def test_concurrent_changes_lose_no_count(store):
    numbers = [registered(store) for _ in range(8)]

    def accept(number):
        store.update_case(number, lambda case: case.record(
            TimelineEvent(EventType.CASE_ACCEPTED, EVENING, actor="staff:s1")))

    threads = [threading.Thread(target=accept, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts = store.statistics_counts(NOV_14, NOV_15)[NOV_14]
    assert counts["received"] == 8 and counts["review.total"] == 8


def test_names_holding_any_text_read_back_as_written(store):
    registered(store, category="违法._信息 a/b")
    counts = store.statistics_counts(NOV_14, NOV_15)[NOV_14]
    assert counts["received.category.违法._信息 a/b"] == 1


def test_a_sweep_write_from_a_stale_read_counts_once(store):
    """`update_case_as_read` of a case changed since the sweep's page read it: its conditional
    write fails and the change runs again on a fresh read; the counters move once."""
    number = registered(store)
    [stale] = store.due_cases(EVENING + timedelta(days=2), 10)
    store.update_case(number, lambda case: case.record(
        TimelineEvent(EventType.NOTE, EVENING, actor="staff:s1")))  # changed meanwhile

    def accept(case):
        case.record(TimelineEvent(EventType.CASE_ACCEPTED, EVENING, actor="system"))

    store.update_case_as_read(stale, accept)
    counts = store.statistics_counts(NOV_14, NOV_15)[NOV_14]
    assert (counts["received"], counts["review.total"]) == (1, 1)
