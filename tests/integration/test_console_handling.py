"""Handling a case in the console (issue 11): writing to the reporter and the service centre's
approval of a handler's reply, the reporter's answer by phone, the decision drafted, its
compensation approved by a leader and the decision approved (the case closes and its notice is
queued), the decision deadline's extension, contacts, severity and confidentiality — each through
the same service command as the API, shown only to whom the view allows, refused with the text
kept, and what was typed shown escaped."""
from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.cases import EventType, Status
from shared.domain.staff import Role
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.console import text_of
from tests.support.staff_desk import StaffDesk

staff_api, sqlite_staff_api = api_fixtures.staff_api, api_fixtures.sqlite_staff_api
console, sqlite_console = console_fixtures.console, console_fixtures.sqlite_console

HOSTILE = '<script>alert(1)</script>"onmouseover="alert(2)'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&#34;onmouseover=&#34;alert(2)"
DECISION = {
    "outcome": "partly_upheld", "measures": ["refund", "apology"], "compensation_yuan": "",
    "facts_found": "退款申请积压三周。", "grounds": "《用户协议》第 7.2 条", "automated": "no",
    "reasons.decided": "全额退款并致歉。", "reasons.facts": "退款申请于 11 月 1 日提交。",
    "reasons.ground": "《用户协议》第 7.2 条", "reasons.redress": "可在六个月内申请复核，或向 12315 投诉。",
}


@pytest.fixture
def desk(console):
    return console, StaffDesk(console.store, console.api.app.clock)


def _forms(page: str) -> set[str]:
    return set(re.findall(r'action="/console/cases/[\w-]+/([\w-]+)"', page))


def _page(console, number: str) -> str:
    return text_of(console.get(f"/console/cases/{number}"))


def _handler_case(console, cases, status=Status.IN_PROGRESS, **fields):
    """A handler signed in, and a case of theirs in `status`."""
    handler = console.sign_in_as(Role.HANDLER, department="运营部")
    return handler, cases.case(status, assignee=handler.id, department="运营部", **fields)


def test_a_handlers_question_waits_for_a_supervisor_who_approves_it(desk):
    console, cases = desk
    handler, number = _handler_case(console, cases)
    asked = console.post(f"/console/cases/{number}/messages",
                         {"text": "请提供退款申请的截图。", "request_information": "yes"})
    assert asked.status_code == 303 and asked.headers["Location"].endswith("?done=message_reporter")
    [waiting] = console.store.get_case(number).replies
    assert waiting["question"] and waiting["text"] == "请提供退款申请的截图。"
    assert "reply-approval" not in _forms(_page(console, number))  # not one's own
    console.sign_in_as(Role.SUPERVISOR, department="客服中心")
    page = _page(console, number)
    assert {"reply-approval", "reply-send-back"} <= _forms(page)
    assert f'value="{waiting["id"]}" checked' in page and "请提供退款申请的截图。" in page
    approved = console.post(f"/console/cases/{number}/reply-approval", {"reply_id": waiting["id"]})
    assert approved.status_code == 303
    case = console.store.get_case(number)
    assert case.status == Status.AWAITING_REPORTER and case.replies == []
    assert "回复已审核并发出。" in text_of(console.get(approved.headers["Location"]))
    [notice] = [e for e in cases.events(number, EventType.NOTICE_QUEUED)
                if e.data.get("template") == "information_requested"]
    console.sign_in_as(Role.CLERK)  # the reporter phoned the desk with the answer
    answered = console.post(f"/console/cases/{number}/reporter-answers",
                            {"text": "截图已通过邮件发送。"})
    assert answered.status_code == 303
    assert console.store.get_case(number).status == Status.IN_PROGRESS
    assert [e.text for e in cases.events(number, EventType.REPORTER_ANSWERED)] == \
        ["截图已通过邮件发送。"]
    assert notice


def test_a_reply_sent_back_reaches_nobody_and_a_comment_is_needed(desk):
    console, cases = desk
    _, number = _handler_case(console, cases)
    console.post(f"/console/cases/{number}/messages", {"text": "已为您退款。"})
    [waiting] = console.store.get_case(number).replies
    console.sign_in_as(Role.SUPERVISOR, department="客服中心")
    before = cases.snapshot(number)
    refused = console.post(f"/console/cases/{number}/reply-send-back",
                           {"reply_id": waiting["id"], "reason": "  "})
    assert refused.status_code == 422 and "必填" in text_of(refused)
    assert cases.snapshot(number) == before
    sent_back = console.post(f"/console/cases/{number}/reply-send-back",
                             {"reply_id": waiting["id"], "reason": "退款尚未到账，请核实后再回复。"})
    assert sent_back.status_code == 303
    assert console.store.get_case(number).replies == []
    assert cases.events(number, EventType.REPORTER_MESSAGED) == []
    [back] = cases.events(number, EventType.REPLY_SENT_BACK)
    assert back.text == "退款尚未到账，请核实后再回复。"


