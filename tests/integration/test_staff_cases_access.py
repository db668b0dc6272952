"""Need-to-know on top of the role table (both stores): who sees which case, confidential cases
and the record of every read, the masked reporter and the audited reveal (R20), recusal (R23),
what a member may do now, and the auditors' chain check."""
from __future__ import annotations

import json

import pytest

from shared.domain.cases import EventType, Status
from shared.domain.errors import CommandRefused, InvalidCommand
from shared.domain.permissions import Action, Forbidden
from shared.domain.staff import Role
from tests.support.staff_desk import CLIENT, StaffDesk
from tests.support.tampering import alter_event


@pytest.fixture
def desk(store, clock):
    return StaffDesk(store, clock)


def forbidden_unchanged(desk, number, call) -> Forbidden:
    before = desk.snapshot(number)
    with pytest.raises(Forbidden) as refused:
        call()
    assert desk.snapshot(number) == before
    return refused.value


def test_a_handler_sees_their_cases_and_their_departments_and_no_others(desk):
    handler = desk.member(department="运营部")
    mine = desk.assigned_to(handler)
    departments = desk.case(Status.ASSIGNED, department="运营部")
    elsewhere = desk.case(Status.ASSIGNED, department="技术部")
    unassigned = desk.case(Status.RECEIVED)
    assert desk.cases.view(handler, mine).number == mine
    assert desk.cases.view(handler, departments).number == departments
    for number in (elsewhere, unassigned):
        refused = forbidden_unchanged(desk, number, lambda: desk.cases.view(handler, number))
        assert refused.action == Action.READ_CASE
        forbidden_unchanged(desk, number, lambda: desk.cases.add_note(handler, number, "x"))
    # Assignee-only actions: not on a case of the department that is someone else's.
    forbidden_unchanged(desk, departments, lambda: desk.cases.message_reporter(
        handler, departments, "您好"))
    forbidden_unchanged(desk, departments, lambda: desk.cases.reveal_identity(
        handler, departments, "联系"))
    desk.cases.add_note(handler, departments, "同部门可以备注")  # but a note is fine


def test_nobody_sees_a_case_about_their_own_conduct_not_even_a_supervisor(desk):
    supervisor = desk.member(Role.SUPERVISOR, Role.AUDITOR)
    number = desk.case(Status.ACCEPTED, about_staff=supervisor.member.id)
    for call in (lambda: desk.cases.view(supervisor, number),
                 lambda: desk.cases.timeline(supervisor, number),
                 lambda: desk.cases.audit(supervisor, number),
                 lambda: desk.cases.add_note(supervisor, number, "x")):
        forbidden_unchanged(desk, number, call)


def test_a_confidential_case_is_seen_by_its_handler_supervisors_and_auditors_and_each_read_is_recorded(
        desk):
    handler = desk.member(department="运营部")
    number = desk.assigned_to(handler, confidential=True)
    for role in (Role.CLERK, Role.LEADER):
        refused = forbidden_unchanged(desk, number,
                                      lambda: desk.cases.view(desk.member(role), number))
        assert refused.action == Action.READ_CONFIDENTIAL_CASE
    colleague = desk.member(department="运营部")  # same department, not its handler
    forbidden_unchanged(desk, number, lambda: desk.cases.timeline(colleague, number))

    readers = [handler, desk.member(Role.SUPERVISOR), desk.member(Role.AUDITOR)]
    for reader in readers:
        assert desk.cases.view(reader, number).confidential
    auditor = readers[-1]
    entries = desk.cases.timeline(auditor, number)
    reads = desk.events(number, EventType.CONFIDENTIAL_CASE_READ)
    assert [(e.actor, e.data["read"], e.data["from"]) for e in reads] == [
        *[(r.actor, "view", CLIENT) for r in readers], (auditor.actor, "timeline", CLIENT)]
    assert not any(e.public for e in reads)
    assert entries[-1]["type"] == "confidential_case_read"  # the read itself is on it


def test_marking_a_case_confidential_is_the_handlers_and_locks_others_out(desk):
    handler, clerk = desk.member(), desk.member(Role.CLERK)
    number = desk.assigned_to(handler)
    desk.cases.view(clerk, number)
    view = desk.cases.set_confidential(handler, number, True, "举报人要求保密")
    assert view.confidential
    [event] = desk.events(number, EventType.CONFIDENTIALITY_SET)
    assert (event.data["confidential_from"], event.data["confidential_to"], event.text) == \
        (False, True, "举报人要求保密")
    forbidden_unchanged(desk, number, lambda: desk.cases.view(clerk, number))
    desk.cases.set_confidential(handler, number, True, "again")  # unchanged: no event
    assert len(desk.events(number, EventType.CONFIDENTIALITY_SET)) == 1
    with pytest.raises(InvalidCommand):
        desk.cases.set_confidential(handler, number, "false", "r")
    desk.cases.set_confidential(handler, number, False, "已无需保密")
    assert desk.cases.view(clerk, number).confidential is False


