from datetime import UTC, datetime, timedelta

from shared.adapters import records
from shared.domain.cases import EventType
from shared.domain.outbox import (
    Addressee,
    OutboxMessage,
    OutboxStatus,
    Template,
    backoff,
    queue_notice,
)
from tests.support.builders import a_case

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def message(**kw) -> OutboxMessage:
    return OutboxMessage(id="m1", case_number="TS-1", template=Template.ACKNOWLEDGMENT,
                         language="zh-CN", created_at=NOW, next_attempt_at=NOW, **kw)


def test_backoff_grows_and_is_capped():
    delays = [backoff(n) for n in range(1, 9)]
    assert delays[:3] == [timedelta(minutes=1), timedelta(minutes=4), timedelta(minutes=16)]
    assert delays == sorted(delays)
    assert delays[-1] == timedelta(hours=6)


def test_a_claimed_message_is_not_claimable_until_its_lease_runs_out():
    m = message()
    assert m.claimable(NOW)
    m.claim(NOW, timedelta(minutes=5))
    assert m.status == OutboxStatus.SENDING and m.attempts == 1
    assert not m.claimable(NOW + timedelta(minutes=4))
    assert m.claimable(NOW + timedelta(minutes=5))


def test_a_failed_attempt_waits_for_its_retry_time_unless_told_otherwise():
    m = message()
    m.claim(NOW, timedelta(minutes=5))
    m.failed(NOW, "connection refused", NOW + timedelta(minutes=1))
    assert m.status == OutboxStatus.PENDING
    assert not m.claimable(NOW)
    assert m.claimable(NOW, respect_schedule=False)
    assert m.claimable(NOW + timedelta(minutes=1))


def test_sent_and_permanently_failed_messages_are_never_claimed_again():
    sent, failed = message(), message()
    sent.succeeded(NOW)
    failed.failed(NOW, "550 no such user", None)
    for m in (sent, failed):
        assert not m.claimable(NOW + timedelta(days=1), respect_schedule=False)



def test_queueing_a_notice_records_which_template_and_which_entry():
    case = a_case("TS-20261128-ABCDEF-0", NOW, language="en")
    recorded, record = [], case.record
    case.record = lambda event: (recorded.append(event), record(event))
    message = queue_notice(case, Template.FOLLOW_UP_RECEIVED, NOW, in_reply_to="<r1@qq.com>",
                           notes=["scan.exe (file_type_not_allowed, 5 bytes)"])
    assert (message.case_number, message.template, message.language) == \
        ("TS-20261128-ABCDEF-0", Template.FOLLOW_UP_RECEIVED, "en")
    assert message.claimable(NOW) and message.in_reply_to == "<r1@qq.com>"
    assert message.notes == ["scan.exe (file_type_not_allowed, 5 bytes)"]
    [event] = recorded
    assert event.type == EventType.NOTICE_QUEUED and event.actor == "system"
    assert event.data == {"outbox_id": message.id, "template": "follow_up_received"}
    assert queue_notice(case, Template.ACKNOWLEDGMENT, NOW).id != message.id


def test_a_staff_notice_carries_the_text_and_details_and_stores_them_only_when_set():
    case = a_case("TS-20261128-ABCDEF-0", NOW)
    message = queue_notice(case, Template.CASE_REJECTED, NOW, text="请附上截图",
                           details={"ground": "no_facts"})
    record = records.outbox_to_record(message)
    assert (record["text"], record["details"]) == ("请附上截图", {"ground": "no_facts"})
    assert records.outbox_from_record(record) == message
    plain = records.outbox_to_record(queue_notice(case, Template.ACKNOWLEDGMENT, NOW))
    assert "text" not in plain and "details" not in plain


def test_only_the_respondents_and_staff_notices_are_addressed_to_anyone_but_the_reporter():
    assert {t for t in Template if t.addressee != Addressee.REPORTER} == {
        Template.RESPONDENT_OUTCOME, Template.STAFF_REMINDER, Template.STAFF_OVERDUE,
        Template.STAFF_MAJOR_CASE, Template.STAFF_MAJOR_BULLETIN, Template.STAFF_HOT_CASE,
        Template.STAFF_STATISTICS_BULLETIN}
    assert Template.RESPONDENT_OUTCOME.addressee == Addressee.RESPONDENT
    assert Template.STAFF_OVERDUE.addressee == Template.STAFF_REMINDER.addressee == Addressee.STAFF