def test_a_decision_drafted_approved_by_a_leader_and_the_service_centre_closes_the_case(desk):
    console, cases = desk
    _, number = _handler_case(console, cases)
    drafted = console.post(f"/console/cases/{number}/decision",
                           DECISION | {"measures": ["refund", "compensation"],
                                       "compensation_yuan": "600.5"})
    assert drafted.status_code == 303
    record = console.store.get_case(number).decision["record"]
    assert record["outcome"] == "partly_upheld" and record["automated"] is False
    assert [(m["measure"], m["amount_fen"]) for m in record["measures"]] == \
        [("refund", None), ("compensation", 60050)]
    assert record["reasons"]["redress"] == DECISION["reasons.redress"]
    supervisor = console.sign_in_as(Role.SUPERVISOR, department="客服中心")
    page = _page(console, number)
    assert "退款、赔偿 (金额 600.50 元)" in page and "全额退款并致歉。" in page
    early = console.post(f"/console/cases/{number}/decision-approval")
    assert early.status_code == 409 and "须先经领导审批" in text_of(early)
    console.sign_in_as(Role.LEADER)
    assert _forms(_page(console, number)) >= {"compensation-approval"}
    assert console.post(f"/console/cases/{number}/compensation-approval").status_code == 303
    console.use_session(console.api.session(supervisor))
    closed = console.post(f"/console/cases/{number}/decision-approval")
    assert closed.status_code == 303
    assert console.store.get_case(number).status == Status.CLOSED
    assert "案件已办结，结案通知已发出" in text_of(console.get(closed.headers["Location"]))
    assert [e.data.get("template") for e in cases.events(number, EventType.NOTICE_QUEUED)] == \
        ["case_closed"]


def test_a_refused_draft_keeps_every_field_and_the_chosen_measures(desk):
    console, cases = desk
    _, number = _handler_case(console, cases)
    before = cases.snapshot(number)
    typed = DECISION | {"measures": ["refund", "account_suspended"], "compensation_yuan": "12.345",
                        "facts_found": "", "grounds": "第 7.2 条<b>"}
    refused = console.post(f"/console/cases/{number}/decision", typed)
    page = text_of(refused)
    assert refused.status_code == 422 and "请检查标出的字段" in page
    assert cases.snapshot(number) == before
    assert 'name="measures" value="refund" checked' in page
    assert 'name="measures" value="account_suspended" checked' in page
    assert 'name="measures" value="apology" checked' not in page
    assert 'value="12.345"' in page and "第 7.2 条&lt;b&gt;" in page
    assert '<option value="partly_upheld" selected>' in page
    assert 'name="automated" value="no" checked' in page
    for field in ("compensation_yuan", "facts_found", "reasons.scope", "reasons.duration"):
        assert f'id="{field}-error"' in page, field  # the amount, the facts, and what suspending needs
    no_compensation = console.post(f"/console/cases/{number}/decision",
                                   DECISION | {"compensation_yuan": "100"})
    assert no_compensation.status_code == 422 and 'id="compensation_yuan-error"' in \
        text_of(no_compensation)
    assert cases.snapshot(number) == before


def test_a_sent_back_decision_fills_the_form_again(desk):
    console, cases = desk
    handler, number = _handler_case(console, cases)
    console.post(f"/console/cases/{number}/decision", DECISION)
    console.sign_in_as(Role.SUPERVISOR, department="客服中心")
    assert console.post(f"/console/cases/{number}/decision-send-back",
                        {"reason": "请补充退款到账时间。"}).status_code == 303
    console.use_session(console.api.session(handler))
    page = _page(console, number)
    assert "请补充退款到账时间。" in page
    assert '<option value="partly_upheld" selected>' in page and "退款申请积压三周。</textarea>" in page


