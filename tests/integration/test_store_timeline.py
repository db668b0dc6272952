"""The CaseStore contract for timelines: events apart from the case, appended with the change
that causes them, read in pages. On SQLite and Firestore (emulator)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.cases import REPORTER, EventType, TimelineEvent, staff_actor
from tests.conftest import START
from tests.support.builders import a_case, an_identity, unique_number
from tests.support.first_schema import first_case_document, first_event
from tests.support.timeline import events_of

THREAD = 2000
PER_UPDATE = 200  # replies that arrive together; a Firestore commit holds at most 500 writes


def a_long_thread(store) -> str:
    """A case whose reporter wrote 2 000 times: every fourth message is a reply they see,
    the others staff notes they do not."""
    number = unique_number()
    store.register(a_case(number, START), an_identity(number), [])
    for first in range(1, THREAD, PER_UPDATE):
        def append(case, first=first):
            for i in range(first, min(first + PER_UPDATE, THREAD)):
                at = START + timedelta(minutes=i)
                if i % 4 == 0:
                    case.record(TimelineEvent(EventType.REPORTER_REPLIED, at, text=f"第{i}封",
                                              actor=REPORTER))
                else:
                    case.record(TimelineEvent(EventType.NOTE, at, text=f"note {i}",
                                              actor=staff_actor("s1")))
        store.update_case(number, append)
    return number


@pytest.mark.slow
def test_a_case_with_two_thousand_events_registers_updates_and_pages(store):
    number = a_long_thread(store)
    case = store.get_case(number)
    assert case.event_count == THREAD and case.public_event_count == 1 + (THREAD - 1) // 4
    assert case.subject == "订单 20261128-001"  # the document stays the case, however long

    first = store.case_events(number, public_only=False, limit=50)
    assert [e.seq for e in first] == list(range(1, 51))
    assert first[0].type == EventType.CASE_REGISTERED and first[1].text == "note 1"
    assert first[1].actor == "staff:s1"
    everything = events_of(store, number)
    assert [e.seq for e in everything] == list(range(1, THREAD + 1))  # no gap, no repeat
    assert store.case_events(number, public_only=False, after_seq=THREAD - 10, limit=50) == \
        everything[-10:]
    assert store.case_events(number, public_only=False, after_seq=THREAD) == []

    public = store.case_events(number, public_only=True, limit=50)
    assert len(public) == 50 and all(e.public for e in public)
    assert [e.seq for e in public[:3]] == [1, 5, 9]  # registration, then replies 4 and 8
    assert public[2].text == "第8封" and public[2].actor == "reporter"
    second = store.case_events(number, public_only=True, after_seq=public[-1].seq, limit=200)
    assert [e.seq for e in second] == list(range(public[-1].seq + 4, public[-1].seq + 801, 4))
    rest = events_of(store, number, public_only=True)[50:]
    assert [e.seq for e in rest] == list(range(public[-1].seq + 4, THREAD + 1, 4))
    assert store.case_events(number, public_only=True, after_seq=rest[-1].seq) == []

    updated = store.update_case(number, lambda c: c.record(
        TimelineEvent(EventType.INFORMATION_ADDED, START + timedelta(days=3), text="补充")))
    assert updated.event_count == THREAD + 1
    assert store.case_events(number, public_only=True, after_seq=rest[-1].seq)[0].text == "补充"


def test_events_carry_actor_time_and_data(store):
    number = unique_number()
    store.register(a_case(number, START), an_identity(number), [])
    [registered] = store.case_events(number, public_only=True)
    assert registered == TimelineEvent(EventType.CASE_REGISTERED, START,
                                       data={"channel": "web_form"}, seq=1)
    assert store.case_events(unique_number(), public_only=False) == []


def test_a_page_size_outside_what_a_store_serves_is_refused(store):
    number = unique_number()
    store.register(a_case(number, START), an_identity(number), [])
    for size in (0, 201):
        with pytest.raises(ValueError):
            store.case_events(number, public_only=False, limit=size)


def test_a_cursor_beyond_what_a_store_can_hold_pages_from_the_ends(store):
    # Sequence numbers are 64-bit integers in both stores; a cursor outside them is no error.
    number = unique_number()
    store.register(a_case(number, START), an_identity(number), [])
    every = store.case_events(number, public_only=False)
    assert every and store.case_events(number, public_only=False, after_seq=-5) == every
    for beyond in (2**63 - 1, 2**63, 10**30):
        assert store.case_events(number, public_only=True, after_seq=beyond) == []
        assert store.case_events(number, public_only=False, after_seq=beyond) == []


def test_a_first_schema_firestore_case_reads_whole_and_its_next_write_moves_the_timeline_out(
        firestore_store):
    number = unique_number()
    document = first_case_document(number, "2026-11-28T12:30:00.000000Z", [
        first_event("case_registered", "2026-11-28T12:30:00.000000Z", data={"channel": "web_form"}),
        first_event("note", "2026-11-28T12:31:00.000000Z", text="called"),
        first_event("acknowledgment_sent", "2026-11-28T12:32:00.000000Z"),
    ])
    firestore_store.client.collection("cases").document(number).set(document)
    case = firestore_store.get_case(number)
    assert (case.event_count, case.public_event_count, case.subject) == (3, 2, document["subject"])
    assert [e.seq for e in firestore_store.case_events(number, public_only=True)] == [1, 3]
    assert [e.text for e in events_of(firestore_store, number)] == ["", "called", ""]

    firestore_store.update_case(number, lambda c: c.record(
        TimelineEvent(EventType.NOTE, START + timedelta(days=1), text="later")))
    stored = firestore_store.client.collection("cases").document(number).get().to_dict()
    assert "timeline" not in stored and stored["event_count"] == 4
    assert [(e.seq, e.text) for e in events_of(firestore_store, number)] == [
        (1, ""), (2, "called"), (3, ""), (4, "later")]
