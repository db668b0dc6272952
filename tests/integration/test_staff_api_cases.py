"""Staff commands on a case through the staff API, on both stores: each route's happy path and a
refusal (role table, need-to-know, lifecycle, bad input), answered in JSON with the case as the
member may see it. The commands' rules are tested in depth in test_staff_cases*.py; here, that
the HTTP door reaches them and maps every refusal."""
from __future__ import annotations

import pytest

from shared.domain.cases import Status
from shared.domain.staff import Requester, Role
from tests.support import staff_api as fixtures
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk, unknown_number

staff_api, sqlite_staff_api = fixtures.staff_api, fixtures.sqlite_staff_api  # the fixtures


@pytest.fixture
def desk(staff_api):
    """(api, StaffDesk on the function's own store and clock)."""
    return staff_api, StaffDesk(staff_api.store, staff_api.app.clock)


def _error(answer) -> tuple[int, str]:
    return answer.status_code, json_of(answer)["error"]


def _fields(answer) -> dict:
    assert answer.status_code == 422, answer.get_data(as_text=True)
    return {name: f["code"] for name, f in json_of(answer)["fields"].items()}


def test_a_case_is_shown_with_its_reporter_masked(desk):
    api, cases = desk
    number = cases.case()
    _, clerk = api.member(Role.CLERK)
    shown = json_of(api.get(f"/cases/{number}", clerk))
    assert shown["number"] == number and shown["status"] == "received"
    assert shown["reporter"]["name"] == "王**" and "wangxm" not in str(shown)
    assert "accept" in " ".join(shown["allowed_actions"])
    assert _error(api.get(f"/cases/{unknown_number()}", clerk)) == (404, "case_not_found")
    assert _error(api.get("/cases/not-a-number", clerk)) == (404, "case_not_found")
    _, admin = api.member(Role.ADMIN)
    assert _error(api.get(f"/cases/{number}", admin)) == (403, "forbidden")


def test_the_timeline_pages_after_a_sequence_number(desk):
    api, cases = desk
    number = cases.case()
    _, clerk = api.member(Role.CLERK)
    for i in range(3):
        api.post(f"/cases/{number}/notes", clerk, json={"text": f"备注 {i}"})
    first = json_of(api.get(f"/cases/{number}/events?limit=2", clerk))
    assert len(first["events"]) == 2 and first["next"] == first["events"][-1]["seq"]
    rest = json_of(api.get(f"/cases/{number}/events?after={first['next']}", clerk))
    assert rest["events"][0]["seq"] == first["next"] + 1 and rest["next"] is None
    assert [e["text"] for e in rest["events"]][-1] == "备注 2"
    assert _fields(api.get(f"/cases/{number}/events?after=-1", clerk)) == {"after": "invalid"}
    assert _fields(api.get(f"/cases/{number}/events?limit=999", clerk)) == {"limit": "invalid"}


def test_initial_review_accepts_once(desk):
    api, cases = desk
    number = cases.case()
    _, clerk = api.member(Role.CLERK)
    accepted = api.post(f"/cases/{number}/accept", clerk, json={"note": "事实清楚"})
    assert json_of(accepted)["status"] == "accepted"
    again = api.post(f"/cases/{number}/accept", clerk)
    assert _error(again) == (409, "transition_not_allowed")
    assert json_of(again)["status"] == "accepted"
    _, handler = api.member(Role.HANDLER)
    assert _error(api.post(f"/cases/{cases.case()}/accept", handler)) == (403, "forbidden")


def test_a_case_is_rejected_on_a_ground_and_reopened_by_a_supervisor(desk):
    api, cases = desk
    number = cases.case()
    _, clerk = api.member(Role.CLERK)
    assert _fields(api.post(f"/cases/{number}/reject", clerk, json={"reason": "boring"})) == \
        {"reason": "invalid"}
    rejected = api.post(f"/cases/{number}/reject", clerk,
                        json={"reason": "other", "text": "与本平台无关的个人纠纷"})
    assert json_of(rejected)["status"] == "rejected"
    assert _error(api.post(f"/cases/{number}/reopen", clerk, json={"reason": "x"})) == \
        (403, "forbidden")
    _, supervisor = api.member(Role.SUPERVISOR)
    reopened = api.post(f"/cases/{number}/reopen", supervisor, json={"reason": "补充了证据"})
    assert json_of(reopened)["status"] == "received"


def test_classification_and_severity(desk):
    api, cases = desk
    number = cases.case(Status.ACCEPTED)
    _, supervisor = api.member(Role.SUPERVISOR)
    classified = api.post(f"/cases/{number}/classification", supervisor, json={
        "category": "staff_conduct", "flags": {"media_exposure": "exposed"}, "reason": "媒体报道"})
    body = json_of(classified)
    assert body["category"] == "staff_conduct" and body["severity"] == "major"
    assert _fields(api.post(f"/cases/{number}/classification", supervisor,
                            json={"flags": {"mood": "angry"}, "reason": "x"})) == \
        {"flags.mood": "unknown"}
    assert _fields(api.post(f"/cases/{number}/classification", supervisor,
                            json={"flags": ["media"], "reason": "x"})) == {"flags": "wrong_type"}
    lowered = api.post(f"/cases/{number}/severity", supervisor,
                       json={"severity": "important", "reason": "报道已更正"})
    assert json_of(lowered)["severity"] == "important"
    assert _fields(api.post(f"/cases/{number}/severity", supervisor,
                            json={"severity": "apocalyptic", "reason": "x"})) == \
        {"severity": "invalid"}


