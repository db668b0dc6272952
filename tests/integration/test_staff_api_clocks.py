"""The first-contact and compensation clocks through the staff API, on both stores: a clerk
records a call, a handler records a compensation claim's materials complete; bad input is a 4xx
with a code and words in Chinese and English, and changes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.cases import Status
from shared.domain.staff import Role
from tests.support import staff_api as fixtures
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk, unknown_number

staff_api = fixtures.staff_api


@pytest.fixture
def desk(staff_api):
    return staff_api, StaffDesk(staff_api.store, staff_api.app.clock)


def _fields(answer) -> dict[str, str]:
    return {name: field["code"] for name, field in json_of(answer)["fields"].items()}


def _with_contact_clock(cases: StaffDesk, status: Status = Status.RECEIVED, **fields) -> str:
    now = cases.clock.now()
    due = now + timedelta(hours=4)
    return cases.case(status, received_at=now - timedelta(hours=1), first_contact_due_at=due,
                      next_due_at=due, **fields)


def test_a_clerk_records_a_call_and_the_first_contact_is_met(desk):
    api, cases = desk
    number = _with_contact_clock(cases)
    _, clerk = api.member(Role.CLERK)
    at = (cases.clock.now() - timedelta(minutes=10)).isoformat()
    answer = api.post(f"/cases/{number}/contacts", clerk, json={
        "channel": "phone", "at": at, "summary": "已电话解释，对方表示理解。"})
    assert answer.status_code == 201
    clock = json_of(answer)["first_contact"]
    assert clock["met"] and not clock["late"] and clock["met_at"].startswith(at[:16])


def test_bad_contacts_are_refused_in_both_languages_and_change_nothing(desk):
    api, cases = desk
    number = _with_contact_clock(cases, department="售后部")
    _, clerk = api.member(Role.CLERK)
    # A handler of the department sees the case, but records only on cases assigned to them.
    _, stranger = api.member(Role.HANDLER, department="售后部")
    assert api.get(f"/cases/{number}", stranger).status_code == 200
    assert "record_contact" not in json_of(api.get(f"/cases/{number}", stranger))[
        "allowed_actions"]
    before = cases.snapshot(number)
    path = f"/cases/{number}/contacts"
    bad = api.post(path, clerk, json={"channel": "pigeon", "at": "yesterday", "summary": " "})
    assert bad.status_code == 422
    assert _fields(bad) == {"channel": "invalid", "at": "invalid_time", "summary": "required"}
    assert json_of(bad)["fields"]["at"]["message"].startswith("不是有效的时间")
    future = (cases.clock.now() + timedelta(hours=1)).isoformat()
    early = (cases.clock.now() - timedelta(days=3)).isoformat()
    for at, code, words in ((future, "in_future", "later than today"),
                            (early, "before_receipt", "before the case was received")):
        answer = api.post(path, clerk, json={"channel": "phone", "at": at, "summary": "x"},
                          headers={"Accept-Language": "en"})
        assert answer.status_code == 422 and _fields(answer) == {"at": code}
        assert words in json_of(answer)["fields"]["at"]["message"]
    assert api.post(path, clerk, json={"channel": "phone"}).status_code == 422  # missing fields
    assert api.post(path, stranger, json={"channel": "phone", "at": early, "summary": "x"}
                    ).status_code == 403
    assert json_of(api.post(f"/cases/{unknown_number()}/contacts", clerk, json={
        "channel": "phone", "at": early, "summary": "x"}))["error"] == "case_not_found"
    assert cases.snapshot(number) == before


def test_materials_complete_starts_the_compensation_clock_once(desk):
    api, cases = desk
    handler, token = api.member(Role.HANDLER)
    number = cases.case(Status.IN_PROGRESS, assignee=handler.id)
    path = f"/cases/{number}/compensation/materials-complete"
    assert _fields(api.post(path, token, json={"reason": "  "})) == {"reason": "required"}
    first = api.post(path, token, json={"reason": "发票、照片和检测报告已收齐"})
    assert first.status_code == 200
    clock = json_of(first)["compensation"]
    assert clock["met"] is False and clock["due_at"] > clock["started_at"]
    assert "record_materials_complete" not in json_of(first)["allowed_actions"]
    before = cases.snapshot(number)
    again = api.post(path, token, json={"reason": "再次登记"}, headers={"Accept-Language": "en"})
    assert (again.status_code, json_of(again)["error"]) == (409, "compensation_clock_running")
    assert "recorded complete already" in json_of(again)["message"]
    zh = json_of(api.post(path, token, json={"reason": "再次登记"}))["message"]
    assert "已经登记过赔偿材料齐全" in zh
    received = cases.case(Status.RECEIVED, assignee=handler.id)
    refused = api.post(f"/cases/{received}/compensation/materials-complete", token,
                       json={"reason": "x"})
    assert (refused.status_code, json_of(refused)["error"]) == (409, "transition_not_allowed")
    _, clerk = api.member(Role.CLERK)
    assert api.post(path, clerk, json={"reason": "x"}).status_code == 403
    assert cases.snapshot(number) == before


def test_a_first_contact_overdue_puts_the_case_in_the_overdue_queue_until_a_call(desk):
    api, cases = desk
    now = cases.clock.now()
    number = cases.case(Status.ACCEPTED, received_at=now - timedelta(hours=6),
                        first_contact_due_at=now - timedelta(hours=1), next_due_at=now)
    _, boss = api.member(Role.SUPERVISOR)
    api.app.deadline_sweep.run(60)
    items = json_of(api.get("/cases?queue=overdue", boss))["items"]
    assert [(i["number"], i["overdue_deadline"]) for i in items] == [(number, "first_contact")]
    api.post(f"/cases/{number}/contacts", boss, json={
        "channel": "in_person", "at": now.isoformat(), "summary": "来访，已当面解释。"})
    assert json_of(api.get("/cases?queue=overdue", boss))["items"] == []
