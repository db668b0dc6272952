"""The printable case form through the staff API on both stores: the case's number, dates,
content, handling, decision and sign-off lines in zh-CN and English; every value escaped, no
script, a policy that lets only its own stylesheet apply; the reporter masked; the same access
as reading the case, a confidential case's print recorded."""
from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta

import pytest

from shared.domain.cases import EventType, Severity, Status, TimelineEvent
from shared.domain.staff import Role
from tests.support import staff_api as fixtures
from tests.support.builders import a_decision_record
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk

staff_api = fixtures.staff_api  # the fixture


@pytest.fixture
def desk(staff_api):
    return staff_api, StaffDesk(staff_api.store, staff_api.app.clock)


def closed_case(cases: StaffDesk, **fields) -> str:
    now = cases.clock.now()
    record = a_decision_record()
    number = cases.case(
        Status.CLOSED, decision={"record": record, "sent": record, "drafted_by": "h-li",
                                 "approved_by": "s-wang"},
        closed_at=now - timedelta(days=2), appeal_until=now + timedelta(days=30),
        decision_due_at=now - timedelta(days=3), assignee="h-li", department="运营部",
        severity=Severity.HOT, **fields)
    cases.store.update_case(number, lambda case: case.record(TimelineEvent(
        EventType.CASE_ACCEPTED, now - timedelta(days=9), text="受理：<b>属实</b>",
        actor="staff:c-zhao")))
    return number


def test_the_form_shows_the_case_in_both_languages_escaped_and_without_script(desk):
    api, cases = desk
    number = closed_case(cases, subject="<script>alert(1)</script>订单",
                         description="扣款两次 <img src=x onerror=alert(1)>")
    _, clerk = api.member(Role.CLERK)
    answer = api.get(f"/cases/{number}/print", clerk)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-store"
    html = answer.get_data(as_text=True)
    for fact in ("客户投诉处理表", number, "网页表单", "热点", "运营部", "h-li", "s-wang",
                 "经办人", "审核人", "负责人", "签字", "已告知当事人",
                 "The second charge is refunded.", "受理：&lt;b&gt;属实&lt;/b&gt;",
                 "&lt;script&gt;alert(1)&lt;/script&gt;订单", "&lt;img src=x"):
        assert fact in html, fact
    assert "<script" not in html.lower() and "<img" not in html and "onerror=alert" not in \
        html.replace("&lt;img src=x onerror=alert", "")
    assert "王小明" not in html and "王**" in html and "138****5678" in html  # masked (R20)
    english = api.get(f"/cases/{number}/print?lang=en", clerk).get_data(as_text=True)
    for fact in ("Complaint handling form", number, "web form", "hot", "Handler", "Reviewer",
                 "Head of the centre", "Told to the person", "Key steps", "Accepted"):
        assert fact in english, fact


def test_the_policy_lets_only_the_form_s_own_stylesheet_apply(desk):
    api, cases = desk
    number = closed_case(cases)
    _, clerk = api.member(Role.CLERK)
    answer = api.get(f"/cases/{number}/print", clerk)
    policy = answer.headers["Content-Security-Policy"]
    html = answer.get_data(as_text=True)
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert policy == (f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; "
                      "form-action 'none'; frame-ancestors 'none'")
    assert "@page { size: A4" in style
    in_page = policy.removesuffix("; frame-ancestors 'none'")  # obeyed only as a header
    assert f'content="{in_page}"'.replace("'", "&#39;") in html  # kept when saved to disk


def test_printing_follows_the_reading_rules_and_a_confidential_print_is_recorded(desk):
    api, cases = desk
    secret = closed_case(cases, confidential=True)
    _, clerk = api.member(Role.CLERK)
    _, handler = api.member(Role.HANDLER)  # another department, not assigned
    assert json_of(api.get(f"/cases/{secret}/print", clerk))["action"] == \
        "read_confidential_case"
    assert json_of(api.get(f"/cases/{secret}/print", handler))["error"] == "forbidden"
    assert not cases.events(secret, EventType.CONFIDENTIAL_CASE_READ)
    _, supervisor = api.member(Role.SUPERVISOR)
    assert api.get(f"/cases/{secret}/print", supervisor).status_code == 200
    (read,) = cases.events(secret, EventType.CONFIDENTIAL_CASE_READ)
    assert read.data["read"] == "print"
    assert api.get(f"/cases/{secret}/print?x=1", supervisor).status_code == 422
