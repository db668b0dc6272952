"""The CaseStore contract, run against every backend: SQLite and Firestore (emulator)."""
from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest

from shared.domain.access_codes import hash_access_code
from shared.domain.cases import EventType, HeldMail, MailRecord, TimelineEvent
from shared.domain.errors import CaseNotFound, CaseNumberTaken, MailAlreadyRecorded
from shared.domain.outbox import OutboxStatus
from shared.domain.rate_limits import counter_slot
from tests.conftest import START
from tests.support.builders import a_case, an_identity, an_outbox_message, unique_number
from tests.support.timeline import events_of


def registered(store, at=START, outbox=True):
    number = unique_number()
    messages = [an_outbox_message(number, at)] if outbox else []
    store.register(a_case(number, at), an_identity(number), messages)
    return number, messages


def test_a_registered_case_reads_back_whole(store):
    number, [message] = registered(store)
    case = store.get_case(number)
    assert case == a_case(number, START)
    assert case.description == "客服三天没有回复我的退款申请。\n第二行"
    assert store.get_identity(number) == an_identity(number)
    assert store.get_outbox(message.id) == message


def test_unknown_records_are_none(store):
    assert store.get_case(unique_number()) is None
    assert store.get_identity(unique_number()) is None
    assert store.get_outbox("nope") is None


def test_a_taken_number_raises_and_writes_nothing(store):
    number, _ = registered(store)
    intruder = an_outbox_message(number, START)
    other = a_case(number, START, subject="someone else's case",
                   access_code_hash=hash_access_code(number, "ZZZZ-ZZZZ-ZZZZ-ZZZZ"))
    with pytest.raises(CaseNumberTaken):
        store.register(other, an_identity(number).__class__(number, email="x@example.com"),
                       [intruder])
    assert store.get_case(number).subject == "订单 20261128-001"
    assert store.get_identity(number).email == "xiaoming@example.com"
    assert store.get_outbox(intruder.id) is None


def test_update_case_appends_and_queues_mail_atomically(store):
    number, _ = registered(store, outbox=False)
    later = START + timedelta(minutes=5)
    new_message = an_outbox_message(number, later)

    def change(case):
        case.record(TimelineEvent(EventType.NOTE, later, text="called the reporter"))
        return [new_message]

    updated = store.update_case(number, change)
    assert updated.event_count == 2 and updated.new_events == []  # written
    assert [(e.seq, e.type) for e in events_of(store, number)] == [
        (1, EventType.CASE_REGISTERED), (2, EventType.NOTE)]
    assert store.get_case(number) == updated
    assert store.get_outbox(new_message.id) == new_message


def test_a_failing_change_writes_nothing(store):
    number, _ = registered(store, outbox=False)

    def change(case):
        case.record(TimelineEvent(EventType.NOTE, START, text="half done"))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.update_case(number, change)
    assert len(events_of(store, number)) == 1
    assert store.get_case(number).event_count == 1


def test_updating_a_missing_case_is_an_error(store):
    with pytest.raises(CaseNotFound):
        store.update_case(unique_number(), lambda case: None)


@pytest.mark.slow
def test_concurrent_updates_are_never_lost(store):
    number, _ = registered(store, outbox=False)
    errors = []

    def worker(name):
        try:
            for i in range(50):
                store.update_case(number, lambda case, i=i: case.record(
                    TimelineEvent(EventType.NOTE, START, text=f"{name}-{i}")))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    notes = [e.text for e in events_of(store, number) if e.type == EventType.NOTE]
    assert len(notes) == 100
    assert sorted(notes) == sorted(f"{n}-{i}" for n in "ab" for i in range(50))


def test_update_outbox_changes_entry_and_case_together_or_not_at_all(store):
    number, [message] = registered(store)

    def skip(m, case):
        m.status = OutboxStatus.SENT
        return False

    assert store.update_outbox(message.id, skip) is None
    assert store.get_outbox(message.id).status == OutboxStatus.PENDING

    def send(m, case):
        m.succeeded(START)
        case.record(TimelineEvent(EventType.ACKNOWLEDGMENT_SENT, START))
        return True

    written = store.update_outbox(message.id, send)
    assert written.status == OutboxStatus.SENT
    assert store.get_outbox(message.id).status == OutboxStatus.SENT
    assert events_of(store, number)[-1].type == EventType.ACKNOWLEDGMENT_SENT
    assert store.update_outbox("missing", send) is None


