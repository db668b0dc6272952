"""The respondent told of the outcome without the reporter's identity (R20, 「并通知相关用户」), on
both stores: the notice lands at the respondent's address through the real SMTP server with the
outcome, the measures that concern them, the reasons and how to contest, and nothing of the
reporter; a retry with its request_id is one notice; bad input and refusals change nothing."""
from __future__ import annotations

import dataclasses

import pytest

from shared.bootstrap import build_services
from shared.domain.cases import EventType, ReporterIdentity, Status
from shared.domain.errors import (
    CaseNotFound,
    CommandRefused,
    InvalidCommand,
    TransitionNotAllowed,
)
from shared.domain.outbox import OutboxStatus
from shared.domain.permissions import Forbidden
from shared.domain.reply_tokens import derived_access_code, reply_token
from shared.domain.staff import Role
from shared.services.mail_delivery import Outcome
from shared.services.mail_parsing import message_key
from tests.support.builders import a_decision_record
from tests.support.mailbox import read_mailbox
from tests.support.staff_desk import StaffDesk, unknown_number

REPORTER = ReporterIdentity("", name="欧阳翠花", email="cuihua.ouyang@qq.com",
                            phone="+8613987654321")
DESCRIPTION = "我是欧阳翠花，电话 139 8765 4321，卖家辱骂我并拒绝退款。"
DECISION = a_decision_record(
    outcome="upheld",
    measures=[{"measure": "account_warned", "note": "首次违规"},
              {"measure": "compensation", "amount_fen": 88_800}, {"measure": "apology"}],
    facts_found="卖家在聊天中使用侮辱性语言。", grounds="《平台交易规则》第十二条",
    reasons={"decided": "对卖家账号予以警告。", "facts": "聊天记录显示侮辱性语言。",
             "ground": "《平台交易规则》第十二条", "redress": "投诉人可申请复核；12315。"})


@pytest.fixture
def app(settings, clock, store, mailbox):
    port, _ = mailbox
    return build_services(dataclasses.replace(settings, smtp_port=port), store=store, clock=clock)


@pytest.fixture
def desk(app):
    return StaffDesk(app.store, app.clock)


def closed_case(desk, handler, **fields) -> str:
    """A closed case assigned to `handler`, its decision told to the reporter."""
    values = {"decision": {"record": DECISION, "sent": DECISION, "sent_round": 0},
              "description": DESCRIPTION, "subject": "欧阳翠花投诉卖家辱骂", **fields}
    return desk.assigned_to(handler, Status.CLOSED, identity=REPORTER, **values)


def every_part(message) -> str:
    headers = [f"{name}: {value}" for name, value in message.items()]
    return "\n".join(headers + [p.get_content() for p in message.walk() if not p.is_multipart()])


@pytest.mark.parametrize("language, words", [
    ("zh-CN", ["关于案件", "的处理结果通知", "对投诉或举报的结论: 属实", "警告账号: 首次违规",
               "对卖家账号予以警告", "卖家在聊天中使用侮辱性语言", "《平台交易规则》第十二条",
               "未使用自动化手段", "工作人员说明: 请于三日内整改", "如有异议", "不会向您透露"]),
    ("en", ["The outcome of case", "Outcome of the complaint or report: Upheld",
            "Measures concerning you", "对卖家账号予以警告", "A note from our staff: 请于三日内整改",
            "If you disagree", "we do not tell you who they are"]),
])
def test_the_respondent_is_told_the_outcome_at_their_address_and_nothing_of_the_reporter(
        app, desk, mailbox, language, words):
    handler = desk.member(Role.HANDLER, department="运营部")
    number = closed_case(desk, handler)
    view = desk.cases.notify_respondent(handler, number, address=" Seller.Zhang@Example.com ",
                                        language=language, note="请于三日内整改")
    assert view.status == "closed"
    [result] = app.delivery.deliver_due()
    assert result.outcome == Outcome.SENT
    [message] = read_mailbox(mailbox[1])
    text = every_part(message)
    assert message["To"] == "Seller.Zhang@example.com" and number in message["Subject"]
    for expected in words:
        assert expected in text, expected
    for secret in ("欧阳翠花", "cuihua", "13987654321", "139 8765", "辱骂我", "赔偿", "Compensation",
                   "888.00", "道歉", "12315", derived_access_code(app.settings.reply_key, number),
                   reply_token(app.settings.reply_key, number), app.settings.public_status_url):
        assert secret not in text, secret
    # No way back into the reporter's case: no reply token, and our Message-ID not indexed.
    assert message["Reply-To"] == app.settings.inbound_address
    assert app.store.find_mail(message_key(message["Message-ID"])) is None


