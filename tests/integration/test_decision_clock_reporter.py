"""The reporter's side of the decision clock, on both stores: the status page shows the current
decision deadline (and that it stands still while we wait for them); their answer on the status
page or by email moves it by the working time waited and queues one notice of the new date."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared import bootstrap
from shared.adapters.clock import FixedClock
from shared.domain.cases import EventType
from shared.domain.outbox import Template
from shared.domain.reply_tokens import reply_address
from shared.services.mail_intake import MailOutcome
from tests.integration.test_reporter_answers import add, awaiting_reporter, status_functions
from tests.integration.test_status_page import file_case, look_up
from tests.support.held_mail import services_on
from tests.support.inbound_mail import first_case, receive_verified, reply
from tests.support.timeline import events_of

__all__ = ["status_functions"]  # the fixture, on both stores
BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(*parts) -> datetime:
    return datetime(*parts, tzinfo=BEIJING)


def deadline_notices(store, number) -> list[dict]:
    """The details of each decision deadline notice queued on the case."""
    return [store.get_outbox(e.data["outbox_id"]).details for e in events_of(store, number)
            if e.type == EventType.NOTICE_QUEUED
            and e.data["template"] == Template.DECISION_DEADLINE_CHANGED.value]


def test_the_status_page_shows_the_deadline_its_pause_and_the_answer_that_moves_it(
        status_functions):
    clock = FixedClock(beijing(2025, 11, 14, 10).astimezone(UTC))  # a Friday morning
    bootstrap.services().__dict__["clock"] = clock  # before anything is built on the real one
    number, code = file_case(status_functions)
    store = bootstrap.services().store
    awaiting_reporter(store, number, clock.now())  # accepted (15 days), asked at once
    due = store.get_case(number).decision_due_at
    assert due == beijing(2025, 11, 29, 10)
    page = status_functions("case_status")
    shown = look_up(page, number, code).get_data(as_text=True)
    assert "处理期限" in shown and "2025-11-29 10:00" in shown and "处理期限暂停计算" in shown
    clock.advance(beijing(2025, 11, 17, 10) - clock.now())  # Monday 10:00
    answered = add(page, number, code, "截图已上传")
    assert answered.status_code == 200
    # Nine working hours waited (Friday 10–18, Monday 9–10), added on from Saturday 29 Nov: the
    # next opening is Monday 1 Dec 09:00, so the decision is due that day at 18:00.
    assert store.get_case(number).decision_due_at == beijing(2025, 12, 1, 18)
    shown = look_up(page, number, code).get_data(as_text=True)
    assert "2025-12-01 18:00" in shown and "处理期限暂停计算" not in shown
    assert [(n["due_from"], n["due_to"]) for n in deadline_notices(store, number)] == [
        (due.isoformat(), beijing(2025, 12, 1, 18).astimezone(UTC).isoformat())]
    assert add(page, number, code, "再补充一句").status_code == 200  # no answer: nothing moves
    assert len(deadline_notices(store, number)) == 1


def test_the_english_status_page_says_the_deadline_may_change_when_provisional(
        status_functions):
    clock = FixedClock(beijing(2026, 12, 21, 10).astimezone(UTC))
    bootstrap.services().__dict__["clock"] = clock
    number, code = file_case(status_functions)
    store = bootstrap.services().store
    awaiting_reporter(store, number, clock.now())
    store.update_case(number, lambda case: setattr(case, "deadlines_provisional", True))
    shown = look_up(status_functions("case_status"), number, code, lang="en").get_data(
        as_text=True)
    assert "Decision due" in shown and "2027-01-05 10:00" in shown
    assert "Monday to Friday are working days: it may change once" in shown


@pytest.fixture
def mail_app(settings, mailbox, clock, store):
    return services_on(settings, mailbox, clock, store)


def test_an_email_answer_moves_the_deadline_and_tells_the_reporter_once(mail_app, settings,
                                                                        clock):
    number = first_case(mail_app)
    awaiting_reporter(mail_app.store, number, clock.now())  # Saturday 28 Nov 2026, 20:30
    due = mail_app.store.get_case(number).decision_due_at  # Sunday 13 Dec, 20:30
    clock.advance(timedelta(days=3))  # Tuesday 1 Dec 20:30: Monday and Tuesday waited (18 h)
    address = reply_address("report@example.com", settings.reply_key, number)
    answer = reply(address, "87654321@qq.com", f"Re: 举报 [{number}]", "截图在附件里。",
                   message_id="<answer-1@qq.com>")
    assert receive_verified(mail_app, answer).outcome == MailOutcome.JOINED
    assert receive_verified(mail_app, answer).outcome == MailOutcome.DUPLICATE
    moved = mail_app.store.get_case(number).decision_due_at
    assert moved == beijing(2026, 12, 15, 18)  # from Monday 14 Dec 09:00, two working days
    assert [(n["cause"], n["due_from"]) for n in deadline_notices(mail_app.store, number)] == [
        ("awaiting_reporter", due.isoformat())]
