"""Major and hot cases (R9) on both stores: the leaders are told at once when a case becomes major,
by staff or by the sweep, and get a bulletin with each change of its status and every week while it
is open; a hot case goes to the service centre and its department; each notice exactly once, with
a command repeated, the sweep run twice or two sweeps at once; a major case closes only with its
closure report, which the staff view shows and the reporter never reads; and the mail really
arrives, in the staff's language, without the reporter."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.adapters.clock import FixedClock
from shared.domain.cases import EventType, Severity, Status
from shared.domain.errors import CommandRefused, TransitionNotAllowed
from shared.domain.staff import Role
from shared.services.deadline_sweep import DeadlineSweep
from shared.services.status_lookup import AddInformation
from tests.integration.test_staff_cases import refused_unchanged
from tests.support import staff_api as fixtures
from tests.support.builders import a_case, a_decision_record
from tests.support.mailbox import read_mailbox
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk
from tests.support.timeline import events_of

staff_api = fixtures.staff_api  # the fixture, on both stores
WEEK = timedelta(days=7)
REPORT = {"cause": "商家资质审核规则缺失", "prevention": "上线前增加人工复核"}


@pytest.fixture
def desk(store, clock):
    return StaffDesk(store, clock)


@pytest.fixture
def people(desk):
    return {"leader": desk.member(Role.LEADER, department="总经办"),
            "boss": desk.supervisor(),
            "handler": desk.member(Role.HANDLER, department="运营部"),
            "colleague": desk.member(Role.HANDLER, department="运营部"),
            "elsewhere": desk.member(Role.HANDLER, department="法务部")}


def r9_notices(store, number) -> list[tuple[str, str]]:
    """(template, staff id) of every R9 notice queued on the case, in order."""
    found = []
    for event in events_of(store, number):
        if event.type == EventType.NOTICE_QUEUED and event.data["template"] in (
                "staff_major_case", "staff_major_bulletin", "staff_hot_case"):
            message = store.get_outbox(event.data["outbox_id"])
            found.append((message.template.value, message.details["staff"]))
    return found


def ids(people, *names):
    return [people[name].member.id for name in names]


def test_a_case_set_major_by_staff_is_told_to_the_leaders_once_however_often_it_is_asked(
        desk, people):
    number = desk.assigned_to(people["handler"])
    for _ in range(2):  # the same command again (a retried request) changes nothing
        desk.cases.set_severity(people["boss"], number, "major", "媒体已报道")
    [leader] = ids(people, "leader")
    assert r9_notices(desk.store, number) == [("staff_major_case", leader)]
    case = desk.store.get_case(number)
    assert case.major_since == desk.clock.now() and case.next_due_at <= desk.clock.now() + WEEK


def test_flags_that_make_a_case_hot_report_it_to_the_service_centre_and_its_department(
        desk, people):
    number = desk.assigned_to(people["handler"])
    for _ in range(2):
        desk.cases.classify(people["boss"], number, flags={"media_exposure": "likely"},
                            reason="记者来电")
    assert r9_notices(desk.store, number) == [("staff_hot_case", who) for who in sorted(
        ids(people, "boss", "handler", "colleague"), key=_staff_order(people))]


def _staff_order(people):
    """The notices follow the staff list: supervisors first, then the department, by id."""
    boss = people["boss"].member.id
    return lambda staff_id: (staff_id != boss, staff_id)


def test_each_change_of_a_major_cases_status_is_bulletined_once(desk, people):
    handler, boss = people["handler"], people["boss"]
    number = desk.case(Status.ACCEPTED, severity=Severity.MAJOR)
    desk.cases.set_severity(boss, number, "hot", "先降级")
    desk.cases.set_severity(boss, number, "major", "已起诉")  # told once more: major again
    desk.cases.assign(boss, number, assignee=handler.member.id, department="运营部")
    desk.cases.start_work(handler, number)
    refused_unchanged(desk, number, TransitionNotAllowed,
                      lambda: desk.cases.start_work(handler, number))  # again: no bulletin
    desk.cases.add_note(handler, number, "已联系商家")  # no change of status: no bulletin
    [leader] = ids(people, "leader")
    assert [t for t, who in r9_notices(desk.store, number) if who == leader] == [
        "staff_major_case", "staff_major_bulletin", "staff_major_bulletin"]
    bulletins = [desk.store.get_outbox(e.data["outbox_id"]).details
                 for e in desk.events(number, EventType.NOTICE_QUEUED)
                 if e.data["template"] == "staff_major_bulletin"]
    assert [(b["status_from"], b["status_to"]) for b in bulletins] == [
        ("accepted", "assigned"), ("assigned", "in_progress")]


def test_the_sweep_bulletins_an_open_major_case_weekly_once_however_often_it_runs(desk, people):
    start = desk.clock.now()
    number = desk.assigned_to(people["handler"], next_due_at=start + 50 * WEEK)
    desk.cases.set_severity(people["boss"], number, "major", "集体投诉")
    assert desk.store.get_case(number).next_due_at == start + WEEK  # the sweep reads it then
    # Twice at each moment; then none from day 14 to day 30: weeks 3 and 4 are one bulletin.
    for days in (6, 7, 7, 10, 14, 14, 30, 30):
        DeadlineSweep(desk.store, FixedClock(start + timedelta(days=days))).run(60)
    weekly = [desk.store.get_outbox(e.data["outbox_id"]).details["week"]
              for e in desk.events(number, EventType.NOTICE_QUEUED)
              if e.data["template"] == "staff_major_bulletin"]
    assert weekly == [1, 2, 4]
    assert desk.store.get_case(number).next_due_at == start + 5 * WEEK


def test_two_sweeps_at_once_send_one_weekly_bulletin(desk, people):
    number = desk.assigned_to(people["handler"])
    desk.cases.set_severity(people["boss"], number, "major", "集体投诉")
    moment = desk.clock.now() + WEEK
    other = DeadlineSweep(desk.store, FixedClock(moment))
    store = desk.store

    class Racing:
        """The store as one sweep sees it: the other sweep runs right after the page is read."""

        def __getattr__(self, name):
            return getattr(store, name)

        def due_cases(self, now, limit):
            page = store.due_cases(now, limit)
            other.run(60)
            return page

    first = DeadlineSweep(Racing(), FixedClock(moment)).run(60)
    assert "major_bulletin" not in first.actions  # the other sweep had done it
    assert [t for t, _ in r9_notices(store, number)] == ["staff_major_case",
                                                         "staff_major_bulletin"]


def test_the_sweep_making_a_case_major_tells_the_leader_not_the_member_it_is_about(desk, people):
    about = desk.member(Role.LEADER, Role.HANDLER, department="运营部")
    number = desk.assigned_to(people["handler"], about_staff=about.member.id,
                              decision_due_at=desk.clock.now() + 40 * WEEK)
    for _ in range(2):
        DeadlineSweep(desk.store, FixedClock(desk.clock.now() + 31 * timedelta(days=1))).run(60)
    [leader] = ids(people, "leader")
    assert r9_notices(desk.store, number) == [("staff_major_case", leader)]
    [notice] = [desk.store.get_outbox(e.data["outbox_id"])
                for e in desk.events(number, EventType.NOTICE_QUEUED)]
    assert notice.details["rule"] == "R8 unresolved one month after receipt"


def test_a_major_case_closes_only_with_its_closure_report_which_the_reporter_never_reads(
        desk, people):
    handler, boss = people["handler"], people["boss"]
    number = desk.assigned_to(handler, severity=Severity.MAJOR)
    view = desk.cases.draft_decision(handler, number, **a_decision_record())
    assert view.closure_report_needed == ["cause", "prevention"]  # the console says so first
    refused = refused_unchanged(desk, number, CommandRefused,
                                lambda: desk.cases.approve_decision(boss, number))
    assert refused.code == "closure_report_needed"
    desk.cases.send_back(boss, number, "请补充结案报告")
    desk.cases.draft_decision(handler, number, **a_decision_record(closure_report=REPORT))
    view = desk.cases.approve_decision(boss, number)
    assert view.status == "closed" and view.decision["record"]["closure_report"] == {
        **REPORT, "summary": ""}  # the staff view shows it
    assert view.closure_report_needed == [] and view.major_since is None  # set by no rule here
    [closure] = [desk.store.get_outbox(e.data["outbox_id"])
                 for e in desk.events(number, EventType.NOTICE_QUEUED)
                 if e.data["template"] == "case_closed"]
    assert "closure_report" not in closure.details["decision"]
    assert "closure_report" not in desk.store.get_case(number).decision["sent"]
    bulletins = [desk.store.get_outbox(e.data["outbox_id"]).details
                 for e in desk.events(number, EventType.NOTICE_QUEUED)
                 if e.data["template"] == "staff_major_bulletin"]
    assert [b["status_to"] for b in bulletins] == [  # drafted, sent back, drafted, closed
        "decision_drafted", "in_progress", "decision_drafted", "closed"]
    assert bulletins[-1]["closure_report"]["cause"] == REPORT["cause"]


def test_an_answer_that_moves_a_major_case_on_is_bulletined_to_the_leaders(desk, people):
    handler = people["handler"]
    number = desk.assigned_to(handler, status=Status.AWAITING_REPORTER, severity=Severity.MAJOR)
    desk.cases.record_reporter_answer(handler, number, "电话补充了订单号")
    [leader] = ids(people, "leader")
    assert r9_notices(desk.store, number) == [("staff_major_bulletin", leader)]


def test_the_leaders_mail_arrives_in_the_staff_language_and_never_names_the_reporter(
        app, mailbox):
    desk = StaffDesk(app.store, app.clock)
    leader = desk.member(Role.LEADER, email="leader@example.com", display_name="赵总")
    handler = desk.member(Role.HANDLER, department="运营部")
    due = app.clock.now() + timedelta(days=15)
    number = desk.assigned_to(handler, language="en", subject="王小明投诉某某商家",
                              description="我是王小明，电话13812345678", decision_due_at=due)
    desk.cases.set_severity(desk.supervisor(), number, "major", "已起诉")
    desk.cases.set_severity(desk.supervisor(), number, "major", "已起诉")
    sent = [r for r in app.delivery.deliver_due() if r.outcome.value == "sent"]
    [message] = [m for m in read_mailbox(mailbox[1]) if m["To"] == "leader@example.com"]
    assert len(sent) == 1 and leader.member.id
    text = "\n".join([message["Subject"], message.get_body(("plain",)).get_content(),
                      message.get_body(("html",)).get_content()])
    for words in (f"重大案件：{number}", "赵总", "已定为重大案件", "运营部",
                  f"处理决定期限: {app.renderer.local_time(due)}"):
        assert words in text, words
    for secret in ("王小明", "13812345678", "wangxm@qq.com", "某某商家", "已起诉"):
        assert secret not in text, secret


def test_the_reporter_answering_on_the_status_page_moves_a_major_case_and_the_leaders_hear(
        app):
    desk = StaffDesk(app.store, app.clock)
    leader = desk.member(Role.LEADER)
    number = desk.assigned_to(desk.member(Role.HANDLER), status=Status.AWAITING_REPORTER,
                              severity=Severity.MAJOR)
    added = app.status.add_information(AddInformation(number, "AAAA-BBBB-CCCC-DDDD",
                                                      "198.51.100.7", text="订单号 20261128-001"))
    assert not added.errors and app.store.get_case(number).status == Status.IN_PROGRESS
    assert r9_notices(app.store, number) == [("staff_major_bulletin", leader.member.id)]


def test_over_the_staff_api_a_major_decision_without_its_report_is_refused_in_both_languages(
        staff_api):
    desk = StaffDesk(staff_api.store, staff_api.app.clock)
    handler, handler_token = staff_api.member(Role.HANDLER, department="运营部")
    _, boss = staff_api.member(Role.SUPERVISOR)
    number = desk.case(Status.IN_PROGRESS, severity=Severity.MAJOR, assignee=handler.id,
                       department="运营部")
    path = f"/cases/{number}/decision"
    drafted = staff_api.post(path, handler_token, json=a_decision_record())
    assert json_of(drafted)["closure_report_needed"] == ["cause", "prevention"]
    for lang, words in (("zh-CN", "原因和预防措施"), ("en", "cause and preventive measures")):
        refused = staff_api.post(f"{path}/approve", boss, headers={"Accept-Language": lang})
        answer = json_of(refused)
        assert (refused.status_code, answer["error"]) == (409, "closure_report_needed")
        assert words in answer["message"]
    assert staff_api.store.get_case(number).status == Status.DECISION_DRAFTED
    staff_api.post(f"{path}/send-back", boss, json={"reason": "请补充结案报告"})
    bad = staff_api.post(path, handler_token, json=a_decision_record(closure_report="原因"))
    assert bad.status_code == 422
    staff_api.post(path, handler_token, json=a_decision_record(closure_report=REPORT))
    closed = json_of(staff_api.post(f"{path}/approve", boss))
    assert closed["status"] == "closed" and closed["decision"]["record"]["closure_report"][
        "prevention"] == REPORT["prevention"]


@pytest.mark.parametrize("language, words", [
    ("zh-CN", ["已定为热点案件", "系统按规则自动升级", "R8 收到后一周仍未解决", "尚未分派"]),
    ("en", ["has become a hot case", "Raised automatically by a rule",
            "R8 unresolved one week after receipt", "not assigned yet"]),
])
def test_a_rule_that_raised_a_case_is_named_in_the_staff_language(app, language, words):
    case = a_case("TS-20261203-ABCDEF-0", app.clock.now())
    details = {"staff": "s-1", "name": "王五", "change": "severity", "by": "system",
               "rule": "R8 unresolved one week after receipt"}
    text = app.renderer.render("mail/staff_hot_case.txt", language, case=case, details=details)
    for expected in words:
        assert expected in text, expected
