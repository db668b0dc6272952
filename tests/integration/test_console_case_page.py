"""The console's case page (issue 11): summary, deadlines with the time left, timeline, messages,
attachments, the reporter masked unless revealed with a reason (audited), every action the role
allows and only those, and what people typed shown escaped."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from shared.domain.cases import EventType, Status
from shared.domain.staff import Role
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.console import text_of
from tests.support.staff_desk import StaffDesk, unknown_number

staff_api, sqlite_staff_api = api_fixtures.staff_api, api_fixtures.sqlite_staff_api
console, sqlite_console = console_fixtures.console, console_fixtures.sqlite_console

IDENTITY = ("王小明", "wangxm@qq.com", "13812345678")
HOSTILE = '<script>alert(1)</script>"onmouseover="alert(2)'


@pytest.fixture
def desk(console):
    return console, StaffDesk(console.store, console.api.app.clock)


def _action_forms(page: str) -> set[str]:
    return set(re.findall(r'action="/console/cases/[\w-]+/([\w-]+)"', page))


def test_the_case_shows_its_facts_deadlines_and_the_reporter_masked(sqlite_console):
    cases = StaffDesk(sqlite_console.store, sqlite_console.api.app.clock)
    number = cases.case()
    sqlite_console.sign_in_as(Role.CLERK)
    page = text_of(sqlite_console.get(f"/console/cases/{number}"))
    assert "订单 20261128-001" in page and "客服三天没有回复我的退款申请" in page
    assert re.search(r"初步审核: [\d-]+ [\d:]+ —\s*还剩 0 天 2\d 小时", page)
    assert "王**" in page and "w***@qq.com" in page and "138****5678" in page
    assert not any(part in page for part in IDENTITY)
    assert f'href="/console/cases/{number}/attachments/1">证据.png</a>' in page
    assert "案件已登记" in page  # the timeline


def test_an_overdue_deadline_is_marked_in_words(sqlite_console):
    cases = StaffDesk(sqlite_console.store, sqlite_console.api.app.clock)
    due = cases.clock.now() - timedelta(hours=30)
    number = cases.case(review_due_at=due, next_due_at=due,
                        sweep_claims=[f"overdue:review:{due.isoformat()}"])
    sqlite_console.sign_in_as(Role.CLERK)
    page = text_of(sqlite_console.get(f"/console/cases/{number}?lang=en"))
    assert re.search(r"Initial review: [\d-]+ [\d:]+ —\s*<span class=\"badge overdue\">Overdue"
                     r"</span> overdue by 1 d 6 h", page)


def test_a_clerk_sees_initial_review_but_not_what_supervisors_or_handlers_do(desk):
    console, cases = desk
    number = cases.case()
    console.sign_in_as(Role.CLERK)
    assert _action_forms(text_of(console.get(f"/console/cases/{number}"))) == \
        {"accept", "reject", "notes", "contacts", "classification", "matter"}  # no identities
    console.sign_in_as(Role.SUPERVISOR)
    accepted = cases.case(Status.ACCEPTED)
    assert _action_forms(text_of(console.get(f"/console/cases/{accepted}"))) == \
        {"identity", "assignment", "notes", "messages", "contacts", "materials-complete",
         "severity", "confidentiality", "corrective-actions", "classification", "referrals",
         "mark", "matter"}
    console.sign_in_as(Role.AUDITOR)
    page = text_of(console.get(f"/console/cases/{number}"))
    assert _action_forms(page) == set() and "没有可执行的操作" in page


def test_a_forged_post_of_an_action_the_role_lacks_is_refused(desk):
    console, cases = desk
    number = cases.case(Status.ACCEPTED)
    clerk = console.sign_in_as(Role.CLERK)
    before = cases.snapshot(number)
    for path, data in (("assignment", {"assignee": clerk.id}), ("identity", {"reason": "好奇"}),
                       ("start", {})):
        answer = console.post(f"/console/cases/{number}/{path}", data)
        assert answer.status_code == 403 and "无权" in text_of(answer), path
    assert console.post(f"/console/cases/{number}/launch-missiles").status_code == 404
    assert cases.snapshot(number) == before
    assert console.get(f"/console/cases/{unknown_number()}").status_code == 404
    console.sign_in_as(Role.ADMIN)  # admins read no case at all
    assert console.get(f"/console/cases/{number}").status_code == 403
    assert console.get("/console/cases").status_code == 403


def test_actions_go_through_the_services_and_confirm(desk):
    console, cases = desk
    handler = cases.member(Role.HANDLER, department="运营部").member
    number = cases.case()
    console.sign_in_as(Role.CLERK, Role.SUPERVISOR)
    assert f'<option value="{handler.id}">' not in text_of(console.get(f"/console/cases/{number}"))
    accepted = console.post(f"/console/cases/{number}/accept", {"note": "事实清楚"})
    assert accepted.status_code == 303
    assert accepted.headers["Location"] == f"/console/cases/{number}?done=accept"
    shown = text_of(console.get(accepted.headers["Location"]))
    assert "已受理。" in shown and f'<option value="{handler.id}">李四 · 运营部</option>' in shown
    assigned = console.post(f"/console/cases/{number}/assignment",
                            {"assignee": handler.id, "department": "", "reason": ""})
    assert assigned.status_code == 303
    case = console.store.get_case(number)
    assert case.status == Status.ASSIGNED and case.assignee == handler.id
    console.post(f"/console/cases/{number}/notes", {"text": "已电话联系"})
    console.sign_in_as(Role.HANDLER, id=handler.id, department="运营部")
    assert "start" in _action_forms(text_of(console.get(f"/console/cases/{number}")))
    assert console.post(f"/console/cases/{number}/start").status_code == 303
    assert console.store.get_case(number).status == Status.IN_PROGRESS
    types = [e.type for e in cases.events(number)]
    assert EventType.CASE_ACCEPTED in types and EventType.WORK_STARTED in types
    assert [e.text for e in cases.events(number, EventType.NOTE_ADDED)][-1] == "已电话联系"


def test_a_refusal_is_shown_on_the_case_with_what_was_typed(desk):
    console, cases = desk
    number = cases.case()
    console.sign_in_as(Role.CLERK)
    before = cases.snapshot(number)
    refused = console.post(f"/console/cases/{number}/reject",
                           {"reason": "other", "text": "", "duplicate_of": "TS-typo"})
    page = text_of(refused)
    assert refused.status_code == 422 and "请检查标出的字段" in page
    assert 'value="TS-typo"' in page and '<option value="other" selected>' in page
    assert f'href="/console/cases/{number}?lang=en"' in page  # the switch leads to the case
    assert cases.snapshot(number) == before
    console.post(f"/console/cases/{number}/accept")
    again = console.post(f"/console/cases/{number}/accept?lang=en", {"note": "第二次"})
    assert again.status_code == 409
    assert "Accept: The case&#39;s current status does not allow this." in text_of(again)


def test_the_identity_is_shown_only_when_revealed_with_a_reason_and_the_reveal_is_recorded(desk):
    console, cases = desk
    number = cases.case(Status.ACCEPTED)
    supervisor = console.sign_in_as(Role.SUPERVISOR)
    no_reason = console.post(f"/console/cases/{number}/identity", {"reason": "  "})
    assert no_reason.status_code == 422 and "必填" in text_of(no_reason)
    assert not any(part in text_of(no_reason) for part in IDENTITY)
    assert cases.events(number, EventType.IDENTITY_REVEALED) == []
    shown = text_of(console.post(f"/console/cases/{number}/identity",
                                 {"reason": "需要电话核实诉求"}))
    assert all(part in shown for part in IDENTITY)
    [reveal] = cases.events(number, EventType.IDENTITY_REVEALED)
    assert reveal.text == "需要电话核实诉求" and reveal.actor == f"staff:{supervisor.id}"
    again = text_of(console.get(f"/console/cases/{number}"))  # masked again on the next read
    assert not any(part in again for part in IDENTITY) and "王**" in again


def test_what_people_typed_is_shown_escaped(desk):
    console, cases = desk
    number = cases.case(subject=HOSTILE, description=HOSTILE, desired_outcome=HOSTILE)
    console.sign_in_as(Role.CLERK)
    console.post(f"/console/cases/{number}/notes", {"text": HOSTILE})
    for page in (text_of(console.get(f"/console/cases/{number}")),
                 text_of(console.get("/console/cases?queue=all")),
                 text_of(console.post(f"/console/cases/{number}/reject",
                                      {"reason": "other", "duplicate_of": HOSTILE}))):
        assert "<script>alert" not in page and '"onmouseover=' not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;onmouseover=&#34;alert(2)" in page


def test_a_note_is_kept_and_shown_without_controls_or_direction_overrides(desk):
    console, cases = desk
    number = cases.case()
    console.sign_in_as(Role.CLERK)
    console.post(f"/console/cases/{number}/notes", {"text": "已联系\u202e客户\x07\x1b"})
    page = text_of(console.get(f"/console/cases/{number}"))
    assert "已联系客户" in page and "\u202e" not in page and "\x07" not in page


def test_a_long_timeline_pages_on_after_its_last_event(sqlite_console, monkeypatch):
    from shared.web.console import case_pages

    monkeypatch.setattr(case_pages, "TIMELINE_PAGE", 2)
    cases = StaffDesk(sqlite_console.store, sqlite_console.api.app.clock)
    number = cases.case()
    sqlite_console.sign_in_as(Role.CLERK)
    for text in ("第一条", "第二条"):
        sqlite_console.post(f"/console/cases/{number}/notes", {"text": text})
    first = text_of(sqlite_console.get(f"/console/cases/{number}"))
    assert "第一条" in first and "第二条" not in first.split('id="actions-title"')[0]
    later = re.search(r'<a href="([^"]+)">更多记录</a>', first).group(1).replace("&amp;", "&")
    rest = text_of(sqlite_console.get(later))
    assert "第二条" in rest and "案件已登记" not in rest


def test_the_timeline_names_every_event_in_words(desk):
    console, cases = desk
    number = cases.case()
    console.sign_in_as(Role.CLERK)
    console.post(f"/console/cases/{number}/accept", {})
    console.post(f"/console/cases/{number}/notes", {"text": "已电话联系"})
    page = text_of(console.get(f"/console/cases/{number}"))
    assert "受理通知待发送" in page and "内部备注" in page  # a notice named; a staff-only kind
    assert "{notice}" not in page and ">note<" not in page and "notice_queued" not in page
    english = text_of(console.get(f"/console/cases/{number}?lang=en"))
    assert "Internal note" in english and "{notice}" not in english
