"""The audit chain in the stores (R20, R23): events recorded through `update_case` are chained;
an event record altered or deleted in the store is found, by `verify_chain` and by the operator's
`python -m tools.check_audit_chain`. On SQLite and Firestore (emulator)."""
from __future__ import annotations

from datetime import timedelta

from shared.adapters import records
from shared.domain.audit import BreakReason, ChainBreak, event_hash
from shared.domain.cases import EventType, TimelineEvent, staff_actor
from shared.services.audit_chain import check_case
from tests.conftest import START
from tests.support.builders import a_case, an_identity, unique_number
from tests.support.tampering import alter_event, delete_event
from tests.support.timeline import events_of

NOTES = 5


def a_handled_case(store) -> str:
    """A registered case, then five staff notes, each its own `update_case`."""
    number = unique_number()
    store.register(a_case(number, START), an_identity(number), [])
    for i in range(1, NOTES + 1):
        store.update_case(number, lambda case, i=i: case.record(TimelineEvent(
            EventType.NOTE, START + timedelta(minutes=i), text=f"备注 {i}",
            data={"from": "203.0.113.7"}, actor=staff_actor("s1"))))
    return number


def test_events_recorded_through_the_store_form_an_unbroken_chain(store):
    number = a_handled_case(store)
    events = events_of(store, number)
    case = store.get_case(number)
    assert [e.seq for e in events] == list(range(1, NOTES + 2))
    assert events[0].prev_hash == "" and all(len(e.hash) == 64 for e in events)
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert case.audit_head == events[-1].hash
    assert check_case(store, case) is None


def test_an_event_altered_in_the_store_breaks_the_chain_at_its_seq(store):
    number = a_handled_case(store)
    alter_event(store, number, 3, lambda record: record.update(text="备注 被改"))
    assert check_case(store, store.get_case(number)) == ChainBreak(
        3, BreakReason.ALTERED, "content does not match its hash")


def test_an_event_rehashed_after_altering_is_found_by_the_next_one(store):
    number = a_handled_case(store)

    def forge(record):  # someone who knows the hash function seals their change
        record["actor"] = "staff:someone-else"
        record["hash"] = event_hash(number, records.event_from_record(record))
    alter_event(store, number, 3, forge)
    found = check_case(store, store.get_case(number))
    assert (found.seq, found.reason) == (4, BreakReason.UNLINKED)


def test_a_deleted_event_is_a_gap(store):
    number = a_handled_case(store)
    delete_event(store, number, 4)
    found = check_case(store, store.get_case(number))
    assert (found.seq, found.reason) == (4, BreakReason.MISSING)


def test_a_deleted_newest_event_is_found_by_the_case_head(store):
    number = a_handled_case(store)
    delete_event(store, number, NOTES + 1)
    found = check_case(store, store.get_case(number))
    assert (found.seq, found.reason) == (NOTES + 1, BreakReason.MISSING)


def test_the_operator_command_says_ok_or_where_it_breaks(sqlite_store, monkeypatch, capsys):
    from tools import check_audit_chain

    monkeypatch.setenv("CD_SQLITE_PATH", sqlite_store._path)
    intact, broken = a_handled_case(sqlite_store), a_handled_case(sqlite_store)
    assert check_audit_chain.main([]) == 0
    assert capsys.readouterr().out == "OK: 2 cases checked\n"

    alter_event(sqlite_store, broken, 2, lambda record: record["data"].update(extra=1))
    assert check_audit_chain.main(["--case", intact]) == 0
    assert check_audit_chain.main([]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [f"{broken}: breaks at seq 2 (altered: content does not match its hash)",
                        "1 of 2 cases break"]
    assert check_audit_chain.main(["--case", broken]) == 1
    assert check_audit_chain.main(["--case", unique_number()]) == 2


def test_the_operator_command_checks_a_firestore_store(firestore_store, monkeypatch, capsys):
    from tools import check_audit_chain

    monkeypatch.setenv("CD_CASE_STORE", "firestore")
    monkeypatch.setenv("CD_FIRESTORE_PROJECT", firestore_store.client.project)
    number = a_handled_case(firestore_store)
    assert check_audit_chain.main([]) == 0
    delete_event(firestore_store, number, 2)
    assert check_audit_chain.main([]) == 1
    assert f"{number}: breaks at seq 2 (missing" in capsys.readouterr().out
