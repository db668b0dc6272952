"""What staff commands tell the reporter: every notice delivered in zh-CN and en with the words
it owes them (ground, department, due date, question, message) and nothing of staff (names, ids,
internal notes, addresses); no notice addressed to anyone else carries the reporter's identity;
the status page shows the new public events in plain words."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.adapters.mail_composition import MailComposer
from shared.domain.cases import Channel, Kind, ReporterIdentity, Status
from shared.domain.outbox import Addressee, OutboxMessage, Template
from shared.domain.reply_tokens import derived_access_code, reply_token
from shared.domain.staff import Role
from shared.services.respondent_mail import compose_elsewhere
from shared.services.status_lookup import CaseView as ReporterView
from tests.support.builders import a_case, notice_details
from tests.support.mailbox import read_mailbox
from tests.support.staff_desk import CLIENT, StaffDesk

NOTE = "内部备注：该用户曾多次投诉"
HANDLER_NAME = "李娜娜"


@pytest.fixture
def desk(app):
    return StaffDesk(app.store, app.clock)


def staff(desk):
    supervisor = desk.member(Role.SUPERVISOR, display_name="陈主管", department="客服中心")
    handler = desk.member(Role.HANDLER, display_name=HANDLER_NAME, department="运营部")
    return supervisor, handler


def handled(desk, language: str) -> str:
    """A case taken from review to a question and a message, with an internal note."""
    supervisor, handler = staff(desk)
    number = desk.case(Status.RECEIVED, language=language, respondent="某某商家")
    desk.cases.accept(supervisor, number, note=NOTE)
    desk.cases.assign(supervisor, number, assignee=handler.member.id)
    desk.cases.start_work(handler, number)
    desk.cases.add_note(handler, number, NOTE)
    desk.send_reply(handler, number, "请提供订单截图", question=True)
    desk.cases.record_reporter_answer(handler, number, "电话答复：" + NOTE)
    desk.send_reply(handler, number, "我们已联系商家")
    return number


def bodies(message) -> str:
    return "\n".join([message["Subject"], message.get_body(("plain",)).get_content(),
                      message.get_body(("html",)).get_content()])


@pytest.mark.parametrize("language, words", [
    ("zh-CN", ["您的投诉已受理", "2026-12-13 20:30 前作出处理决定", "已交由运营部的专门人员办理",
               "请补充信息", "请提供订单截图", "请直接回复本邮件", "处理人员给您的留言",
               "我们已联系商家"]),
    ("en", ["Your complaint has been accepted", "We will decide by 2026-12-13 20:30",
            "given to the staff of 运营部", "Please send us more information", "请提供订单截图",
            "Reply to this email", "A message about your case", "我们已联系商家"]),
])
def test_every_notice_reaches_the_reporter_in_their_language_without_anything_of_staff(
        app, desk, mailbox, language, words):
    number = handled(desk, language)
    results = app.delivery.deliver_due()
    assert [r.outcome.value for r in results] == ["sent"] * 4  # accepted, assigned, asked, message
    messages = read_mailbox(mailbox[1])
    text = "\n".join(bodies(m) for m in messages)
    assert all(m["To"] == "wangxm@qq.com" for m in messages)
    for expected in words:
        assert expected in text, expected
    handler = desk.store.get_case(number).assignee
    for secret in (HANDLER_NAME, "陈主管", handler, NOTE, "电话答复", CLIENT, "staff:"):
        assert secret not in text, secret


@pytest.mark.parametrize("language, kind, category, ground, words, not_named", [
    ("zh-CN", "report", "harmful_rumours", "no_facts",
     ["您的举报不予受理", "原因: 未提供具体事实或证据", "说明: 请附上截图",
      "违法和不良信息举报中心 12377 https://www.12377.cn", "人民法院"], ["12315"]),
    ("en", "complaint", "service", "private_dispute",
     ["Your complaint was not accepted", "Reason: It is a private dispute",
      "Explanation: 请附上截图", "National 12315 Consumer Complaint Platform 12315",
      "The people's courts"], ["12377"]),
])
def test_a_rejection_tells_the_ground_in_words_and_the_remedies_for_its_kind_and_category(
        app, desk, mailbox, language, kind, category, ground, words, not_named):
    supervisor, _ = staff(desk)
    number = desk.case(language=language, kind=kind, category=category)
    desk.cases.reject(supervisor, number, ground, text="请附上截图")
    [sent] = app.delivery.deliver_due()
    assert sent.outcome.value == "sent"
    [message] = read_mailbox(mailbox[1])
    text = bodies(message)
    for expected in words:
        assert expected in text, expected
    for remedy in not_named:  # the remedies come from remedies.json by kind and category
        assert remedy not in text, remedy
    assert number in message["Subject"] and "陈主管" not in text


def every_part(message) -> str:
    """Every header, decoded (a Chinese subject is an encoded word in the raw message), and every
    part's decoded content."""
    headers = [f"{name}: {value}" for name, value in message.items()]
    parts = [part.get_content() for part in message.walk() if not part.is_multipart()]
    return "\n".join(headers + parts + [message.as_string()])


