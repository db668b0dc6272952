"""Deadlines on China's working days, as stored on both stores: a case received on Friday night
is due on Tuesday morning, a decision counts 15 working days across the National Day holiday and
its make-up days, and a deadline in a year without data is marked provisional on the case."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.adapters.chinese_working_days import ChineseWorkingDays
from shared.adapters.clock import FixedClock
from shared.adapters.folder_attachments import FolderAttachmentStore
from shared.bootstrap import build_deadlines, build_services
from shared.domain.cases import Channel, Kind
from shared.domain.deadline_policy import Deadlines, load_deadline_policy
from shared.domain.handling_policy import HandlingPolicy
from shared.domain.staff import Role
from shared.domain.working_time import WorkingCalendar
from shared.services.registration import NewCase, Registration, RegistrationLimits
from shared.services.staff_cases import StaffCases
from shared.services.submissions import SubmitCase
from shared.settings import Settings
from tests.support.mailbox import read_mailbox
from tests.support.staff_desk import StaffDesk

BEIJING = ZoneInfo("Asia/Shanghai")
DEADLINES = Deadlines(WorkingCalendar(ChineseWorkingDays()), load_deadline_policy())


def beijing(*parts) -> datetime:
    return datetime(*parts, tzinfo=BEIJING)


def registration(store, tmp_path, clock) -> Registration:
    return Registration(store, FolderAttachmentStore(tmp_path / "files"), clock,
                        RegistrationLimits(), timedelta(hours=24), "Asia/Shanghai",
                        calendar=DEADLINES.calendar)


def a_complaint(**overrides) -> NewCase:
    fields = dict(kind=Kind.COMPLAINT, channel=Channel.WEB_FORM, category="service",
                  subject="客服挂断电话", description="周五晚上客服挂断电话。")
    fields.update(overrides)
    return NewCase(**fields)


def test_a_friday_night_case_is_due_on_tuesday_morning_and_stored_so(store, tmp_path):
    clock = FixedClock(beijing(2026, 11, 27, 23, 0).astimezone(UTC))
    registered = registration(store, tmp_path, clock).register(a_complaint())
    case = store.get_case(registered.number)
    assert registered.review_due_at == case.review_due_at == case.next_due_at == \
        beijing(2026, 12, 1, 9, 0)
    assert not case.deadlines_provisional
    assert [c.number for c in store.due_cases(beijing(2026, 12, 1, 8, 59), 10)] == []
    assert [c.number for c in store.due_cases(beijing(2026, 12, 1, 9, 0), 10)] == [case.number]


def test_a_case_received_in_working_hours_is_due_24_hours_later(store, tmp_path):
    clock = FixedClock(beijing(2026, 11, 25, 14, 5).astimezone(UTC))
    registered = registration(store, tmp_path, clock).register(a_complaint())
    assert store.get_case(registered.number).review_due_at == beijing(2026, 11, 26, 14, 5)


def test_a_case_received_in_a_year_without_data_is_provisional_on_the_case(store, tmp_path):
    clock = FixedClock(beijing(2027, 1, 2, 10, 0).astimezone(UTC))  # a Saturday; 2027 unknown
    registered = registration(store, tmp_path, clock).register(a_complaint())
    case = store.get_case(registered.number)
    assert case.deadlines_provisional
    assert case.review_due_at == beijing(2027, 1, 5, 9, 0)  # Monday 09:00 + 24 h, assumed


def test_acceptance_counts_15_working_days_across_the_national_day(store):
    clock = FixedClock(beijing(2025, 9, 26, 10, 0).astimezone(UTC))
    desk = StaffDesk(store, clock)
    desk.cases = StaffCases(store, clock, HandlingPolicy(), deadlines=DEADLINES)
    number = desk.case()
    desk.cases.accept(desk.member(Role.CLERK), number)
    case = store.get_case(number)
    assert case.decision_due_at == beijing(2025, 10, 23, 18, 0)
    assert case.next_due_at == clock.now()  # the sweep looks at once
    assert not case.deadlines_provisional


def test_acceptance_in_december_2026_runs_into_2027_and_is_provisional(store):
    clock = FixedClock(beijing(2026, 12, 21, 10, 0).astimezone(UTC))
    desk = StaffDesk(store, clock)
    desk.cases = StaffCases(store, clock, HandlingPolicy(), deadlines=DEADLINES)
    number = desk.case()
    view = desk.cases.accept(desk.member(Role.CLERK), number)
    case = store.get_case(number)
    assert case.decision_due_at == beijing(2027, 1, 11, 18, 0) and case.deadlines_provisional
    assert view.status == "accepted"


def test_a_reopened_case_is_reviewed_from_the_next_working_moment(store):
    clock = FixedClock(beijing(2026, 11, 28, 20, 30).astimezone(UTC))  # Saturday evening
    desk = StaffDesk(store, clock)
    desk.cases = StaffCases(store, clock, HandlingPolicy(), deadlines=DEADLINES)
    clerk = desk.member(Role.CLERK)
    number = desk.case()
    desk.cases.reject(clerk, number, reason="other", text="不属于受理范围")
    desk.cases.reopen(desk.supervisor(), number, reason="信息补充后重新审核")
    case = store.get_case(number)
    assert case.review_due_at == case.next_due_at == beijing(2026, 12, 1, 9, 0)


def test_the_bootstrap_counts_on_the_settings_working_hours_and_initial_review():
    assert build_deadlines(Settings()).policy.initial_review == timedelta(hours=24)
    later = build_deadlines(Settings(working_hours="10:00-19:00", initial_review=timedelta(hours=8)))
    assert later.policy.initial_review == timedelta(hours=8)
    assert later.initial_review(beijing(2026, 11, 27, 23, 0)).at == beijing(2026, 11, 30, 18, 0)


@pytest.mark.parametrize("received, due", [
    (beijing(2026, 2, 14, 18, 30), beijing(2026, 2, 25, 9, 0)),  # Spring Festival 2026
    (beijing(2025, 9, 30, 19, 0), beijing(2025, 10, 10, 9, 0)),  # National Day 2025
])
def test_the_receipt_and_the_stored_case_agree_over_the_holidays(store, tmp_path, received, due):
    clock = FixedClock(received.astimezone(UTC))
    registered = registration(store, tmp_path, clock).register(a_complaint(email="a@example.com"))
    assert registered.review_due_at == store.get_case(registered.number).review_due_at == due


def test_the_receipt_and_the_acknowledgment_say_a_provisional_deadline_may_change(
        settings, mailbox, sqlite_store):
    port, folder = mailbox
    clock = FixedClock(beijing(2027, 1, 2, 10, 0).astimezone(UTC))  # 2027: no data yet
    app = build_services(replace(settings, smtp_port=port), store=sqlite_store, clock=clock)
    registered = app.intake.submit(SubmitCase(
        kind="complaint", category="billing", subject="订单 1", description="重复扣费两次。",
        email="li.lei@example.com"))
    assert registered.review_due_provisional
    page = app.renderer.render("success.html", "zh-CN", registered=registered, status_url="u",
                               receipt_link="r")
    assert "最迟于 2027-01-05 09:00" in page and "暂按周一至周五工作日推算" in page
    app.delivery.deliver_due()
    [mail] = read_mailbox(folder)
    text = mail.get_body(("plain",)).get_content()
    assert "最迟于 2027-01-05 09:00" in text and "暂按周一至周五工作日推算" in text


def test_a_known_year_says_nothing_provisional(settings, mailbox, sqlite_store):
    port, folder = mailbox
    clock = FixedClock(beijing(2026, 11, 27, 23, 0).astimezone(UTC))
    app = build_services(replace(settings, smtp_port=port), store=sqlite_store, clock=clock)
    registered = app.intake.submit(SubmitCase(
        kind="complaint", category="billing", subject="订单 2", description="重复扣费两次。",
        email="li.lei@example.com"))
    app.delivery.deliver_due()
    [mail] = read_mailbox(folder)
    text = mail.get_body(("plain",)).get_content()
    assert "最迟于 2026-12-01 09:00" in text and "暂按" not in text
    assert not registered.review_due_provisional
