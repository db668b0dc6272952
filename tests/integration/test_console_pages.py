"""The console's other pages (issue 11): the approvals inbox, the major-case board, archive
search with its export, failed mail with its retry, the audit-chain check — each for the roles
that may use it (in their navigation, and checked on the server: 403 for everyone else), each
over the same service as its API route, none showing the reporter's identity."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.cases import EventType, Severity, Status
from shared.domain.outbox import OutboxStatus
from shared.domain.staff import Role
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.builders import a_case, a_decision_record, an_identity, an_outbox_message, unique_number
from tests.support.console import text_of
from tests.support.staff_desk import StaffDesk
from tests.support.tampering import alter_event

staff_api, sqlite_staff_api = api_fixtures.staff_api, api_fixtures.sqlite_staff_api
console, sqlite_console = console_fixtures.console, console_fixtures.sqlite_console

IDENTITY = ("王小明", "wangxm@qq.com", "13812345678", "w***@qq.com", "王**")
ALL_ROLES = tuple(Role)
# page → the roles whose navigation shows it (and who may open it)
PAGES = {
    "/console/approvals": {Role.SUPERVISOR, Role.LEADER},
    "/console/major-cases": {Role.SUPERVISOR, Role.LEADER},
    "/console/archive": {Role.CLERK, Role.HANDLER, Role.SUPERVISOR, Role.LEADER, Role.AUDITOR},
    "/console/mail/failed": {Role.SUPERVISOR, Role.ADMIN},
    "/console/audit": {Role.AUDITOR},
    "/console/held-mail": {Role.CLERK, Role.SUPERVISOR, Role.AUDITOR},
    "/console/staff": {Role.ADMIN},
    "/console/me": set(Role),
}


@pytest.fixture
def desk(console):
    return console, StaffDesk(console.store, console.api.app.clock)


def _no_identity(page: str) -> None:
    assert not any(part in page for part in IDENTITY)


def test_each_page_is_in_the_navigation_of_the_roles_that_may_use_it_and_refused_to_others(
        sqlite_console):
    for role in ALL_ROLES:
        sqlite_console.sign_in_as(role)
        shown = text_of(sqlite_console.get("/console/me"))
        for path, roles in PAGES.items():
            link = f'href="{path}"'
            assert (link in shown) == (role in roles), (role, path)
            status = sqlite_console.get(path).status_code
            assert (status == 200) == (role in roles), (role, path, status)
            assert status in (200, 403)
            if status == 200:
                body = text_of(sqlite_console.get(path))
                assert "<script" not in body and "<style" not in body and " style=" not in body


def _drafted(cases, compensation_fen=None, **fields) -> str:
    record = a_decision_record(compensation_fen=compensation_fen)
    return cases.case(Status.DECISION_DRAFTED, decision={
        "record": record, "drafted_by": "s-h", "approved_by": "", "round": 0,
        "compensation_approved_by": "", "compensation_approved_fen": 0}, **fields)


def test_the_inbox_shows_each_approver_what_waits_for_them_and_links_to_the_case(desk):
    console, cases = desk
    now = cases.clock.now()
    reply = cases.case(Status.IN_PROGRESS, replies=[{
        "id": "r-1", "text": "您好，已退款。", "question": False, "drafted_by": "s-h",
        "drafted_at": now.isoformat()}])
    decision = _drafted(cases)
    big = _drafted(cases, compensation_fen=80_000)
    extension = cases.case(Status.IN_PROGRESS, extension={
        "state": "requested", "working_days": 5, "reason": "需调查", "requested_by": "s-h",
        "requested_at": now.isoformat()})
    nothing = cases.case(Status.IN_PROGRESS)
    console.sign_in_as(Role.SUPERVISOR)
    page = text_of(console.get("/console/approvals"))
    for number in (reply, decision, big):
        assert f'href="/console/cases/{number}"' in page
    assert extension not in page and nothing not in page
    assert "给投诉举报人的答复" in page and "须先由领导审批赔偿" in page
    _no_identity(page)
    console.sign_in_as(Role.LEADER)
    page = text_of(console.get("/console/approvals?lang=en"))
    assert big in page and extension in page and "¥800.00" in page and "5 working days" in page
    assert reply not in page and decision not in page
    console.sign_in_as(Role.SUPERVISOR, id="s-h")  # one's own draft is marked: another approves
    assert "您本人提交" in text_of(console.get("/console/approvals?lang=zh-CN"))


def test_the_board_shows_open_major_cases_at_a_glance(desk):
    console, cases = desk
    now = cases.clock.now()
    since = now - timedelta(days=9)
    overdue_due = now - timedelta(hours=3)
    major = cases.case(Status.IN_PROGRESS, severity=Severity.MAJOR, major_since=since,
                       sweep_claims=["bulletin:major:1"], next_due_at=since + timedelta(days=14),
                       decision_due_at=now + timedelta(days=2))
    late = cases.case(Status.RECEIVED, severity=Severity.MAJOR, major_since=now,
                      received_at=now - timedelta(days=2),  # older: not first if newest first
                      review_due_at=overdue_due, next_due_at=overdue_due,
                      sweep_claims=[f"overdue:review:{overdue_due.isoformat()}"])
    closed = cases.case(Status.CLOSED, severity=Severity.MAJOR, major_since=since,
                        next_due_at=now + timedelta(days=30))
    hot = cases.case(Status.IN_PROGRESS, severity=Severity.HOT, next_due_at=now + timedelta(days=1))
    console.sign_in_as(Role.LEADER)
    page = text_of(console.get("/console/major-cases"))
    assert major in page and late in page and closed not in page and hot not in page
    assert page.index(late) < page.index(major)  # the nearest deadline first
    assert page.count('class="badge overdue"') == 1 and "尚无" in page  # `late`: no bulletin yet
    _no_identity(page)
    assert hot in text_of(console.get("/console/major-cases?severity=hot"))
    assert console.get("/console/major-cases?after=" + "x" * 300).status_code == 422


def test_archive_search_finds_archived_cases_by_year_and_words_and_exports_them(desk):
    console, cases = desk
    now = cases.clock.now()
    record = a_decision_record()
    archived = cases.case(Status.ARCHIVED, subject="物流 退款 <script>alert(1)</script>",
                          decision={"record": record, "sent": record, "drafted_by": "h1",
                                    "approved_by": "s1"}, archived_at=now)
    closed = cases.case(Status.CLOSED, subject="物流 延误")
    console.sign_in_as(Role.AUDITOR)
    page = text_of(console.get(f"/console/archive?year={now.year}&q=物流"))
    assert closed not in page and closed in text_of(console.get("/console/archive?status=closed"))
    assert archived in page and "&lt;script&gt;alert(1)" in page and "<script>" not in page
    assert f'href="/console/cases/{archived}/export"' in page
    _no_identity(page)
    assert archived not in text_of(console.get(f"/console/archive?year={now.year - 1}"))
    refused = console.get("/console/archive?year=abc&q=物流")
    assert refused.status_code == 422 and 'value="abc"' in text_of(refused)
    export = console.get(f"/console/cases/{archived}/export")
    assert export.status_code == 200
    assert export.headers["Content-Disposition"].startswith("attachment;")
    assert export.headers["Content-Security-Policy"].endswith("; sandbox")
    assert [e.type for e in cases.events(archived)][-1] == EventType.CASE_EXPORTED
    console.sign_in_as(Role.CLERK)  # finds it, exports nothing
    page = text_of(console.get(f"/console/archive?q={archived}"))
    assert archived in page and "/export" not in page
    assert console.get(f"/console/cases/{archived}/export").status_code == 403


def _failed(store, clock) -> str:
    number = unique_number()
    message = an_outbox_message(number, clock.now(), status=OutboxStatus.PENDING)
    message.failed(clock.now(), "SMTP 550: <wangxm@qq.com> refused", None)
    store.register(a_case(number, clock.now()), an_identity(number), [message])
    return message.id


def test_failed_mail_is_listed_masked_and_sent_again_with_a_reason(desk):
    console, cases = desk
    outbox_id = _failed(console.store, cases.clock)
    console.sign_in_as(Role.ADMIN)
    page = text_of(console.get("/console/mail/failed"))
    assert "w***@qq.com" in page and "wangxm@qq.com" not in page
    path = f"/console/mail/{outbox_id}/retry"
    forged = console.post(path, {"reason": "已修复"}, token="")
    assert forged.status_code == 403
    blank = console.post(path, {"reason": " "}, form_page="/console/mail/failed")
    assert blank.status_code == 422 and "必填" in text_of(blank)
    assert console.store.get_outbox(outbox_id).status == OutboxStatus.FAILED
    sent = console.post(path, {"reason": "邮件服务器已修复"}, form_page="/console/mail/failed")
    assert sent.status_code == 303 and sent.headers["Location"] == "/console/mail/failed?done=retried"
    assert console.store.get_outbox(outbox_id).status == OutboxStatus.PENDING
    again = console.post(path, {"reason": "再来一次"}, form_page="/console/mail/failed")
    assert again.status_code == 409 and "无需重新发送" in text_of(again)
    console.sign_in_as(Role.HANDLER)
    assert console.post(path, {"reason": "x"}, form_page="/console/me").status_code == 403


def test_the_audit_check_shows_an_intact_chain_and_where_a_broken_one_breaks(desk):
    console, cases = desk
    number = cases.case()
    cases.cases.add_note(cases.member(Role.CLERK), number, text="已电话联系")
    console.sign_in_as(Role.AUDITOR)
    intact = text_of(console.get(f"/console/audit?number={number}"))
    assert "审计链完整" in intact
    alter_event(console.store, number, 2, lambda record: record.update(text="改过的"))
    broken = text_of(console.get(f"/console/audit?number={number}&lang=en"))
    assert "The chain breaks at event 2." in broken and "does not match its hash" in broken
    missing = console.get("/console/audit?number=TS-20261128-NOPE-0")
    assert missing.status_code == 404 and 'value="TS-20261128-NOPE-0"' in text_of(missing)
