"""The audit chain's rules (`shared/domain/audit.py`), on events built in memory."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from shared.adapters import records
from shared.domain.audit import BreakReason, event_hash, time_text, verify_chain
from shared.domain.cases import EventType, TimelineEvent
from tests.support.builders import a_case

NUMBER = "TS-20261128-ABCDEF-0"
AT = datetime(2026, 11, 28, 12, 30, 0, 123456, tzinfo=UTC)


def a_chain(length: int = 4) -> tuple[list[TimelineEvent], str]:
    """A case's events as `Case.record` seals them, and the case's head."""
    case = a_case(NUMBER, AT)
    for i in range(1, length):
        case.record(TimelineEvent(EventType.NOTE, AT + timedelta(minutes=i), text=f"备注 {i}",
                                  data={"from": "203.0.113.7", "n": i}, actor="staff:s1"))
    return list(case.new_events), case.audit_head


def test_record_links_each_event_to_the_one_before_and_keeps_the_head():
    events, head = a_chain()
    assert events[0].prev_hash == "" and head == events[-1].hash
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert all(e.hash == event_hash(NUMBER, e) for e in events)
    assert verify_chain(NUMBER, events, head) is None


def test_the_hash_is_sha256_of_sorted_compact_utf8_json_of_the_content():
    import hashlib

    event = TimelineEvent(EventType.NOTE, AT, text="备注", data={"b": 1, "a": [2]},
                          actor="staff:s1", seq=2, prev_hash="ab")
    canonical = ('{"actor":"staff:s1","at":"2026-11-28T12:30:00.123456Z","case":"' + NUMBER
                 + '","data":{"a":[2],"b":1},"prev_hash":"ab","seq":2,"text":"备注","type":"note"}')
    assert event_hash(NUMBER, event) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_the_hashed_time_is_the_stored_time_text_in_any_zone():
    beijing = AT.astimezone(timezone(timedelta(hours=8)))
    assert time_text(beijing) == records.time_text(AT) == "2026-11-28T12:30:00.123456Z"


def test_every_field_of_the_content_is_covered():
    events, head = a_chain()
    for change in ({"text": "x"}, {"actor": "reporter"}, {"data": {"n": 9}},
                   {"at": AT + timedelta(microseconds=1)}, {"type": EventType.CASE_CLOSED}):
        altered = [*events[:2], replace(events[2], **change), events[3]]
        found = verify_chain(NUMBER, altered, head)
        assert (found.seq, found.reason) == (3, BreakReason.ALTERED), change
    assert verify_chain("TS-20261128-ABCDEG-0", events, head).seq == 1  # another case's chain


def test_a_removed_hash_and_a_replaced_event_are_found():
    events, head = a_chain()
    stripped = [*events[:2], replace(events[2], hash="", prev_hash=""), events[3]]
    assert verify_chain(NUMBER, stripped, head).reason == BreakReason.ALTERED
    forged = replace(events[1], text="forged")
    forged = replace(forged, hash=event_hash(NUMBER, forged))
    found = verify_chain(NUMBER, [events[0], forged, *events[2:]], head)
    assert (found.seq, found.reason) == (3, BreakReason.UNLINKED)


def test_a_gap_a_reordering_and_a_lost_tail_are_found():
    events, head = a_chain()
    found = verify_chain(NUMBER, [events[0], *events[2:]], head)
    assert (found.seq, found.reason) == (2, BreakReason.MISSING)
    assert verify_chain(NUMBER, events[1:], head).reason == BreakReason.MISSING
    found = verify_chain(NUMBER, [events[0], events[2], events[1], events[3]], head)
    assert (found.seq, found.reason) == (2, BreakReason.REORDERED)
    found = verify_chain(NUMBER, events[:-1], head)
    assert (found.seq, found.reason) == (4, BreakReason.MISSING)
    assert verify_chain(NUMBER, events[:-1]) is None  # without the head, a lost tail is unseen


def test_the_chain_starts_at_the_first_hashed_event():
    events, head = a_chain()
    old = [replace(e, prev_hash="", hash="") for e in events[:2]]  # stored before the chain
    later = replace(events[2], prev_hash="")
    later = replace(later, hash=event_hash(NUMBER, later))
    assert verify_chain(NUMBER, [*old, later], later.hash) is None
    assert verify_chain(NUMBER, old, "") is None
    assert verify_chain(NUMBER, [*old, events[2]], events[2].hash).reason == BreakReason.UNLINKED


def test_records_carry_the_chain_and_old_records_read_without_it():
    events, _ = a_chain()
    record = records.event_to_record(events[1])
    back = records.event_from_record(record)
    assert (back.prev_hash, back.hash) == (events[1].prev_hash, events[1].hash)
    old = {k: v for k, v in record.items() if k not in ("prev_hash", "hash")}
    assert records.event_from_record(old).hash == ""
    unhashed = replace(events[1], prev_hash="", hash="")
    assert set(records.event_to_record(unhashed)) == set(old)  # as before the chain existed


def test_a_case_document_keeps_its_head_and_an_old_one_reads_without():
    case = a_case(NUMBER, AT)
    record = records.case_to_record(case)
    assert records.case_from_record(record).audit_head == case.audit_head != ""
    del record["audit_head"]
    assert records.case_from_record(record).audit_head == ""
    case.audit_head = ""
    assert "audit_head" not in records.case_to_record(case)  # unchanged since before the chain


def test_text_from_mail_with_a_lone_surrogate_still_hashes():
    event = TimelineEvent(EventType.REPORTER_REPLIED, AT, text="bad \udcff byte", seq=1)
    assert len(event_hash(NUMBER, event)) == 64