def test_the_case_records_who_was_told_masked_and_the_notice_like_any_other(app, desk):
    handler = desk.member(Role.HANDLER, department="运营部")
    number = closed_case(desk, handler)
    desk.cases.notify_respondent(handler, number, address="seller@example.com")
    [told] = desk.events(number, EventType.RESPONDENT_NOTIFIED)
    assert told.actor == handler.actor and not told.public
    assert (told.data["to"], told.data["language"]) == ("s***@example.com", "zh-CN")
    assert "seller@example.com" not in str(desk.events(number))
    [queued] = desk.events(number, EventType.NOTICE_QUEUED)
    entry = app.store.get_outbox(queued.data["outbox_id"])
    assert entry.details["address"] == "seller@example.com" and entry.language == "zh-CN"
    # What concerns the respondent only: the warning, not the compensation nor the apology.
    assert [m["measure"] for m in entry.details["decision"]["measures"]] == ["account_warned"]
    assert "redress" not in entry.details["decision"]["reasons"]


def test_the_respondent_is_told_even_when_the_reporter_cannot_be(app, desk, mailbox):
    """The reporter's bounce, or their having left no address, is no reason to keep the
    respondent's notice: delivery never reads the reporter's private record for it."""
    handler = desk.member(Role.HANDLER, department="运营部")
    number = desk.assigned_to(handler, Status.CLOSED, identity=ReporterIdentity(""),
                              reporter_unreachable=True, anonymous=True,
                              decision={"record": DECISION})  # told before `sent` was kept
    desk.cases.notify_respondent(handler, number, address="seller@example.com")
    assert [r.outcome for r in app.delivery.deliver_due()] == [Outcome.SENT]
    [message] = read_mailbox(mailbox[1])
    assert "对卖家账号予以警告" in every_part(message)


def test_a_retry_with_its_request_id_is_one_notice_and_without_one_each_call_is_another(
        app, desk):
    handler = desk.member(Role.HANDLER, department="运营部")
    number = closed_case(desk, handler)
    for _ in range(2):
        desk.cases.notify_respondent(handler, number, address="seller@example.com",
                                     request_id="notice-0001")
    assert len(desk.events(number, EventType.RESPONDENT_NOTIFIED)) == 1
    assert len(app.delivery.deliver_due()) == 1
    desk.cases.notify_respondent(handler, number, address="seller@example.com",
                                 request_id="notice-0002")
    desk.cases.notify_respondent(handler, number, address="other@example.com")
    assert len(desk.events(number, EventType.RESPONDENT_NOTIFIED)) == 3
    assert len(app.delivery.deliver_due()) == 2


