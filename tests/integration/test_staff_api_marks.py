"""Report marks and rewards through the staff API (R21), on both stores: each route's answer and
its refusals (role table, need-to-know, lifecycle, bad input), in JSON. The rules are tested in
depth in test_report_marks.py and test_rewards.py; here, that the HTTP door reaches them."""
from __future__ import annotations

import pytest

from shared.domain.cases import Kind, ReporterIdentity, Status
from shared.domain.staff import Role
from tests.support import staff_api as fixtures
from tests.support.builders import a_decision_record
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk, unknown_number

staff_api = fixtures.staff_api  # the fixture


@pytest.fixture
def desk(staff_api):
    return staff_api, StaffDesk(staff_api.store, staff_api.app.clock)


def _error(answer) -> tuple[int, str]:
    return answer.status_code, json_of(answer)["error"]


def _fields(answer) -> dict:
    assert answer.status_code == 422, answer.get_data(as_text=True)
    return {name: f["code"] for name, f in json_of(answer)["fields"].items()}


def test_a_mark_is_set_over_http_and_shows_on_the_reporters_later_case(desk):
    api, cases = desk
    first = cases.case(Status.CLOSED, identity=ReporterIdentity("", email="Zhang.San@Example.com",
                                                                phone="+86 139 0000 1111"))
    later = cases.case(identity=ReporterIdentity("", phone="139-0000-1111"))
    _, supervisor = api.member(Role.SUPERVISOR)
    shown = json_of(api.post(f"/cases/{first}/mark", supervisor,
                             json={"mark": "malicious", "reason": "捏造事实"}))
    assert shown["number"] == first and shown["report_mark"] == "malicious"
    _, clerk = api.member(Role.CLERK)
    history = json_of(api.get(f"/cases/{later}/reporter-history", clerk))
    assert (history["malicious"], history["unfounded"], history["matched_on"]) == (1, 0, ["phone"])
    assert [c["number"] for c in history["cases"]] == [first]
    assert "zhang" not in str(history).lower() and "1111" not in str(history)


def test_marks_are_refused_as_elsewhere(desk):
    api, cases = desk
    number = cases.case(Status.IN_PROGRESS)
    _, clerk = api.member(Role.CLERK)
    _, supervisor = api.member(Role.SUPERVISOR)
    assert _error(api.post(f"/cases/{number}/mark", clerk, json={"mark": "malicious",
                                                                 "reason": "r"})) == (403, "forbidden")
    assert _fields(api.post(f"/cases/{number}/mark", supervisor, json={"mark": "spam", "reason": ""})
                   ) == {"mark": "invalid", "reason": "required"}
    assert _fields(api.post(f"/cases/{number}/mark", supervisor, json={"mark": 1, "why": "r"})) == {
        "mark": "wrong_type", "why": "unknown_field", "reason": "required"}
    assert _error(api.post(f"/cases/{unknown_number()}/mark", supervisor,
                           json={"mark": "malicious", "reason": "r"})) == (404, "case_not_found")
    archived = cases.case(Status.ARCHIVED)
    assert _error(api.post(f"/cases/{archived}/mark", supervisor, json={
        "mark": "malicious", "reason": "r"})) == (409, "transition_not_allowed")
    _, admin = api.member(Role.ADMIN)
    assert _error(api.get(f"/cases/{number}/reporter-history", admin)) == (403, "forbidden")
    assert api.store.get_case(number).report_mark == ""


def test_a_reward_is_recorded_once_and_listed_in_the_ledger(desk):
    api, cases = desk
    record = a_decision_record(outcome="upheld")
    number = cases.case(Status.CLOSED, kind=Kind.REPORT, decision={"record": record, "sent": record})
    leader, _ = api.member(Role.LEADER)
    _, supervisor = api.member(Role.SUPERVISOR)
    body = {"amount_fen": 30000, "approved_by": leader.id, "paid_on": "2026-11-27",
            "request_id": "http-reward-1"}
    first = api.post(f"/cases/{number}/rewards", supervisor, json=body)
    assert first.status_code == 201
    entry = json_of(first)["reward"]
    again = api.post(f"/cases/{number}/rewards", supervisor, json=body)
    assert again.status_code == 200 and json_of(again)["repeated"]
    assert json_of(again)["reward"] == entry
    _, auditor = api.member(Role.AUDITOR)
    ledger = json_of(api.get("/rewards?from=2026-11-01&until=2026-11-30", auditor))
    assert ledger["rewards"] == [entry] and ledger["next"] is None
    assert ledger["totals"]["count"] == 1 and ledger["totals"]["amount_fen"] == 30000
    assert json_of(api.get("/rewards?limit=1", auditor))["next"] is None


def test_rewards_are_refused_as_elsewhere(desk):
    api, cases = desk
    record = a_decision_record(outcome="not_upheld")
    number = cases.case(Status.CLOSED, kind=Kind.REPORT, decision={"record": record, "sent": record})
    leader, _ = api.member(Role.LEADER)
    _, supervisor = api.member(Role.SUPERVISOR)
    _, handler = api.member(Role.HANDLER)
    body = {"amount_fen": 30000, "approved_by": leader.id, "paid_on": "2026-11-27",
            "request_id": "http-reward-2"}
    assert _error(api.post(f"/cases/{number}/rewards", supervisor, json=body)) == (409, "not_upheld")
    assert _error(api.post(f"/cases/{number}/rewards", handler, json=body)) == (403, "forbidden")
    assert _fields(api.post(f"/cases/{number}/rewards", supervisor, json={
        **body, "amount_fen": "300", "paid_on": "2099-01-01"})) == {"amount_fen": "wrong_type"}
    assert _fields(api.post(f"/cases/{number}/rewards", supervisor, json={
        **body, "amount_fen": 0, "paid_on": "2099-01-01", "approved_by": "nobody"})) == {
        "amount_fen": "too_small", "paid_on": "in_future", "approved_by": "unknown_staff"}
    assert _fields(api.post(f"/cases/{number}/rewards", supervisor, json={})) == {
        name: "required" for name in ("amount_fen", "approved_by", "paid_on", "request_id")}
    assert _error(api.get("/rewards", handler)) == (403, "forbidden")
    assert _fields(api.get("/rewards?limit=x&after=bad&sort=up", supervisor)) == {
        "limit": "invalid", "sort": "unknown_field"}
    assert _fields(api.get("/rewards?after=bad", supervisor)) == {"after": "invalid_cursor"}
    assert json_of(api.get("/rewards", supervisor)) == {"rewards": [], "next": None}
