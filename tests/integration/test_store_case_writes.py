"""What a case write costs the store (issue 12), on both stores: a delivery's claim changes the
outbox entry and leaves its case unwritten, while a change to the case — an event, or a field
without one — is written; on SQLite a write sets only the queue columns whose values changed
(SQLite rewrites every index on a column an UPDATE sets), and the queues stay right."""
from __future__ import annotations

import re
from datetime import timedelta

from bench.document_reads import FirestoreReads, SqliteReads
from shared.adapters.sqlite_store import SqliteCaseStore
from shared.domain.cases import EventType, ReporterIdentity, TimelineEvent
from shared.domain.queues import CaseQuery
from tests.conftest import START
from tests.support.builders import a_case, an_outbox_message, unique_number
from tests.support.timeline import events_of

LEASE = timedelta(minutes=5)


def registered(store):
    number = unique_number()
    message = an_outbox_message(number, START)
    store.register(a_case(number, START), ReporterIdentity(number, email="a@example.com"),
                   [message])
    return number, message


def counting(store):
    return SqliteReads(store) if isinstance(store, SqliteCaseStore) else FirestoreReads(store.client)


def claim(message, case) -> bool:
    message.claim(START, LEASE)
    return True


def test_a_claim_writes_the_entry_and_leaves_its_case_unwritten(store):
    number, message = registered(store)
    before = store.get_case(number)
    writes = counting(store)
    claimed = store.update_outbox(message.id, claim)
    assert claimed.attempts == 1 and store.get_outbox(message.id).attempts == 1
    assert writes.written["outbox"] == 1 and writes.written["cases"] == 0
    assert store.get_case(number) == before


def test_a_change_to_the_case_is_written_with_the_entry(store):
    number, message = registered(store)
    writes = counting(store)

    def sent(current, case) -> bool:
        current.succeeded(START)
        case.record(TimelineEvent(EventType.NOTICE_SENT, START, data={"outbox_id": current.id}))
        return True
    store.update_outbox(message.id, sent)
    assert writes.written["cases"] == 1
    assert events_of(store, number)[-1].type == EventType.NOTICE_SENT

    def bounced(current, case) -> bool:  # a field, without an event
        case.reporter_unreachable = True
        return True
    store.update_outbox(message.id, bounced)
    assert writes.written["cases"] == 2 and store.get_case(number).reporter_unreachable


def columns_set(statements: list[str]) -> list[str]:
    """The columns the one `UPDATE cases` among the traced statements sets."""
    [update] = [s for s in statements if s.startswith("UPDATE cases SET ")]
    return re.findall(r"(?:SET|,) (\w+) = ", update.split(" WHERE number = ")[0])


def test_a_sqlite_write_sets_only_the_queue_columns_that_changed(sqlite_store):
    number, _ = registered(sqlite_store)
    statements: list[str] = []
    sqlite_store._connection().set_trace_callback(statements.append)

    def noted(case):
        case.record(TimelineEvent(EventType.NOTE, START, text="noted", actor="staff:li"))
    sqlite_store.update_case(number, noted)
    assert columns_set(statements) == ["doc"]  # the timeline only: no index touched

    statements.clear()

    def assigned(case):
        case.department = "运营部"
        case.record(TimelineEvent(EventType.NOTE, START, text="assigned", actor="staff:li"))
    sqlite_store.update_case(number, assigned)
    assert columns_set(statements) == ["doc", "department"]
    sqlite_store._connection().set_trace_callback(None)
    found = sqlite_store.find_cases(CaseQuery(department="运营部"))
    assert [case.number for case in found.cases] == [number]
