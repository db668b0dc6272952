"""The first-contact and compensation clocks' rules (R13), without I/O: when they are due on
China's calendar, which cases have them, what meets them, and what the sweep acts on."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.adapters.chinese_working_days import ChineseWorkingDays
from shared.domain.cases import Kind, ReporterIdentity, Status, staff_actor
from shared.domain.commands import AcceptCase
from shared.domain.contact_clocks import (
    RecordContact,
    RecordMaterialsComplete,
    first_contact_applies,
    notice_queued,
)
from shared.domain.deadline_policy import load_deadline_policy
from shared.domain.decision_commands import ApproveDecision
from shared.domain.lifecycle import apply
from shared.domain.outbox import Template
from shared.domain.sweep_rules import Step, SweepPolicy, next_look, plan
from shared.domain.working_time import WorkingCalendar, WorkingHours, add_working_hours
from tests.support.builders import a_case, a_decision_record

BEIJING = ZoneInfo("Asia/Shanghai")
POLICY = load_deadline_policy()
CHINA = WorkingCalendar(ChineseWorkingDays(), WorkingHours.parse("09:00-18:00"))
SWEEP = SweepPolicy(0.2, first_contact_hours=POLICY.first_contact_working_hours)
CLERK = staff_actor("zhang.wei")


def beijing(*parts) -> datetime:
    return datetime(*parts, tzinfo=BEIJING)


def first_contact_due(received: datetime) -> datetime:
    return add_working_hours(CHINA, received, POLICY.first_contact_working_hours).at


@pytest.mark.parametrize("received, due", [
    (beijing(2026, 11, 27, 17, 0), beijing(2026, 11, 30, 12, 0)),  # Friday 17:00 → Monday 12:00
    (beijing(2026, 11, 27, 23, 0), beijing(2026, 11, 30, 13, 0)),  # Friday night: from Monday
    (beijing(2026, 11, 25, 10, 0), beijing(2026, 11, 25, 14, 0)),  # in working hours
    (beijing(2026, 2, 13, 17, 0), beijing(2026, 2, 14, 12, 0)),  # Saturday 14 Feb is worked (调休)
    (beijing(2026, 2, 14, 17, 0), beijing(2026, 2, 24, 12, 0)),  # then the Spring Festival
])
def test_the_first_contact_is_due_four_working_hours_after_receipt(received, due):
    assert POLICY.first_contact_working_hours == 4
    assert first_contact_due(received) == due


@pytest.mark.parametrize("kind, anonymous, email, phone, applies", [
    (Kind.COMPLAINT, False, "a@qq.com", "", True),
    (Kind.COMPLAINT, False, "", "13812345678", True),
    (Kind.COMPLAINT, False, " ", "", False),  # nobody to contact
    (Kind.COMPLAINT, True, "a@qq.com", "", False),  # anonymous: no first-contact clock
    (Kind.REPORT, False, "a@qq.com", "13812345678", False),  # reports: no such policy
])
def test_only_a_complaint_from_someone_who_may_be_reached_gets_the_clock(kind, anonymous, email,
                                                                         phone, applies):
    identity = ReporterIdentity("n", "王小明", email, phone)
    assert first_contact_applies(kind, anonymous, identity) is applies


def a_complaint(**fields):
    received = beijing(2026, 11, 27, 17, 0)
    due = beijing(2026, 11, 30, 12, 0)
    return a_case("TS-20261127-ABCDEF-0", received, first_contact_due_at=due, **fields)


def test_the_sweep_reminds_48_minutes_before_and_tells_overdue_at_the_deadline():
    case = a_complaint(status=Status.ACCEPTED)
    due = case.first_contact_due_at
    remind = plan(case, due - timedelta(minutes=48), SWEEP)
    assert [(d.step, d.deadline, d.deadline_at) for d in remind.acts] == [
        (Step.REMINDER, "first_contact", due)]
    assert remind.claims == [f"reminder:first_contact:{due.astimezone(UTC).isoformat()}"]
    late = plan(case, due, SWEEP)  # first seen late: the overdue notice, the reminder claimed
    assert [d.step for d in late.acts] == [Step.OVERDUE]
    assert set(late.claims) == {f"reminder:first_contact:{due.astimezone(UTC).isoformat()}",
                                f"overdue:first_contact:{due.astimezone(UTC).isoformat()}"}


def test_a_met_clock_is_not_swept():
    case = a_complaint(status=Status.ACCEPTED, first_contacted_at=beijing(2026, 11, 30, 9, 5))
    due = case.first_contact_due_at
    assert plan(case, due + timedelta(days=1), SWEEP).acts == []
    assert next_look(case, due - timedelta(hours=1), SWEEP) == case.received_at + timedelta(days=7)


def test_a_staff_notice_meets_the_first_contact_and_the_acknowledgment_does_not():
    case = a_complaint()
    for template in (Template.ACKNOWLEDGMENT, Template.CASE_ACCEPTED, Template.CASE_ASSIGNED):
        notice_queued(case, template, beijing(2026, 11, 30, 9, 0))
    assert case.first_contacted_at is None
    notice_queued(case, Template.HANDLER_MESSAGE, beijing(2026, 11, 30, 9, 30))
    notice_queued(case, Template.INFORMATION_REQUESTED, beijing(2026, 11, 30, 9, 45))
    assert case.first_contacted_at == beijing(2026, 11, 30, 9, 30)  # the first one


def test_a_recorded_contact_keeps_the_earliest_and_needs_its_time():
    case = a_complaint(first_contacted_at=beijing(2026, 11, 30, 10, 0))
    apply(case, RecordContact(CLERK, "电话解释", at=beijing(2026, 11, 30, 9, 0)),
          beijing(2026, 11, 30, 11, 0))
    assert case.first_contacted_at == beijing(2026, 11, 30, 9, 0)
    assert RecordContact(CLERK, "电话解释").refusal()


def test_accepting_keeps_the_sweeps_look_for_the_first_contact():
    case = a_complaint()
    case.next_due_at = beijing(2026, 11, 28, 17, 0)  # the review, before the contact's reminder
    apply(case, AcceptCase(CLERK, decide_within=timedelta(days=21)), beijing(2026, 11, 27, 18))
    assert case.next_due_at == beijing(2026, 11, 27, 18)  # the sweep looks at once


def test_materials_complete_start_the_compensation_clock_and_the_approval_meets_it():
    now = beijing(2026, 11, 30, 10, 0)
    due = beijing(2026, 12, 14, 18, 0)
    case = a_case("TS-20261127-ABCDEF-0", beijing(2026, 11, 27, 17, 0),
                  status=Status.IN_PROGRESS, next_due_at=beijing(2026, 12, 4, 17, 0))
    apply(case, RecordMaterialsComplete(CLERK, "发票已收齐", due=due, at=now), now)
    assert (case.materials_complete_at, case.compensation_due_at) == (now, due)
    assert case.next_due_at == now  # the sweep places the reminder by its own setting
    reminded = plan(case, due - (due - now) * 0.2, SWEEP).acts
    assert [(d.step, d.deadline_at) for d in reminded if d.deadline == "compensation"] == [
        (Step.REMINDER, due)]
    again = RecordMaterialsComplete(CLERK, "再次", due=due, at=now)
    assert again.refusal_on(case)[0] == "compensation_clock_running"
    case.status = Status.DECISION_DRAFTED
    case.decision = {"record": a_decision_record(), "drafted_by": "li.na"}
    apply(case, ApproveDecision(staff_actor("chen.jing")), due + timedelta(hours=1))
    assert case.compensation_met_at == due + timedelta(hours=1)
    after = plan(case, due + timedelta(days=1), SWEEP).acts
    assert [d for d in after if d.deadline == "compensation"] == []  # met: nothing told


def test_the_sweep_policy_refuses_a_first_contact_of_no_length():
    with pytest.raises(ValueError):
        SweepPolicy(0.2, first_contact_hours=0)