def test_the_view_shows_the_reporter_masked_and_nothing_in_clear(desk):
    clerk = desk.member(Role.CLERK)
    number = desk.case()
    shown = desk.cases.view(clerk, number).as_dict()
    assert shown["reporter"] == {"name": "王**", "email": "w***@qq.com", "phone": "138****5678",
                                 "anonymous": False}
    text = json.dumps(shown, ensure_ascii=False)
    assert "王小明" not in text and "wangxm" not in text and "13812345678" not in text
    assert shown["received_at"].endswith("Z")
    assert shown["allowed_actions"] == ["accept", "reject", "classify", "add_note",
                                        "record_contact", "set_matter"]


def test_the_assigned_handler_reveals_with_a_reason_and_the_reveal_is_recorded_first(desk):
    handler = desk.member()
    number = desk.assigned_to(handler)
    revealed = desk.cases.reveal_identity(handler, number, "需要电话核实")
    assert revealed == {"number": number, "anonymous": False, "revealed": True,
                        "name": "王小明", "email": "wangxm@qq.com", "phone": "13812345678"}
    [event] = desk.events(number, EventType.IDENTITY_REVEALED)
    assert (event.actor, event.text, event.data["from"], event.data["fields"], event.public) == \
        (handler.actor, "需要电话核实", CLIENT, ["name", "email", "phone"], False)
    with pytest.raises(InvalidCommand) as no_reason:
        desk.cases.reveal_identity(handler, number, " ")
    assert no_reason.value.errors == {"reason": "required"}
    for other in (desk.member(Role.CLERK), desk.member(Role.AUDITOR), desk.member(Role.LEADER),
                  desk.member(department=handler.member.department)):
        forbidden_unchanged(desk, number, lambda: desk.cases.reveal_identity(other, number, "r"))
    desk.cases.reveal_identity(desk.member(Role.SUPERVISOR), number, "复核")
    assert len(desk.events(number, EventType.IDENTITY_REVEALED)) == 2


def test_an_anonymous_report_has_nothing_to_reveal(desk):
    supervisor = desk.member(Role.SUPERVISOR)
    number = desk.case(anonymous=True, kind="report", category="fraud")
    assert desk.cases.view(supervisor, number).reporter == {
        "name": "", "email": "", "phone": "", "anonymous": True}
    before = desk.snapshot(number)
    assert desk.cases.reveal_identity(supervisor, number, "r") == {
        "number": number, "anonymous": True, "revealed": False, "name": "", "email": "",
        "phone": ""}
    assert desk.snapshot(number) == before
    assert "reveal_identity" not in desk.cases.view(supervisor, number).allowed_actions


def test_a_member_in_conflict_with_the_respondent_does_not_reveal(desk):
    supervisor = desk.member(Role.SUPERVISOR, conflicts=("某某科技有限公司",))
    number = desk.case(Status.IN_PROGRESS, respondent="某某科技有限公司")
    before = desk.snapshot(number)
    with pytest.raises(CommandRefused):
        desk.cases.reveal_identity(supervisor, number, "r")
    assert desk.snapshot(number) == before


@pytest.mark.parametrize("case_fields, assignee_roles, assignee_fields, refused", [
    ({"about_staff": "SUBJECT"}, (Role.SUPERVISOR,), {}, "own conduct"),  # the subject themselves
    ({"respondent": "张三"}, (Role.HANDLER,), {"conflicts": ("张三",)}, "declared a conflict"),
    ({"respondent": "张三"}, (Role.HANDLER,), {"conflicts": (" 张三 ",)}, "declared a conflict"),
    ({"respondent": "李四"}, (Role.HANDLER,), {"conflicts": ("张三",)}, ""),
    ({"about_staff": "COLLEAGUE"}, (Role.SUPERVISOR,), {"conflicts": ("COLLEAGUE",),
                                                        "department": "客服中心"},
     "declared a conflict"),
    ({"about_staff": "COLLEAGUE"}, (Role.HANDLER,), {"department": "技术部"}, "by name"),
    ({"about_staff": "COLLEAGUE"}, (Role.SUPERVISOR,), {"department": "运营部"}, "outside 运营部"),
    ({"about_staff": "COLLEAGUE"}, (Role.SUPERVISOR,), {"department": "客服中心"}, ""),
])
def test_recusal(desk, case_fields, assignee_roles, assignee_fields, refused):
    supervisor = desk.member(Role.SUPERVISOR, department="总经办")
    colleague = desk.member(department="运营部")
    assignee_fields = dict(assignee_fields)  # shared by both stores' runs
    conflicts = tuple(colleague.member.id if c == "COLLEAGUE" else c
                      for c in assignee_fields.pop("conflicts", ()))
    assignee = desk.member(*assignee_roles, conflicts=conflicts, **assignee_fields)
    names = {"SUBJECT": assignee.member.id, "COLLEAGUE": colleague.member.id}
    fields = {k: names.get(v, v) for k, v in case_fields.items()}
    number = desk.case(Status.ACCEPTED, **fields)
    if not refused:
        assert desk.cases.assign(supervisor, number, assignee=assignee.member.id).assignee == \
            assignee.member.id
        return
    before = desk.snapshot(number)
    with pytest.raises(CommandRefused) as raised:
        desk.cases.assign(supervisor, number, assignee=assignee.member.id)
    assert "recusal" in str(raised.value) and refused in str(raised.value)
    assert desk.snapshot(number) == before