def test_assignment_and_recusal(desk):
    api, cases = desk
    handler, handler_token = api.member(Role.HANDLER, department="运营部", conflicts=("某某公司",))
    _, supervisor = api.member(Role.SUPERVISOR, department="客服中心")
    number = cases.case(Status.ACCEPTED)
    assigned = api.post(f"/cases/{number}/assignment", supervisor,
                        json={"assignee": handler.id, "department": "运营部"})
    assert json_of(assigned)["status"] == "assigned"
    assert json_of(assigned)["assignee"] == handler.id
    conflicted = cases.case(Status.ACCEPTED, respondent="某某公司")
    refused = api.post(f"/cases/{conflicted}/assignment", supervisor,
                       json={"assignee": handler.id})
    assert _error(refused) == (409, "command_refused")
    assert "R23" in json_of(refused)["reason"]
    started = api.post(f"/cases/{number}/start", handler_token)
    assert json_of(started)["status"] == "in_progress"
    _, other = api.member(Role.HANDLER, department="运营部")
    assert api.post(f"/cases/{cases.case(Status.ASSIGNED, assignee=handler.id)}/start",
                    other).status_code in (403, 409)
    assert _fields(api.post(f"/cases/{number}/start", handler_token, json={"x": 1})) == \
        {"x": "unknown_field"}


def test_notes_messages_and_the_reporters_answer(desk):
    api, cases = desk
    handler, token = api.member(Role.HANDLER)
    number = cases.assigned_to(Requester(handler))
    assert _fields(api.post(f"/cases/{number}/notes", token, json={"text": "  "})) == \
        {"text": "required"}
    noted = api.post(f"/cases/{number}/notes", token, json={"text": "已电话联系"})
    assert json_of(noted)["event_count"] > 0
    assert _fields(api.post(f"/cases/{number}/messages", token,
                            json={"text": "请补充订单截图", "request_information": "yes"})) == \
        {"request_information": "wrong_type"}
    drafted = json_of(api.post(f"/cases/{number}/messages", token,
                               json={"text": "请补充订单截图", "request_information": True}))
    [waiting] = drafted["replies_waiting"]  # R12: the service centre approves it first
    assert drafted["status"] == "in_progress" and waiting["question"]
    assert _error(api.post(f"/cases/{number}/replies/{waiting['id']}/approve", token)) == \
        (403, "forbidden")
    _, supervisor = api.member(Role.SUPERVISOR)
    asked = api.post(f"/cases/{number}/replies/{waiting['id']}/approve", supervisor)
    assert json_of(asked)["status"] == "awaiting_reporter"
    assert _error(api.post(f"/cases/{number}/replies/{waiting['id']}/approve", supervisor)) == \
        (409, "no_such_reply")
    answered = api.post(f"/cases/{number}/reporter-answers", token,
                        json={"text": "电话中说明：截图已丢失"})
    assert json_of(answered)["status"] == "in_progress"
    again = api.post(f"/cases/{number}/reporter-answers", token, json={"text": "又一次"})
    assert _error(again) == (409, "transition_not_allowed")


def test_referral_to_an_authority(desk):
    api, cases = desk
    handler, token = api.member(Role.HANDLER)
    number = cases.assigned_to(Requester(handler))
    referred = api.post(f"/cases/{number}/referrals", token, json={
        "authority": "public_security", "referred_on": "2026-11-27", "reference": "沪公网 123"})
    assert referred.status_code == 200
    assert _fields(api.post(f"/cases/{number}/referrals", token, json={
        "authority": "court", "referred_on": "2999-01-01"})) == {"referred_on": "in_future"}


def test_identity_reveal_is_for_the_handler_with_a_reason(desk):
    api, cases = desk
    handler, token = api.member(Role.HANDLER)
    number = cases.assigned_to(Requester(handler))
    assert _fields(api.post(f"/cases/{number}/identity/reveal", token, json={"reason": ""})) == \
        {"reason": "required"}
    revealed = json_of(api.post(f"/cases/{number}/identity/reveal", token,
                                json={"reason": "需要电话核实"}))
    assert (revealed["name"], revealed["email"]) == ("王小明", "wangxm@qq.com")
    _, clerk = api.member(Role.CLERK)
    assert _error(api.post(f"/cases/{number}/identity/reveal", clerk,
                           json={"reason": "好奇"})) == (403, "forbidden")


def test_a_confidential_case_is_closed_to_others(desk):
    api, cases = desk
    handler, token = api.member(Role.HANDLER)
    number = cases.assigned_to(Requester(handler))
    marked = api.post(f"/cases/{number}/confidentiality", token,
                      json={"confidential": True, "reason": "举报人要求保密"})
    assert json_of(marked)["confidential"] is True
    _, clerk = api.member(Role.CLERK)
    assert _error(api.get(f"/cases/{number}", clerk)) == (403, "forbidden")
    assert _fields(api.post(f"/cases/{number}/confidentiality", token,
                            json={"confidential": "true", "reason": "x"})) == \
        {"confidential": "wrong_type"}


def test_the_audit_chain_check_is_for_auditors(desk):
    api, cases = desk
    number = cases.case()
    _, clerk = api.member(Role.CLERK)
    api.post(f"/cases/{number}/accept", clerk)
    _, auditor = api.member(Role.AUDITOR)
    checked = json_of(api.get(f"/cases/{number}/audit", auditor))
    assert checked["intact"] is True and checked["break"] is None
    assert _error(api.get(f"/cases/{number}/audit", clerk)) == (403, "forbidden")
