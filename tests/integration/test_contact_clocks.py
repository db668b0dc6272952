"""The first-contact and compensation clocks (R13) on both stores, in time-travel with the deadline
sweep: a complaint received on Friday at 17:00 must be contacted by Monday 12:00; staff are
reminded and told overdue once each, however often and however many sweeps run; an approved
reply or a recorded call meets it, the acknowledgment does not; an anonymous case has no such
clock; a compensation claim is decided within 10 working days of its materials."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.adapters.chinese_working_days import ChineseWorkingDays
from shared.adapters.clock import FixedClock
from shared.adapters.folder_attachments import FolderAttachmentStore
from shared.bootstrap import build_services
from shared.domain.cases import Channel, EventType, Kind, Status
from shared.domain.deadline_policy import Deadlines, load_deadline_policy
from shared.domain.errors import CommandRefused
from shared.domain.handling_policy import HandlingPolicy
from shared.domain.staff import Role
from shared.domain.sweep_rules import SweepPolicy
from shared.domain.working_time import WorkingCalendar
from shared.services.deadline_sweep import DeadlineSweep
from shared.services.registration import NewCase, Registration, RegistrationLimits
from shared.services.staff_cases import StaffCases
from tests.support.builders import a_decision_record
from tests.support.staff_desk import StaffDesk
from tests.support.timeline import events_of

BEIJING = ZoneInfo("Asia/Shanghai")
POLICY = load_deadline_policy()
DEADLINES = Deadlines(WorkingCalendar(ChineseWorkingDays()), POLICY)
SWEEP = SweepPolicy(0.2, first_contact_hours=POLICY.first_contact_working_hours)
FRIDAY_17 = datetime(2026, 11, 27, 17, 0, tzinfo=BEIJING)
MONDAY_12 = datetime(2026, 11, 30, 12, 0, tzinfo=BEIJING)


def beijing(*parts) -> datetime:
    return datetime(*parts, tzinfo=BEIJING)


class Desk(StaffDesk):
    """Staff, registration and the sweep on one store and one clock that tests move."""

    def __init__(self, store, tmp_path, at: datetime):
        super().__init__(store, FixedClock(at.astimezone(UTC)))
        self.cases = StaffCases(store, self.clock, HandlingPolicy(), deadlines=DEADLINES)
        self.registration = Registration(
            store, FolderAttachmentStore(tmp_path / "files"), self.clock, RegistrationLimits(),
            timedelta(hours=24), "Asia/Shanghai", calendar=DEADLINES.calendar,
            first_contact_hours=POLICY.first_contact_working_hours)
        self.bosses = sorted(self.member(Role.SUPERVISOR).member.id for _ in range(2))

    def at(self, moment: datetime) -> Desk:
        self.clock.advance(moment.astimezone(UTC) - self.clock.now())
        return self

    def register(self, **overrides) -> str:
        fields = dict(kind=Kind.COMPLAINT, channel=Channel.WEB_FORM, category="service",
                      subject="退款没有到账", description="申请退款十天了还没有到账。",
                      name="王小明", email="wangxm@qq.com", phone="13812345678")
        fields.update(overrides)
        return self.registration.register(NewCase(**fields)).number

    def sweep(self, moment: datetime, store=None):
        return DeadlineSweep(store or self.store, FixedClock(moment.astimezone(UTC)),
                             SWEEP).run(60)

    def staff_notices(self, number: str) -> list[tuple[str, str, str]]:
        """(template, deadline, staff id) of every deadline notice to staff queued on the case
        (not R9's notices of a case raised to hot or major: `test_major_cases.py`)."""
        found = []
        for event in events_of(self.store, number):
            if event.type == EventType.NOTICE_QUEUED and event.data["template"] in (
                    "staff_reminder", "staff_overdue"):
                message = self.store.get_outbox(event.data["outbox_id"])
                found.append((message.template.value, message.details["deadline"],
                              message.details["staff"]))
        return found


@pytest.fixture
def desk(store, tmp_path):
    return Desk(store, tmp_path, FRIDAY_17)


def test_a_friday_evening_complaint_is_reminded_and_overdue_on_monday_once_each(desk):
    number = desk.register()
    case = desk.store.get_case(number)
    assert case.first_contact_due_at == MONDAY_12 and case.first_contacted_at is None
    saturday_17 = beijing(2026, 11, 28, 17, 0)
    assert case.review_due_at == case.next_due_at == saturday_17  # 24 h, before the contact's
    accepted = beijing(2026, 11, 27, 17, 30)
    desk.at(accepted).cases.accept(desk.member(Role.CLERK), number)
    # Accepting has the sweep look at once, which places the first contact's reminder:
    assert desk.store.get_case(number).next_due_at == accepted
    assert desk.sweep(accepted).actions == {"staff_notices": 0}
    assert desk.store.get_case(number).next_due_at == beijing(2026, 11, 30, 11, 12)
    for moment in [beijing(2026, 11, 30, 11, 12)] * 2 + [MONDAY_12] * 2:
        desk.sweep(moment)
    assert desk.staff_notices(number) == [
        ("staff_reminder", "first_contact", boss) for boss in desk.bosses] + [
        ("staff_overdue", "first_contact", boss) for boss in desk.bosses]
    view = desk.cases.view(desk.supervisor(), number)
    assert view.overdue and view.first_contact["overdue"] and not view.first_contact["met"]
    assert view.first_contact["due_at"] == "2026-11-30T04:00:00.000Z"
    assert (view.overdue_deadline, view.overdue_since) == ("first_contact", view.first_contact[
        "due_at"])  # and in the overdue queue


def test_two_sweeps_racing_tell_the_first_contact_overdue_once(desk):
    numbers = [desk.register() for _ in range(3)]
    other = desk.at(MONDAY_12)

    class Racing:
        def __getattr__(self, name):
            return getattr(desk.store, name)

        def due_cases(self, now, limit):
            page = desk.store.due_cases(now, limit)
            DeadlineSweep(desk.store, FixedClock(now), SWEEP).run(60)
            return page

    first = other.sweep(MONDAY_12, store=Racing())
    for number in numbers:
        told = [n for n in desk.staff_notices(number) if n[1] == "first_contact"]
        assert told == [("staff_overdue", "first_contact", boss) for boss in desk.bosses]
    assert first.actions.get("overdue", 0) == 0  # the other sweep did it all


def test_an_approved_reply_is_the_first_contact_the_acknowledgment_and_a_draft_are_not(desk):
    number = desk.register()
    assert [e.data["template"] for e in desk.events(number, EventType.NOTICE_QUEUED)] == [
        "acknowledgment"]
    handler = desk.member(Role.HANDLER)
    desk.cases.accept(desk.member(Role.CLERK), number)
    desk.cases.assign(desk.supervisor(), number, assignee=handler.member.id)
    desk.at(beijing(2026, 11, 30, 9, 30))
    view = desk.cases.message_reporter(handler, number, "您好，我们已收到您的投诉，正在核实退款。")
    assert view.replies_waiting and view.first_contact["met"] is False  # waiting for approval
    approved_at = beijing(2026, 11, 30, 10, 0)
    view = desk.at(approved_at).cases.approve_reply(desk.supervisor(), number,
                                                    view.replies_waiting[0]["id"])
    assert view.first_contact["met"] and view.first_contact["met_at"] == "2026-11-30T02:00:00.000Z"
    assert not view.first_contact["late"]
    assert desk.store.get_case(number).first_contacted_at == approved_at
    desk.sweep(MONDAY_12)
    desk.sweep(MONDAY_12 + timedelta(days=1))
    assert [n for n in desk.staff_notices(number) if n[1] == "first_contact"] == []


def test_a_recorded_call_meets_it_when_made_and_only_staff_see_the_record(desk):
    number = desk.register()
    clerk = desk.member(Role.CLERK)
    desk.cases.accept(clerk, number)
    desk.sweep(MONDAY_12)  # overdue: told
    assert desk.cases.view(clerk, number).overdue
    called = beijing(2026, 11, 30, 13, 15)
    view = desk.at(called + timedelta(minutes=20)).cases.record_contact(
        clerk, number, channel="phone", at="2026-11-30T13:15:00",
        summary="已电话解释退款进度，对方表示理解。")
    clock = view.first_contact
    assert (clock["met"], clock["late"], clock["overdue"]) == (True, True, False)
    assert clock["met_at"] == "2026-11-30T05:15:00.000Z" and not view.overdue
    [event] = desk.events(number, EventType.CONTACT_RECORDED)
    assert (event.actor, event.public, event.data["channel"]) == (
        clerk.actor, False, "phone")
    assert event.data["contacted_at"] == called.astimezone(UTC).isoformat()


def test_an_anonymous_complaint_a_report_and_one_without_a_contact_have_no_clock(desk):
    anonymous = desk.register(anonymous=True, name="", phone="")
    report = desk.register(kind=Kind.REPORT, category="fraud")
    nobody = desk.register(name="王小明", email="", phone="")
    phone_only = desk.register(email="")
    for number in (anonymous, report, nobody):
        case = desk.store.get_case(number)
        assert case.first_contact_due_at is None and case.next_due_at == case.review_due_at
        assert desk.cases.view(desk.supervisor(), number).first_contact is None
    assert desk.store.get_case(phone_only).first_contact_due_at == MONDAY_12
    desk.sweep(MONDAY_12)
    for number in (anonymous, report, nobody):
        assert [n for n in desk.staff_notices(number) if n[1] == "first_contact"] == []


def test_a_complaint_over_the_spring_festival_is_due_after_the_holiday(store, tmp_path):
    desk = Desk(store, tmp_path, beijing(2026, 2, 14, 17, 0))  # a make-up working Saturday
    number = desk.register()
    assert desk.store.get_case(number).first_contact_due_at == beijing(2026, 2, 24, 12, 0)


def test_the_compensation_clock_runs_from_the_materials_and_is_met_by_the_approval(desk):
    handler = desk.member(Role.HANDLER)
    number = desk.assigned_to(handler, kind=Kind.COMPLAINT)
    monday = beijing(2026, 11, 30, 10, 0)
    view = desk.at(monday).cases.record_materials_complete(handler, number, "发票和照片已收齐")
    due = beijing(2026, 12, 14, 18, 0)  # 10 working days after Monday 30 November
    case = desk.store.get_case(number)
    assert (case.materials_complete_at, case.compensation_due_at) == (monday, due)
    assert view.compensation["due_at"] == "2026-12-14T10:00:00.000Z"
    assert case.next_due_at <= monday  # the sweep places its reminder at its next look
    with pytest.raises(CommandRefused) as refused:
        desk.cases.record_materials_complete(handler, number, "再次登记")
    assert refused.value.code == "compensation_clock_running"
    remind_at = due - (due - monday) * 0.2
    for moment in (monday, remind_at, remind_at, due, due):
        desk.sweep(moment)
    bosses = [("staff_overdue", "compensation", boss) for boss in desk.bosses]
    assert desk.staff_notices(number) == [
        ("staff_reminder", "compensation", handler.member.id),
        ("staff_overdue", "compensation", handler.member.id)] + bosses
    # Two weeks unresolved made it hot (R8): its closure needs a short report (R9).
    desk.at(due + timedelta(hours=1)).cases.draft_decision(handler, number, **a_decision_record(
        compensation_fen=20_000, closure_report={"summary": "补偿已批准，材料齐全后按期处理"}))
    view = desk.cases.approve_decision(desk.supervisor(), number)
    assert view.compensation["met"] and view.compensation["late"]
    assert desk.store.get_case(number).compensation_met_at == due + timedelta(hours=1)


def test_a_case_is_not_a_compensation_case_until_its_materials_are_recorded(desk):
    handler = desk.member(Role.HANDLER)
    number = desk.assigned_to(handler)
    desk.cases.draft_decision(handler, number, **a_decision_record(compensation_fen=20_000))
    assert desk.cases.view(handler, number).compensation is None
    assert desk.store.get_case(number).status == Status.DECISION_DRAFTED


class Outgoing:
    """A transport that keeps what it is given."""

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)
        return [message["Message-ID"]]


@pytest.mark.parametrize("language, words", [
    ("zh-CN", ["首次联系投诉人（解释及安抚）", "2026-11-30 12:00"]),
    ("en", ["first contact with the complainant", "2026-11-30 12:00"])])
def test_the_staff_notice_says_which_deadline_in_the_staff_language(desk, settings, language,
                                                                    words):
    number = desk.register(name="欧阳翠花")
    desk.cases.accept(desk.member(Role.CLERK), number)
    DeadlineSweep(desk.store, FixedClock(MONDAY_12.astimezone(UTC)), SWEEP,
                  staff_language=language).run(60)
    transport = Outgoing()
    app = build_services(settings, store=desk.store, clock=FixedClock(MONDAY_12), transport=transport)
    app.delivery.deliver_due()
    told = [mail for mail in transport.sent if mail["To"] != "wangxm@qq.com"]  # staff's
    assert len(told) == len(desk.bosses)
    body = told[0].get_body(("plain",)).get_content()
    assert all(word in body for word in words) and "欧阳翠花" not in body
