"""An appeal by replying to the closure notice (R16), over the real intake, delivery and SMTP
mailbox on both stores: the reply that answers the notice (its In-Reply-To) inside the window is
the appeal, acknowledged in the same thread; too late, or after the appeal, it is kept as
information and answered with why and when the window closed; any other mail joining a closed
case is information and nothing more; nothing is written to a sender who was not verified."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.cases import REPORTER, EventType, Status
from shared.domain.outbox import Template
from shared.domain.reply_tokens import reply_address
from shared.services.mail_intake import MailOutcome
from tests.support.closed_cases import close, decide_appeal
from tests.support.held_mail import services_on
from tests.support.inbound_mail import corpus, deliver, first_case, receive_verified, reply
from tests.support.mailbox import read_mailbox
from tests.support.timeline import events_of

REPORTER_ADDRESS = "87654321@qq.com"  # the corpus report's sender
REASONS = "我不同意处理结果：商家并没有退款，请重新核实。"


@pytest.fixture
def app(settings, mailbox, clock, store):
    return services_on(settings, mailbox, clock, store)


def closed_by_mail(app, clock, window=timedelta(days=30)) -> tuple[str, str]:
    """A case opened by email and closed, its closure notice delivered: (number, its Message-ID)."""
    number = first_case(app)
    outbox_id = close(app.store, number, clock.now(), clock.now() + window)
    deliver(app)
    return number, sent_message_id(app, outbox_id)


def sent_message_id(app, outbox_id: str) -> str:
    return app.store.get_outbox(outbox_id).message_id(app.settings.mail_domain)


def answer(app, number, in_reply_to: str, text=REASONS, message_id="<appeal-1@qq.com>"):
    address = reply_address("report@example.com", app.settings.reply_key, number)
    return reply(address, REPORTER_ADDRESS, f"Re: [{number}] 您的举报已办结", text,
                 In_Reply_To=in_reply_to, References=in_reply_to, message_id=message_id)


def mailed(mailbox, subject_words: str):
    """The one message in the mailbox whose subject holds the words."""
    [message] = [m for m in read_mailbox(mailbox[1]) if subject_words in m["Subject"]]
    return message


def types(app, number, *wanted):
    return [e.type for e in events_of(app.store, number) if e.type in wanted]


def notices(app, number) -> list[str]:
    return [e.data["template"] for e in events_of(app.store, number)
            if e.type == EventType.NOTICE_QUEUED]


def test_a_reply_to_the_closure_notice_is_the_appeal_acknowledged_in_its_thread(app, clock,
                                                                               mailbox):
    number, closure = closed_by_mail(app, clock)
    clock.advance(timedelta(days=30))  # the window's last moment
    appeal = answer(app, number, closure)
    assert receive_verified(app, appeal).outcome == MailOutcome.JOINED
    assert receive_verified(app, appeal).outcome == MailOutcome.DUPLICATE  # redelivered: once
    case = app.store.get_case(number)
    assert case.status == Status.APPEALED and case.assignee == ""
    [lodged] = [e for e in events_of(app.store, number) if e.type == EventType.APPEAL_LODGED]
    assert lodged.public and lodged.actor == REPORTER and lodged.text == REASONS
    [replied] = [e for e in events_of(app.store, number) if e.type == EventType.REPORTER_REPLIED]
    assert replied.text == "" and replied.data["raw"]  # the words are on the appeal, once
    assert notices(app, number)[-1] == Template.APPEAL_RECEIVED.value
    deliver(app)
    acknowledgment = mailed(mailbox, "复核申请已登记")
    assert acknowledgment["In-Reply-To"] == "<appeal-1@qq.com>"
    assert number in acknowledgment["Subject"]
    assert "未参与原处理决定的人员" in acknowledgment.get_body(("plain",)).get_content()


def test_a_reply_one_second_late_is_information_and_told_when_the_window_closed(app, clock,
                                                                                mailbox):
    number, closure = closed_by_mail(app, clock)
    ends = app.store.get_case(number).appeal_until
    clock.advance(timedelta(days=30, seconds=1))
    assert receive_verified(app, answer(app, number, closure)).outcome == MailOutcome.JOINED
    case = app.store.get_case(number)
    assert case.status == Status.CLOSED and case.appeal_round == 0
    assert types(app, number, EventType.APPEAL_LODGED) == []
    [replied] = [e for e in events_of(app.store, number) if e.type == EventType.REPORTER_REPLIED]
    assert replied.text == REASONS  # kept as information
    assert notices(app, number)[-1] == Template.APPEAL_REFUSED.value
    deliver(app)
    text = mailed(mailbox, "不能作为复核申请").get_body(("plain",)).get_content()
    assert ends.date().isoformat() in text and "期限已于" in text
    assert "12315" in text or "人民法院" in text  # where else they may turn


def test_a_reply_after_the_appeal_was_decided_is_told_the_decision_is_final(app, clock, mailbox):
    number, closure = closed_by_mail(app, clock)
    decided = sent_message_id(app, decide_appeal(app.store, number, clock.now()))
    for n, parent in enumerate((decided, closure)):  # to either notice
        raw = answer(app, number, parent, message_id=f"<again-{n}@qq.com>")
        assert receive_verified(app, raw).outcome == MailOutcome.JOINED
    case = app.store.get_case(number)
    assert case.status == Status.CLOSED and case.appeal_round == 1
    assert notices(app, number)[-2:] == [Template.APPEAL_REFUSED.value] * 2
    deliver(app)
    refusals = [m for m in read_mailbox(mailbox[1]) if "不能作为复核申请" in m["Subject"]]
    assert len(refusals) == 2
    assert all("复核决定为最终决定" in m.get_body(("plain",)).get_content() for m in refusals)


def test_other_mail_joining_a_closed_case_is_information_only(app, clock):
    number, _ = closed_by_mail(app, clock)
    acknowledgment = [e for e in events_of(app.store, number)
                      if e.type == EventType.NOTICE_SENT][0].data["outbox_id"]
    for n, parent in enumerate((sent_message_id(app, acknowledgment), "", "<x@elsewhere.org>")):
        raw = answer(app, number, parent, message_id=f"<info-{n}@qq.com>") if parent else \
            reply(reply_address("report@example.com", app.settings.reply_key, number),
                  REPORTER_ADDRESS, "补充", REASONS, message_id="<info-plain@qq.com>")
        assert receive_verified(app, raw).outcome == MailOutcome.JOINED
    assert app.store.get_case(number).status == Status.CLOSED
    assert types(app, number, EventType.APPEAL_LODGED) == []
    assert Template.APPEAL_REFUSED.value not in notices(app, number)
    assert len(types(app, number, EventType.REPORTER_REPLIED)) == 3


def test_a_sender_that_was_never_verified_is_not_written_to(app, clock):
    registered = app.mail_intake.receive(corpus("qqmail_report.eml"), (), None,
                                         sender_verified=False)
    number = registered.case_number
    closure = close(app.store, number, clock.now(), clock.now() + timedelta(days=30))
    deliver(app)  # whatever the decision service does, this closure notice went out
    clock.advance(timedelta(days=31))
    raw = answer(app, number, sent_message_id(app, closure))
    assert app.mail_intake.receive(raw, (), None, sender_verified=False).outcome == \
        MailOutcome.JOINED
    assert Template.APPEAL_REFUSED.value not in notices(app, number)
    [not_sent] = [e for e in events_of(app.store, number)
                  if e.type == EventType.NOTICE_NOT_POSSIBLE]
    assert not_sent.data == {"template": "appeal_refused", "reason": "unverified_sender"}