@pytest.mark.parametrize("fields, errors", [
    ({}, {"address": "required"}),
    ({"address": "not an address"}, {"address": "invalid_email"}),
    ({"address": "卖家@例子.中国"}, {"address": "invalid_email"}),  # no SMTPUTF8 mailbox
    ({"address": ["a@example.com"]}, {"address": "invalid"}),
    ({"address": "a@example.com", "language": "fr"}, {"language": "invalid_choice"}),
    ({"address": "a@example.com", "note": "长" * 1001}, {"note": "too_long"}),
    ({"address": "a@example.com", "note": "投诉人欧阳翠花说"}, {"note": "names_reporter"}),
    ({"address": "a@example.com", "note": "请联系 139-8765-4321"}, {"note": "names_reporter"}),
    ({"address": "Cuihua.Ouyang@qq.com"}, {"address": "is_reporter"}),
    ({"address": "a@example.com", "request_id": "x"}, {"request_id": "invalid"}),
])
def test_bad_input_is_refused_field_by_field_and_changes_nothing(desk, fields, errors):
    handler = desk.member(Role.HANDLER, department="运营部")
    number = closed_case(desk, handler)
    before = desk.snapshot(number)
    with pytest.raises(InvalidCommand) as refused:
        desk.cases.notify_respondent(handler, number, **fields)
    assert refused.value.errors == errors
    assert desk.snapshot(number) == before


def test_refusals_change_nothing(desk):
    handler = desk.member(Role.HANDLER, department="运营部")
    open_case = desk.assigned_to(handler, Status.DECISION_APPROVED, decision={"record": DECISION})
    with pytest.raises(TransitionNotAllowed):
        desk.cases.notify_respondent(handler, open_case, address="seller@example.com")
    named = a_decision_record(facts_found="投诉人欧阳翠花提供了聊天记录。")
    naming = closed_case(desk, handler, decision={"record": named, "sent": named})
    before = desk.snapshot(naming)
    with pytest.raises(CommandRefused) as refused:
        desk.cases.notify_respondent(handler, naming, address="seller@example.com")
    assert refused.value.code == "decision_names_reporter" and desk.snapshot(naming) == before
    bare = closed_case(desk, handler, decision={})
    with pytest.raises(CommandRefused) as refused:
        desk.cases.notify_respondent(handler, bare, address="seller@example.com")
    assert refused.value.code == "no_decision"
    other = desk.member(Role.HANDLER, department="运营部")
    theirs = closed_case(desk, other)
    with pytest.raises(Forbidden):  # a handler tells the respondent of their own cases only
        desk.cases.notify_respondent(handler, theirs, address="seller@example.com")
    with pytest.raises(CaseNotFound):
        desk.cases.notify_respondent(handler, unknown_number(), address="seller@example.com")
    assert desk.events(open_case, EventType.RESPONDENT_NOTIFIED) == []


def test_an_entry_without_an_address_fails_visibly_for_staff(app, desk):
    handler = desk.member(Role.HANDLER, department="运营部")
    number = closed_case(desk, handler)
    desk.cases.notify_respondent(handler, number, address="seller@example.com")
    [queued] = desk.events(number, EventType.NOTICE_QUEUED)

    def lose_address(entry, case):
        entry.details = {**entry.details, "address": ""}
        return True

    app.store.update_outbox(queued.data["outbox_id"], lose_address)
    [result] = app.delivery.deliver_due()
    assert result.outcome == Outcome.FAILED
    assert app.store.get_outbox(queued.data["outbox_id"]).status == OutboxStatus.FAILED
    [failed] = desk.events(number, EventType.NOTICE_FAILED)
    assert failed.data["template"] == "respondent_outcome"
    assert not desk.store.get_case(number).reporter_unreachable


def test_the_reporter_never_follows_the_respondents_notice(app, desk):
    handler = desk.member(Role.HANDLER, department="运营部")
    number = closed_case(desk, handler)
    before = app.store.get_case(number).public_event_count
    desk.cases.notify_respondent(handler, number, address="seller@example.com")
    app.delivery.deliver_due()
    notices = [e for e in desk.events(number) if e.type.value.startswith("notice_")]
    assert [e.type for e in notices] == [EventType.NOTICE_QUEUED, EventType.NOTICE_SENT]
    assert all(e.data["addressee"] == "respondent" and not e.public for e in notices)
    assert app.store.get_case(number).public_event_count == before
    public = app.store.case_events(number, public_only=True, after_seq=0, limit=100)
    assert not [e for e in public if e.type.value.startswith("notice_")]
