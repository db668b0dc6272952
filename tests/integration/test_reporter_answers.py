"""The reporter's answer (R11): a case that awaits the reporter goes back to its handler
(`in_progress`) when they add information on the status page or reply by email — in the
transaction that records their words — on both stores. A second answer only adds information;
an auto-reply is no answer."""
from __future__ import annotations

import uuid

import pytest

from shared import bootstrap
from shared.domain import lifecycle
from shared.domain.cases import REPORTER, EventType, Status
from shared.domain.commands import AcceptCase, AskReporter, AssignCase, StartWork
from shared.domain.reply_tokens import reply_address
from shared.services.mail_intake import MailOutcome
from tests.integration.test_status_page import file_case
from tests.support.held_mail import services_on
from tests.support.inbound_mail import first_case, receive_verified, reply
from tests.support.timeline import types_of

HANDLER = "staff:s-handler"
QUESTION = "请提供订单截图和付款记录。"


def awaiting_reporter(store, number, now):
    """Take the stored case through review, assignment and work to a question for the reporter."""
    def ask(case):
        for command in (AcceptCase(actor="staff:s-clerk"),
                        AssignCase(actor="staff:s-super", assignee="s-handler",
                                   department="客服中心"),
                        StartWork(actor=HANDLER), AskReporter(actor=HANDLER, reason=QUESTION)):
            lifecycle.apply(case, command, now)

    assert store.update_case(number, ask).status == Status.AWAITING_REPORTER


def answers(store, number):
    return [t for t in types_of(store, number)
            if t in (EventType.INFORMATION_ADDED, EventType.REPORTER_REPLIED,
                     EventType.REPORTER_ANSWERED, EventType.AUTOMATED_MAIL_RECEIVED)]


# -- the status page ------------------------------------------------------------------------------

@pytest.fixture(params=["sqlite", pytest.param("firestore", marks=pytest.mark.firestore)])
def status_functions(request, function_client, monkeypatch):
    """The real entry points (as `function_client`) on each store."""
    if request.param == "firestore":
        request.getfixturevalue("firestore_emulator")
        monkeypatch.setenv("CD_CASE_STORE", "firestore")
        monkeypatch.setenv("CD_FIRESTORE_PROJECT", f"test-{uuid.uuid4().hex[:12]}")
        monkeypatch.setenv("CD_REPLY_TOKEN_KEY", uuid.uuid4().hex)  # the cloud needs its own
        bootstrap.services.cache_clear()
    return function_client


def add(client, number, code, text):
    return client.post("/", data={"action": "add", "number": number, "code": code, "text": text},
                       headers={"X-Forwarded-For": "203.0.113.7"})


def test_information_added_on_the_status_page_answers_a_waiting_case(status_functions, clock):
    number, code = file_case(status_functions)
    store = bootstrap.services().store
    awaiting_reporter(store, number, clock.now())
    page = status_functions("case_status")
    answered = add(page, number, code, "截图已上传到网盘，付款记录见下：2026-11-01 299 元")
    assert answered.status_code == 200 and "已收到您补充的信息" in answered.get_data(as_text=True)
    case = store.get_case(number)
    assert case.status == Status.IN_PROGRESS and case.assignee == "s-handler"
    assert answers(store, number) == [EventType.INFORMATION_ADDED, EventType.REPORTER_ANSWERED]
    # A second addition is information, nothing more: the case is no longer waiting.
    assert add(page, number, code, "再补充一张截图").status_code == 200
    assert store.get_case(number).status == Status.IN_PROGRESS
    assert answers(store, number) == [EventType.INFORMATION_ADDED, EventType.REPORTER_ANSWERED,
                                      EventType.INFORMATION_ADDED]


def test_a_refused_addition_is_no_answer(status_functions, clock):
    number, code = file_case(status_functions)
    store = bootstrap.services().store
    awaiting_reporter(store, number, clock.now())
    assert add(status_functions("case_status"), number, code, "\u200b").status_code == 422
    assert store.get_case(number).status == Status.AWAITING_REPORTER
    assert answers(store, number) == []


def test_additions_to_a_case_awaiting_nobody_change_no_status(status_functions):
    number, code = file_case(status_functions)
    assert add(status_functions("case_status"), number, code, "补充说明").status_code == 200
    store = bootstrap.services().store
    assert store.get_case(number).status == Status.RECEIVED
    assert answers(store, number) == [EventType.INFORMATION_ADDED]


# -- email ----------------------------------------------------------------------------------------

@pytest.fixture
def mail_app(settings, mailbox, clock, store):
    return services_on(settings, mailbox, clock, store)


def test_an_email_reply_answers_a_waiting_case_once(mail_app, settings, clock):
    number = first_case(mail_app)  # from 87654321@qq.com, acknowledged
    awaiting_reporter(mail_app.store, number, clock.now())
    address = reply_address("report@example.com", settings.reply_key, number)
    answer = reply(address, "87654321@qq.com", f"Re: 举报 [{number}]", "截图在附件里，付款 299 元。",
                   message_id="<answer-1@qq.com>")
    assert receive_verified(mail_app, answer).outcome == MailOutcome.JOINED
    assert receive_verified(mail_app, answer).outcome == MailOutcome.DUPLICATE  # redelivered
    case = mail_app.store.get_case(number)
    assert case.status == Status.IN_PROGRESS
    assert answers(mail_app.store, number) == [EventType.REPORTER_REPLIED,
                                               EventType.REPORTER_ANSWERED]
    [answered] = [e for e in mail_app.store.case_events(number, public_only=True, limit=50)
                  if e.type == EventType.REPORTER_ANSWERED]
    assert answered.actor == REPORTER and answered.data["status_to"] == "in_progress"
    later = reply(address, "87654321@qq.com", f"Re: 举报 [{number}]", "还有一点补充。",
                  message_id="<answer-2@qq.com>")
    assert receive_verified(mail_app, later).outcome == MailOutcome.JOINED
    assert mail_app.store.get_case(number).status == Status.IN_PROGRESS
    assert answers(mail_app.store, number)[-1] == EventType.REPORTER_REPLIED


def test_an_auto_reply_from_the_reporter_is_no_answer(mail_app, settings, clock):
    number = first_case(mail_app)
    awaiting_reporter(mail_app.store, number, clock.now())
    address = reply_address("report@example.com", settings.reply_key, number)
    away = reply(address, "87654321@qq.com", "自动回复", "我在休假", Auto_Submitted="auto-replied")
    assert receive_verified(mail_app, away).outcome == MailOutcome.JOINED
    assert mail_app.store.get_case(number).status == Status.AWAITING_REPORTER
    assert answers(mail_app.store, number) == [EventType.AUTOMATED_MAIL_RECEIVED]