def test_what_a_role_may_not_do_is_not_shown_and_a_forged_post_is_refused(desk):
    console, cases = desk
    handler, number = _handler_case(console, cases)
    console.post(f"/console/cases/{number}/messages", {"text": "已为您退款。"})
    console.post(f"/console/cases/{number}/decision", DECISION)
    reply_id = console.store.get_case(number).replies[0]["id"]
    page = _page(console, number)
    assert {"notes", "severity"} <= _forms(page)  # what the handler may do is there
    assert not _forms(page) & {"decision-approval", "decision-send-back", "reply-approval",
                               "compensation-approval", "extension-approval"}
    before = cases.snapshot(number)
    for path, data in (("decision-approval", {}), ("reply-approval", {"reply_id": reply_id}),
                       ("decision-send-back", {"reason": "自己退回"})):
        forged = console.post(f"/console/cases/{number}/{path}", data)
        assert forged.status_code == 403 and "无权" in text_of(forged), path
    console.sign_in_as(Role.CLERK)
    assert not _forms(_page(console, number)) & {"messages", "decision"}
    for path, data in (("messages", {"text": "冒充承办人"}), ("decision", DECISION)):
        assert console.post(f"/console/cases/{number}/{path}", data).status_code == 403, path
    assert cases.snapshot(number) == before
    other = console.sign_in_as(Role.HANDLER, department="运营部")  # the same department
    assert other.id != handler.id
    assert "messages" not in _forms(_page(console, number))
    assert console.post(f"/console/cases/{number}/messages", {"text": "不是我的案件"}).status_code \
        == 403
    assert cases.snapshot(number) == before


def test_typed_text_is_shown_escaped_in_replies_and_the_decision(desk):
    console, cases = desk
    _, number = _handler_case(console, cases)
    console.post(f"/console/cases/{number}/messages", {"text": HOSTILE})
    console.post(f"/console/cases/{number}/decision",
                 DECISION | {"facts_found": HOSTILE, "reasons.decided": HOSTILE})
    console.sign_in_as(Role.SUPERVISOR, department="客服中心")
    page = _page(console, number)
    refused = text_of(console.post(f"/console/cases/{number}/decision-send-back",
                                   {"reason": "", "text": HOSTILE}))
    for shown in (page, refused):
        assert "<script>alert" not in shown and '"onmouseover=' not in shown
        assert shown.count(ESCAPED) >= 3  # the waiting reply, the facts, what was decided


def test_the_extension_is_asked_for_by_the_handler_and_decided_by_a_leader(desk):
    console, cases = desk
    due = console.api.app.clock.now() + timedelta(days=14)
    _, number = _handler_case(console, cases, decision_due_at=due, next_due_at=due)
    refused = console.post(f"/console/cases/{number}/extension",
                           {"working_days": "三十", "reason": "需要调取银行流水。"})
    assert refused.status_code == 422 and 'value="三十"' in text_of(refused)
    assert console.post(f"/console/cases/{number}/extension",
                        {"working_days": "5", "reason": "需要调取银行流水。"}).status_code == 303
    console.sign_in_as(Role.LEADER)
    page = _page(console, number)
    assert {"extension-approval", "extension-refusal"} <= _forms(page) and "需要调取银行流水。" in page
    assert console.post(f"/console/cases/{number}/extension-approval").status_code == 303
    assert console.store.get_case(number).decision_due_at > due
    assert len(cases.events(number, EventType.EXTENSION_APPROVED)) == 1


def test_contacts_severity_and_confidentiality_from_the_case_page(desk):
    console, cases = desk
    yesterday = console.api.app.clock.now() - timedelta(days=1)
    _, number = _handler_case(console, cases, received_at=yesterday)
    at = console.api.app.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).strftime(
        "%Y-%m-%dT%H:%M")  # as the datetime-local field sends it: the platform's time
    assert console.post(f"/console/cases/{number}/contacts",
                        {"channel": "phone", "at": at, "summary": "已电话说明处理进度。"}
                        ).status_code == 303
    [contact] = cases.events(number, EventType.CONTACT_RECORDED)
    assert contact.text == "已电话说明处理进度。"
    bad = console.post(f"/console/cases/{number}/contacts",
                       {"channel": "pigeon", "at": "昨天", "summary": "飞鸽传书"})
    assert bad.status_code == 422 and "飞鸽传书</textarea>" in text_of(bad)
    assert console.post(f"/console/cases/{number}/severity",
                        {"severity": "major", "reason": "涉及多名用户。"}).status_code == 303
    assert console.store.get_case(number).severity.value == "major"
    assert 'id="decision-cause"' in _page(console, number)  # a major case's closure report
    assert console.post(f"/console/cases/{number}/confidentiality",
                        {"confidential": "yes", "reason": "涉及员工。"}).status_code == 303
    assert console.store.get_case(number).confidential