def test_notices_addressed_to_anyone_but_the_reporter_never_carry_their_identity(app, clock):
    """R20: every template addressed to someone else, through the real composer and renderer as
    delivery sends it, for a reporter whose name, address and phone are in the subject and
    description: none of them, nor the access code, reply token or status link, in any part."""
    s = app.settings
    composer = MailComposer(app.renderer, s.mail_from, s.mail_domain, s.public_status_url, clock,
                            s.reply_key, s.inbound_address)
    reporter = ReporterIdentity("", name="欧阳翠花", email="cuihua.ouyang@qq.com",
                                phone="13987654321")
    elsewhere = [t for t in Template if t.addressee != Addressee.REPORTER]
    assert Template.RESPONDENT_OUTCOME in elsewhere  # walks the real set: never an empty one
    for template in Template:
        for language, channel in (("zh-CN", Channel.EMAIL), ("en", Channel.WEB_FORM)):
            case = a_case("TS-20261128-ABCDEF-0", clock.now(), language=language, channel=channel,
                          subject=f"{reporter.name}投诉某某商家",
                          description=f"我是{reporter.name}，电话{reporter.phone}，"
                                      f"邮箱{reporter.email}。商家拒绝退款。",
                          respondent="某某商家", decision_due_at=clock.now() + timedelta(days=15))
            message = OutboxMessage("m1", case.number, template, language, clock.now(),
                                    clock.now(), text="请提供订单截图",
                                    details={"ground": "duplicate", "department": "运营部",
                                             **notice_details(template)})
            if template not in elsewhere:
                text = every_part(composer.compose(message, case, reporter.email))
                assert HANDLER_NAME not in text and NOTE not in text
                continue
            sent = compose_elsewhere(composer, message, case)
            text = every_part(sent)
            for secret in (reporter.name, reporter.email, reporter.phone, "1398765", "商家拒绝退款",
                           derived_access_code(s.reply_key, case.number),
                           reply_token(s.reply_key, case.number), s.public_status_url,
                           HANDLER_NAME, NOTE):
                assert secret not in text, (template, language, secret)
            assert sent["To"] == "seller@example.com"
            assert sent["Reply-To"] == s.inbound_address


def reporter_page(app, number: str, language: str) -> str:
    case = app.store.get_case(number)
    return app.pages.case(language, ReporterView.of(case, app.store), code="CODE")


def test_the_status_page_tells_the_reporter_each_step_in_plain_words(app, desk):
    number = handled(desk, "zh-CN")
    app.delivery.deliver_due()
    zh, en = reporter_page(app, number, "zh-CN"), reporter_page(app, number, "en")
    for words in ("已受理", "请您补充信息: 请提供订单截图", "已收到您补充的信息",
                  "处理人员给您留言: 我们已联系商家", "受理通知已发送", "办理安排通知已发送",
                  "补充信息通知已发送", "处理人员留言已发送"):
        assert words in zh, words
    for words in ("Accepted", "We asked you for more information: 请提供订单截图",
                  "Your information was received", "A message from the handler: 我们已联系商家"):
        assert words in en, words
    handler = desk.store.get_case(number).assignee
    for secret in (NOTE, "电话答复", HANDLER_NAME, handler, CLIENT, "已分派", "开始处理"):
        assert secret not in zh, secret


@pytest.mark.parametrize("language, ground, own, words", [
    ("zh-CN", "no_facts", False, "不予受理: 未提供具体事实或证据: 请附上截图"),
    ("en", "not_about_platform", False, "Not accepted: The matter is not about this platform: 请附上截图"),
    ("zh-CN", "duplicate", True, "不予受理: 与已登记的案件重复 (您的案件 {other})"),
    ("zh-CN", "duplicate", False, "不予受理: 与已登记的案件重复: 请附上截图"),
    ("en", "other", False, "Not accepted: 请附上截图"),
])
def test_the_status_page_tells_why_a_case_was_not_accepted(app, desk, language, ground, own,
                                                           words):
    supervisor, _ = staff(desk)
    other = desk.case(kind=Kind.COMPLAINT) if own else desk.case(
        identity=ReporterIdentity("", name="别人", email="other@example.com"))
    number = desk.case(language=language)
    desk.cases.reject(supervisor, number, ground, duplicate_of=other, text="请附上截图")
    page = reporter_page(app, number, language)
    assert words.format(other=other) in page
    if not own:
        assert other not in page


@pytest.mark.parametrize("channel, language, told, not_said", [
    ("phone", "zh-CN", "工作人员告知您的查询码", "提交时显示的查询码"),
    ("letter", "en", "the access code our staff gave you", "shown when you submitted"),
])
def test_the_acknowledgment_of_an_offline_case_says_staff_gave_the_code(
        app, mailbox, channel, language, told, not_said):
    from shared.domain.staff import Requester
    from tests.support.staff_builders import staff_member

    clerk = Requester(staff_member((Role.CLERK,)), CLIENT)
    app.offline_registration.register(
        clerk, channel=channel, kind="complaint", category="service", subject="退款三周未到账",
        description="来电称退款申请三周未处理。", name="王小明", email="wangxm@qq.com",
        language=language)
    [sent] = app.delivery.deliver_due()
    assert sent.outcome.value == "sent"
    [message] = read_mailbox(mailbox[1])
    assert told in bodies(message) and not_said not in bodies(message)