def test_due_outbox_lists_what_needs_a_worker_oldest_first(store):
    number, _ = registered(store, outbox=False)
    t = START
    due_late = an_outbox_message(number, t, next_attempt_at=t - timedelta(minutes=1))
    due_early = an_outbox_message(number, t, next_attempt_at=t - timedelta(minutes=9))
    future = an_outbox_message(number, t, next_attempt_at=t + timedelta(minutes=1))
    stale = an_outbox_message(number, t, status=OutboxStatus.SENDING,
                              lease_until=t - timedelta(minutes=5), attempts=1)
    leased = an_outbox_message(number, t, status=OutboxStatus.SENDING,
                               lease_until=t + timedelta(minutes=5), attempts=1)
    sent = an_outbox_message(number, t, status=OutboxStatus.SENT, sent_at=t,
                             next_attempt_at=t - timedelta(hours=1))
    failed = an_outbox_message(number, t, status=OutboxStatus.FAILED,
                               next_attempt_at=t - timedelta(hours=1))
    store.update_case(number, lambda c: [due_late, due_early, future, stale, leased, sent, failed])
    assert [m.id for m in store.due_outbox(t, 10)] == [due_early.id, stale.id, due_late.id]
    assert [m.id for m in store.due_outbox(t, 2)] == [due_early.id, stale.id]


def test_hit_counts_are_per_key_and_per_window(store):
    window = timedelta(minutes=15)
    key = f"k-{unique_number()}"
    slot = counter_slot(key, window, START)
    assert store.read_counters([slot]) == [0]
    assert [store.count_hit(slot) for _ in range(3)] == [1, 2, 3]
    other = counter_slot(key + "x", window, START)
    assert store.read_counters([slot, other]) == [3, 0]
    assert store.count_hit(counter_slot(key, window, START + window)) == 1


def test_registration_counts_its_counters_in_the_same_write(store):
    slot = counter_slot(f"submit-{unique_number()}", timedelta(hours=1), START)
    number = unique_number()
    store.register(a_case(number, START), an_identity(number), [], counters=[slot, slot])
    assert store.read_counters([slot]) == [2]
    with pytest.raises(CaseNumberTaken):
        store.register(a_case(number, START, access_code_hash="other"), an_identity(number), [],
                       counters=[slot])
    assert store.read_counters([slot]) == [2]  # nothing of a refused registration is written


def test_mail_keys_point_at_their_case_and_are_recorded_once(store):
    number = unique_number()
    key = f"mid:{uuid.uuid4().hex}"
    store.register(a_case(number, START), an_identity(number), [], mail_keys=[key])
    assert store.find_mail(key) == MailRecord(case_number=number)
    again = unique_number()
    with pytest.raises(MailAlreadyRecorded):
        store.register(a_case(again, START), an_identity(again), [], mail_keys=[key])
    assert store.get_case(again) is None and store.get_identity(again) is None
    assert store.find_mail(f"mid:{uuid.uuid4().hex}") is None


def test_a_follow_up_records_its_key_with_the_change_or_not_at_all(store):
    number, _ = registered(store, outbox=False)
    key = f"mid:{uuid.uuid4().hex}"

    def reply(case):
        case.record(TimelineEvent(EventType.REPORTER_REPLIED, START, text="补充"))

    store.update_case(number, reply, mail_keys=[key])
    with pytest.raises(MailAlreadyRecorded):
        store.update_case(number, reply, mail_keys=[key])
    replies = [e for e in events_of(store, number) if e.type == EventType.REPORTER_REPLIED]
    assert len(replies) == 1
    assert store.find_mail(key).case_number == number


def test_sent_message_ids_are_indexed_when_the_outbox_settles(store):
    number, [message] = registered(store)
    key = f"mid:{uuid.uuid4().hex}"

    def sent(m, case):
        m.succeeded(START)
        return True

    store.update_outbox(message.id, sent, mail_keys=[key])
    store.update_outbox(message.id, sent, mail_keys=[key])  # settling again is harmless
    assert store.find_mail(key) == MailRecord(case_number=number, sent=True)


def test_held_mail_is_kept_newest_first_and_recorded_once(store):
    key = f"mid:{uuid.uuid4().hex}"
    older = HeldMail(uuid.uuid4().hex, START, "mailer-daemon@qq.com", "退信", "automated",
                     "mail/a.eml")
    newer = HeldMail(uuid.uuid4().hex, START + timedelta(minutes=1), "bob@example.com",
                     "Out of office", "automated", "mail/b.eml")
    store.hold_mail(older, [key])
    store.hold_mail(newer, [f"mid:{uuid.uuid4().hex}"])
    with pytest.raises(MailAlreadyRecorded):
        store.hold_mail(HeldMail(uuid.uuid4().hex, START, "x", "y", "z", "w"), [key])
    held = store.held_mail(10)
    assert [h.id for h in held[:2]] == [newer.id, older.id]
    assert store.find_mail(key) == MailRecord(held_id=older.id)


def test_another_case_with_the_same_number_and_code_is_not_taken_for_our_own(store):
    # An email case's access code is derived from its number, so two messages that draw the same
    # number carry the same code hash; the second must be refused (and redrawn), never mistaken
    # for our own registration whose answer was lost — that would lose the message.
    number, _ = registered(store, outbox=False)
    first = store.get_case(number)
    later = a_case(number, START + timedelta(seconds=3), subject="另一封邮件",
                   access_code_hash=first.access_code_hash)
    with pytest.raises(CaseNumberTaken):
        store.register(later, an_identity(number), [])
    assert store.get_case(number).subject == first.subject
