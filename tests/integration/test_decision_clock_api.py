"""The decision clock through the staff API on both stores (R13, 知情权): waiting for the
reporter pauses it and their answer moves the deadline by the working time waited; a leader
extends it once; each change is told to the reporter once, in their language, by a real mail;
the sweep reminds no one while it stands still and reminds against the new deadline after."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shared.adapters.clock import FixedClock
from shared.domain.cases import EventType, Status
from shared.domain.outbox import Template
from shared.domain.staff import Role
from shared.services.case_views import iso
from tests.support import staff_api as fixtures
from tests.support.builders import a_decision_record
from tests.support.mailbox import read_mailbox
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk
from tests.support.timeline import events_of

staff_api = fixtures.staff_api  # the fixture
BEIJING = ZoneInfo("Asia/Shanghai")
REASON = "需要调取第三方物流公司的签收记录"


def beijing(*parts) -> datetime:
    return datetime(*parts, tzinfo=BEIJING)


class Office:
    """The staff API on a clock the test moves, with a desk on the same store and members whose
    sessions are made afresh at each moment."""

    def __init__(self, api, start: datetime):
        self.clock = FixedClock(start)
        api.app.__dict__["clock"] = self.clock  # before any service is built on the real one
        self.api, self.desk = api, StaffDesk(api.store, self.clock)
        self.members = {}

    def at(self, moment: datetime) -> None:
        self.clock.advance(moment - self.clock.now())

    def member(self, name: str, *roles: Role):
        if name not in self.members:
            self.members[name] = self.api.member(*roles, department="运营部")[0]
        return self.members[name]

    def post(self, name: str, path: str, **body):
        return self.api.post(path, self.api.session(self.members[name]), json=body)

    def case(self, due: datetime, **fields) -> str:
        handler = self.member("handler", Role.HANDLER)
        return self.desk.case(Status.IN_PROGRESS, assignee=handler.id, department="运营部",
                              decision_due_at=due, next_due_at=due, **fields)

    def view(self, number: str) -> dict:
        return json_of(self.api.get(f"/cases/{number}", self.api.session(self.members["handler"])))


@pytest.fixture
def office(staff_api):
    return Office(staff_api, beijing(2025, 11, 14, 17, 0))  # a Friday, an hour before closing


def deadline_mails(folder) -> list:
    """The decision deadline change notices in the mailbox (the other mails are the desk's)."""
    return [m for m in read_mailbox(folder)
            if "期限已变更" in m["Subject"] or "New deadline" in m["Subject"]]


def text_of(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def test_waiting_over_a_weekend_moves_the_deadline_by_two_working_hours_told_once(
        office, mailbox):
    _, folder = mailbox
    office.member("boss", Role.SUPERVISOR)
    number = office.case(due=beijing(2025, 11, 19, 18))
    asked = office.post("boss", f"/cases/{number}/messages", text="请提供订单截图",
                        request_information=True)
    assert asked.status_code == 200, asked.get_data(as_text=True)
    assert json_of(asked)["decision_paused_at"] == "2025-11-14T09:00:00.000Z"
    office.at(beijing(2025, 11, 17, 10))  # Monday 10:00: an hour on Friday, an hour today
    answered = office.post("handler", f"/cases/{number}/reporter-answers", text="截图已电话告知")
    assert answered.status_code == 200, answered.get_data(as_text=True)
    shown = office.view(number)
    assert shown["decision_due_at"] == "2025-11-20T03:00:00.000Z"  # Thursday 11:00 in Beijing
    assert shown["decision_paused_at"] is None and shown["status"] == "in_progress"
    moved = [e for e in events_of(office.api.store, number)
             if e.type == EventType.DECISION_DEADLINE_MOVED]
    assert len(moved) == 1 and moved[0].data["paused_minutes"] == 120 and not moved[0].public
    office.api.app.delivery.deliver_due()
    [mail] = deadline_mails(folder)
    assert mail["Subject"] == f"[{number}] 您的投诉处理期限已变更"
    assert "原处理期限：2025-11-19 18:00" in text_of(mail)
    assert "我们将在 2025-11-20 11:00 前作出处理决定" in text_of(mail)
    assert "等待您答复的时间不计入处理期限" in text_of(mail)


def test_a_leader_extends_once_and_the_reporter_is_told_the_new_date_and_why(office, mailbox):
    office.at(beijing(2025, 9, 24, 10))  # two days before the deadline
    _, folder = mailbox
    office.member("leader", Role.LEADER)
    office.member("boss", Role.SUPERVISOR)
    number = office.case(due=beijing(2025, 9, 26, 18))
    path = f"/cases/{number}/decision-deadline/extension"
    assert "request_extension" in office.view(number)["allowed_actions"]
    asked = office.post("handler", path, working_days=3, reason=REASON)
    assert asked.status_code == 200, asked.get_data(as_text=True)
    assert json_of(asked)["extension"]["state"] == "requested"
    assert "request_extension" not in json_of(asked)["allowed_actions"]  # one waits
    assert "approve_extension" not in json_of(asked)["allowed_actions"]
    # Not a leader: the role table refuses before anything is read.
    assert error_of(office.post("boss", f"{path}/approve")) == (403, "forbidden")
    approved = office.post("leader", f"{path}/approve")
    assert approved.status_code == 200, approved.get_data(as_text=True)
    # Friday 26 Sep + 3 working days: Sunday 28 (调休), Monday 29, Tuesday 30, to the close
    assert json_of(approved)["decision_due_at"] == "2025-09-30T10:00:00.000Z"
    assert json_of(approved)["next_due_at"] == iso(office.clock.now())  # looked at at once
    assert error_of(office.post("leader", f"{path}/approve")) == (409, "no_extension_requested")
    assert error_of(office.post("handler", path, working_days=2, reason="再延长")) == (
        409, "extension_used")
    assert "request_extension" not in office.view(number)["allowed_actions"]
    approval = [e for e in events_of(office.api.store, number)
                if e.type == EventType.EXTENSION_APPROVED]
    assert [(e.actor, e.text) for e in approval] == [
        (f"staff:{office.members['leader'].id}", REASON)]
    office.api.app.delivery.deliver_due()
    [mail] = deadline_mails(folder)  # once, however many times it was asked
    body = text_of(mail)
    assert "延长 3 个工作日" in body and REASON in body
    assert "原处理期限：2025-09-26 18:00" in body and "2025-09-30 18:00" in body


def test_the_english_notice_says_the_same_in_english(office, mailbox):
    office.at(beijing(2025, 9, 24, 10))  # two days before the deadline
    _, folder = mailbox
    office.member("leader", Role.LEADER)
    number = office.case(due=beijing(2025, 9, 26, 18), language="en")
    path = f"/cases/{number}/decision-deadline/extension"
    office.post("handler", path, working_days=3, reason="We need the courier's delivery record")
    assert office.post("leader", f"{path}/approve").status_code == 200
    office.api.app.delivery.deliver_due()
    [mail] = deadline_mails(folder)
    assert mail["Subject"] == f"[{number}] New deadline to decide your complaint"
    body = text_of(mail)
    assert "extended by 3 working days" in body and "We need the courier's delivery record" in body
    assert "Previous deadline: 2025-09-26 18:00" in body
    assert "We will decide by 2025-09-30 18:00" in body


def test_refusals_of_an_extension_change_nothing(office):
    both = office.member("both", Role.SUPERVISOR, Role.LEADER)
    office.member("leader", Role.LEADER)
    office.member("clerk", Role.CLERK)
    number = office.case(due=beijing(2025, 9, 26, 18))
    path = f"/cases/{number}/decision-deadline/extension"
    assert error_of(office.post("clerk", path, working_days=3, reason=REASON)) == (
        403, "forbidden")
    bad = office.post("handler", path, working_days=0, reason=REASON)
    assert bad.status_code == 422 and json_of(bad)["fields"]["working_days"]["code"] == "invalid"
    assert json_of(bad)["fields"]["working_days"]["message"]
    assert office.post("handler", path, working_days="3", reason=REASON).status_code == 422
    assert office.post("handler", path, working_days=3).status_code == 422
    assert error_of(office.post("leader", f"{path}/approve")) == (409, "no_extension_requested")
    asked = office.post("both", path, working_days=3, reason=REASON)
    assert asked.status_code == 200, asked.get_data(as_text=True)
    assert error_of(office.post("both", f"{path}/approve")) == (409, "own_request")
    assert error_of(office.post("handler", path, working_days=3, reason=REASON)) == (
        409, "extension_pending")
    refused = office.post("leader", f"{path}/refuse", reason="理由不充分")
    assert refused.status_code == 200 and json_of(refused)["extension"]["state"] == "refused"
    case = office.api.store.get_case(number)
    assert case.decision_due_at == beijing(2025, 9, 26, 18)
    assert case.extension["requested_by"] == both.id and case.extension["state"] == "refused"
    assert not [e for e in events_of(office.api.store, number)
                if e.type == EventType.NOTICE_QUEUED]


def test_no_extension_once_the_decision_is_approved(office):
    office.member("leader", Role.LEADER)
    handler = office.member("handler", Role.HANDLER)
    number = office.desk.case(Status.DECISION_APPROVED, assignee=handler.id, department="运营部",
                              decision_due_at=beijing(2025, 9, 26, 18),
                              decision={"record": a_decision_record(), "approved_by": "x"})
    assert error_of(office.post("handler", f"/cases/{number}/decision-deadline/extension",
                                working_days=3, reason=REASON)) == (409, "transition_not_allowed")


def test_the_sweep_reminds_no_one_while_paused_and_after_the_answer_against_the_new_deadline(
        office):
    office.member("boss", Role.SUPERVISOR)
    received = beijing(2025, 11, 10, 10)
    number = office.desk.case(Status.IN_PROGRESS, assignee=office.member(
        "handler", Role.HANDLER).id, department="运营部", received_at=received,
        decision_due_at=beijing(2025, 11, 19, 18), next_due_at=beijing(2025, 11, 14, 17))
    office.post("boss", f"/cases/{number}/messages", text="请提供订单截图",
                request_information=True)
    sweep = office.api.app.deadline_sweep
    office.at(beijing(2025, 11, 19, 17))  # past the old reminder, an hour before the old deadline
    sweep.run(60)
    assert reminders(office, number) == []
    office.at(beijing(2025, 11, 20, 10))  # past the old deadline
    sweep.run(60)
    assert reminders(office, number) == [] and not office.view(number)["overdue"]
    office.post("handler", f"/cases/{number}/reporter-answers", text="已电话告知")
    # Waited Friday 14 Nov 17:00 → Thursday 20 Nov 10:00: 1 + 9 × 3 + 1 = 29 working hours,
    # added on from Wednesday 19 Nov 18:00: Thursday, Friday, Monday (27), Tuesday 25 Nov 11:00
    case = office.api.store.get_case(number)
    assert case.decision_due_at == beijing(2025, 11, 25, 11)
    sweep.run(60)  # looked at when answered: the new deadline's reminder is not due yet
    assert reminders(office, number) == []
    office.at(beijing(2025, 11, 24, 10))  # a fifth of receipt → new deadline left
    sweep.run(60)
    sweep.run(60)
    assert reminders(office, number) == [
        ("staff_reminder", case.decision_due_at.isoformat())]
    office.at(case.decision_due_at)
    sweep.run(60)
    # The old deadline told no one: every notice names the new one.
    assert {due for _, due in notices(office, number)} == {case.decision_due_at.isoformat()}
    assert "staff_overdue" in [template for template, _ in notices(office, number)]


def notices(office, number) -> list[tuple[str, str]]:
    found = []
    for event in events_of(office.api.store, number):
        if event.type == EventType.NOTICE_QUEUED:
            message = office.api.store.get_outbox(event.data["outbox_id"])
            if message.template in (Template.STAFF_REMINDER, Template.STAFF_OVERDUE):
                found.append((message.template.value, message.details.get("due_at", "")))
    return found


def reminders(office, number) -> list[tuple[str, str]]:
    return [n for n in notices(office, number) if n[0] == "staff_reminder"]


def error_of(answer) -> tuple[int, str]:
    return answer.status_code, json_of(answer)["error"]


def test_a_leader_decides_a_confidential_cases_extension_on_the_request_alone(office):
    office.at(beijing(2025, 9, 24, 10))  # two days before the deadline
    leader = office.member("leader", Role.LEADER)
    number = office.case(due=beijing(2025, 9, 26, 18), confidential=True)
    path = f"/cases/{number}/decision-deadline/extension"
    assert office.post("handler", path, working_days=3, reason=REASON).status_code == 200
    token = office.api.session(leader)
    # The case stays closed to the leader (need-to-know); the request is what they decide on.
    assert error_of(office.api.get(f"/cases/{number}", token))[0] == 403
    request = json_of(office.api.get(path, token))
    assert request["extension"]["reason"] == REASON and request["extension"]["working_days"] == 3
    assert request["decision_due_at"] == "2025-09-26T10:00:00.000Z"
    assert request["allowed_actions"] == ["approve_extension", "refuse_extension"]
    subject = office.api.store.get_case(number).subject
    for answer in (request, json_of(office.post("leader", f"{path}/approve"))):
        assert not {"subject", "description", "reporter", "attachments"} & set(answer)
        assert subject not in str(answer)
    case = office.api.store.get_case(number)
    assert case.decision_due_at == beijing(2025, 9, 30, 18) and case.extension["state"] == "approved"
    reads = [e for e in events_of(office.api.store, number)
             if e.type == EventType.CONFIDENTIAL_CASE_READ]
    assert [(e.actor, e.data["read"]) for e in reads] == [(f"staff:{leader.id}", "extension")]
    # Other roles still go through the case: a handler of another department reads nothing.
    stranger = office.member("stranger", Role.HANDLER)
    assert error_of(office.api.get(path, office.api.session(stranger)))[0] == 403


def test_an_extension_approved_after_the_deadline_runs_from_the_approval(office, mailbox):
    _, folder = mailbox
    office.member("leader", Role.LEADER)
    office.at(beijing(2025, 11, 12, 10))  # Wednesday; the deadline is Thursday 18:00
    number = office.case(due=beijing(2025, 11, 13, 18))
    path = f"/cases/{number}/decision-deadline/extension"
    assert office.post("handler", path, working_days=2, reason=REASON).status_code == 200
    office.at(beijing(2025, 11, 18, 10))  # the leader approves on the next Tuesday
    approved = json_of(office.post("leader", f"{path}/approve"))
    # Two working days from Tuesday, not from last Thursday (which would be Monday, gone):
    assert approved["decision_due_at"] == "2025-11-20T10:00:00.000Z"
    office.api.app.delivery.deliver_due()
    [mail] = deadline_mails(folder)
    assert "2025-11-20 18:00" in text_of(mail) and "原处理期限：2025-11-13 18:00" in text_of(mail)
