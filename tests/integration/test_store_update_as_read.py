"""`update_case_as_read` on both stores: a case as `due_cases` read it is changed and written
without being read again — but only if nobody changed it since; a change made in between is
kept, and the change is made again on the case as it is now (no lost update)."""
from __future__ import annotations

from datetime import timedelta

from bench.document_reads import FirestoreReads, SqliteReads
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.domain.cases import EventType, ReporterIdentity, TimelineEvent
from tests.conftest import START
from tests.support.builders import a_case, an_outbox_message, unique_number
from tests.support.timeline import events_of

OVERDUE = START + timedelta(hours=25)


def registered(store) -> str:
    number = unique_number()
    store.register(a_case(number, START), ReporterIdentity(number, email="a@example.com"), [])
    return number


def noting(text: str, outbox=()):
    def change(case):
        case.record(TimelineEvent(EventType.NOTE, OVERDUE, text=text, actor="staff:li"))
        case.next_due_at = None
        return list(outbox)
    return change


def counting(store):
    return SqliteReads(store) if isinstance(store, SqliteCaseStore) else FirestoreReads(store.client)


def test_a_due_case_is_written_as_read_without_reading_it_again(store):
    number = registered(store)
    [case] = store.due_cases(OVERDUE, 10)
    reads, message = counting(store), an_outbox_message(number, OVERDUE)
    store.update_case_as_read(case, noting("swept", outbox=[message]))
    assert sum(reads.read.values()) == 0
    assert [e.text for e in events_of(store, number)][-1] == "swept"
    stored = store.get_case(number)
    assert stored.next_due_at is None and stored.event_count == 2
    assert store.due_cases(OVERDUE, 10) == []
    assert store.get_outbox(message.id).case_number == number


def test_a_case_changed_after_it_was_read_keeps_that_change_and_gets_this_one_too(store):
    number = registered(store)
    [case] = store.due_cases(OVERDUE, 10)
    def assign(case):
        noting("staff wrote first")(case)
        case.department = "运营部"
    store.update_case(number, assign)
    store.update_case_as_read(case, noting("then the sweep"))
    texts = [e.text for e in events_of(store, number)]
    assert texts[-2:] == ["staff wrote first", "then the sweep"]
    stored = store.get_case(number)
    assert (stored.department, stored.event_count) == ("运营部", 3)


def test_a_case_not_read_by_a_query_is_read_and_changed_as_update_case_does(store):
    number = registered(store)
    store.update_case_as_read(store.get_case(number), noting("from a plain read"))
    assert [e.text for e in events_of(store, number)][-1] == "from a plain read"