def test_a_case_about_staff_goes_to_no_department_of_theirs_and_to_nobody_unnamed(desk):
    supervisor = desk.member(Role.SUPERVISOR, department="客服中心")
    colleague = desk.member(department="运营部")
    number = desk.case(Status.ACCEPTED, about_staff=colleague.member.id)
    for kwargs in ({"department": "运营部"}, {"department": "客服中心"},
                   {"assignee": supervisor.member.id, "department": "运营部"}):
        with pytest.raises(CommandRefused):
            desk.cases.assign(supervisor, number, **kwargs)


def test_allowed_actions_follow_role_status_and_need_to_know(desk):
    handler, supervisor = desk.member(), desk.member(Role.SUPERVISOR)
    number = desk.assigned_to(handler, Status.ASSIGNED)
    assert desk.cases.view(handler, number).allowed_actions == [
        "classify", "set_severity", "start_work", "add_note", "message_reporter",
        "refer_out", "reveal_identity", "set_confidential", "record_corrective_action",
        "mark_report", "record_contact", "record_materials_complete", "set_matter"]
    assert desk.cases.view(supervisor, number).allowed_actions == [
        "classify", "set_severity", "assign", "add_note", "message_reporter", "refer_out",
        "reveal_identity", "set_confidential", "record_corrective_action", "mark_report",
        "export", "record_contact", "record_materials_complete", "set_matter"]
    desk.cases.start_work(handler, number)
    assert "request_information" in desk.cases.view(handler, number).allowed_actions
    assert desk.cases.view(desk.member(Role.AUDITOR), number).allowed_actions == ["audit", "export"]


def test_the_auditor_checks_the_chain_and_sees_where_it_breaks(desk):
    handler, auditor = desk.member(), desk.member(Role.AUDITOR)
    number = desk.assigned_to(handler)
    desk.cases.add_note(handler, number, "第一条")
    desk.cases.add_note(handler, number, "第二条")
    checked = desk.cases.audit(auditor, number)
    assert checked["intact"] and checked["break"] is None and checked["event_count"] == 3
    alter_event(desk.store, number, 2, lambda record: record.update(text="改过的"))
    checked = desk.cases.audit(auditor, number)
    assert not checked["intact"] and checked["break"]["seq"] == 2
    assert checked["break"]["reason"] == "altered"
    with pytest.raises(Forbidden):
        desk.cases.audit(handler, number)


def test_the_timeline_pages_and_refuses_nonsense(desk):
    clerk = desk.member(Role.CLERK)
    number = desk.case()
    for i in range(4):
        desk.cases.add_note(clerk, number, f"备注 {i}")
    page = desk.cases.timeline(clerk, number, after_seq=1, limit=2)
    assert [e["seq"] for e in page] == [2, 3] and page[0]["text"] == "备注 0"
    assert page[0]["actor"] == clerk.actor and page[0]["at"].endswith("Z")
    assert page[0]["data"]["from"] == CLIENT and page[0]["public"] is False
    for kwargs in ({"limit": 0}, {"limit": 201}, {"limit": "50"}, {"after_seq": -1},
                   {"after_seq": None}, {"limit": True}):
        with pytest.raises(InvalidCommand):
            desk.cases.timeline(clerk, number, **kwargs)


def test_need_to_know_is_checked_again_on_the_case_as_it_is_written(desk, monkeypatch):
    handler, supervisor = desk.member(department="运营部"), desk.member(Role.SUPERVISOR)
    number = desk.assigned_to(handler)
    stale = desk.store.get_case(number)  # what the handler's request read first
    desk.cases.assign(supervisor, number, assignee=desk.member(department="技术部").member.id,
                      reason="改派")
    monkeypatch.setattr(desk.store, "get_case", lambda n: stale if n == number else None)
    before = desk.events(number)
    with pytest.raises(Forbidden):
        desk.cases.add_note(handler, number, "已不是我的案件")
    assert desk.events(number) == before
