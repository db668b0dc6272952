"""The store's part of the misuse policy (R21), on both stores: what a mark's `follow` gives —
the reporter's tallies, the case's events and the notices — is written in the mark's own
transaction, or nothing is; a follow that changes only the tallies (a lift) writes them; the
held queue's key follows the case."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.cases import EventType, TimelineEvent
from shared.domain.outbox import Template, queue_notice
from shared.domain.queues import CaseQuery, QueueOrder
from tests.support.builders import a_case, an_identity, unique_number

AT = datetime(2026, 11, 14, 2, 30, tzinfo=UTC)
KEYS = ["a" * 64, "b" * 64]


def registered(store, **fields) -> str:
    number = unique_number()
    store.register(a_case(number, AT, **fields), an_identity(number), [])
    return number


def marking(case) -> None:
    case.report_mark = "unfounded"
    case.record(TimelineEvent(EventType.REPORT_MARKED, AT, actor="staff:s1",
                              data={"mark": "unfounded", "mark_from": ""}))


def warning(case, tallies):
    case.record(TimelineEvent(EventType.MISUSE_WARNED, AT, actor="staff:s1"))
    notice = queue_notice(case, Template.MISUSE_NOTICE, AT, details={"step": "warning"})
    return {key: {**tally, "misuse": {"warned_at": AT.isoformat()}}
            for key, tally in tallies.items()}, [notice]


def test_the_follow_is_written_with_the_mark(store):
    number = registered(store)
    store.mark_case(number, marking, KEYS, warning)
    tallies = store.reporter_tallies(KEYS)
    assert {key: (t["unfounded"], t["misuse"]) for key, t in tallies.items()} == {
        key: (1, {"warned_at": AT.isoformat()}) for key in KEYS}
    [entry] = store.due_outbox(AT, 10)
    assert (entry.case_number, entry.template) == (number, Template.MISUSE_NOTICE)
    types = [e.type for e in store.case_events(number, public_only=False)]
    assert EventType.MISUSE_WARNED in types and EventType.NOTICE_QUEUED in types
    assert store.statistics_counts(date(2026, 11, 14), date(2026, 11, 15))[
        date(2026, 11, 14)]["misuse.warned"] == 1


def test_a_failing_follow_writes_nothing(store):
    number = registered(store)

    def fail(case, tallies):
        warning(case, tallies)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.mark_case(number, marking, KEYS, fail)
    assert store.get_case(number).report_mark == ""
    assert store.reporter_tallies(KEYS) == {} and store.due_outbox(AT, 10) == []


def test_a_follow_changing_only_the_tallies_writes_them(store):
    number = registered(store)
    store.mark_case(number, marking, KEYS)
    lifted_at = AT + timedelta(hours=1)

    def lift(case, tallies):
        case.record(TimelineEvent(EventType.MISUSE_STANDING_LIFTED, lifted_at, actor="staff:s1"))
        return {key: {**t, "misuse": {"lifted_at": lifted_at.isoformat()}}
                for key, t in tallies.items()}, []

    store.mark_case(number, lambda case: None, KEYS, lift)
    assert all(t["misuse"] == {"lifted_at": lifted_at.isoformat()} and t["unfounded"] == 1
               for t in store.reporter_tallies(KEYS).values())


def test_the_held_queue_follows_the_case(store):
    until = AT + timedelta(days=30)
    held = registered(store, misuse_hold={"until": until.isoformat()})
    registered(store)
    query = CaseQuery(order=QueueOrder.HELD_SOONEST_FIRST, held_after=AT)
    assert [c.number for c in store.find_cases(query).cases] == [held]
    later = CaseQuery(order=QueueOrder.HELD_SOONEST_FIRST, held_after=until)
    assert store.find_cases(later).cases == []

    def release(case):
        case.misuse_hold = {**case.misuse_hold, "released_at": AT.isoformat()}
        case.record(TimelineEvent(EventType.HELD_REPORT_RELEASED, AT, actor="staff:s1"))

    store.update_case(held, release)
    assert store.find_cases(query).cases == []
