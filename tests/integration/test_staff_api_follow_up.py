"""Follow-up calls (回访记录, R17) and the follow-up queue through the staff API, on both stores."""
from __future__ import annotations

import pytest

from shared.domain.cases import EventType, Status
from shared.domain.staff import Role
from tests.support import staff_api as fixtures
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk, unknown_number

staff_api = fixtures.staff_api

UNSATISFIED = {"rating": 1, "comment": "没有解决", "task_open": True,
               "task_opened_at": "2026-11-28T12:30:00+00:00", "rated_notices": ["o1"]}


@pytest.fixture
def desk(staff_api):
    return staff_api, StaffDesk(staff_api.store, staff_api.app.clock)


def _error(answer) -> tuple[int, str]:
    return answer.status_code, json_of(answer)["error"]


def test_a_clerk_calls_back_and_closes_the_task_and_the_case_leaves_the_queue(desk):
    api, cases = desk
    number = cases.case(Status.CLOSED, follow_up=dict(UNSATISFIED))
    _, clerk = api.member(Role.CLERK)
    queue = json_of(api.get("/cases?queue=follow_up", clerk))
    assert [item["number"] for item in queue["items"]] == [number]
    unreachable = api.post(f"/cases/{number}/follow-ups", clerk,
                           json={"outcome": "unreachable", "note": "无人接听"})
    assert unreachable.status_code == 200
    assert json_of(api.get("/cases?queue=follow_up", clerk))["items"]  # still open
    done = json_of(api.post(f"/cases/{number}/follow-ups", clerk, json={
        "outcome": "satisfied", "note": "已解释处理结果，对方表示理解", "closes_task": True}))
    assert done["follow_up"]["task_open"] is False and done["follow_up"]["calls"] == 2
    assert json_of(api.get("/cases?queue=follow_up", clerk))["items"] == []
    recorded = cases.events(number, EventType.FOLLOW_UP_RECORDED)
    assert [e.data["outcome"] for e in recorded] == ["unreachable", "satisfied"]
    again = api.post(f"/cases/{number}/follow-ups", clerk, json={
        "outcome": "satisfied", "note": "再次关闭", "closes_task": True})
    assert _error(again) == (409, "no_follow_up_task")


def test_refusals_change_nothing(desk):
    api, cases = desk
    number = cases.case(Status.CLOSED, follow_up=dict(UNSATISFIED))
    open_case = cases.case(Status.IN_PROGRESS)
    _, clerk = api.member(Role.CLERK)
    _, handler = api.member(Role.HANDLER)
    before = cases.snapshot(number)
    path = f"/cases/{number}/follow-ups"
    assert _error(api.post(path, handler, json={"outcome": "other", "note": "x"})) == (
        403, "forbidden")
    bad = api.post(path, clerk, json={"outcome": "happy", "note": " ", "closes_task": "yes"})
    assert bad.status_code == 422
    assert set(json_of(bad)["fields"]) == {"closes_task"}  # mistyped at the door
    bad = api.post(path, clerk, json={"outcome": "happy", "note": "x" * 2001})
    assert {n: f["code"] for n, f in json_of(bad)["fields"].items()} == {
        "outcome": "invalid", "note": "too_long"}
    assert _error(api.post(f"/cases/{open_case}/follow-ups", clerk, json={
        "outcome": "other", "note": "x"}))[0] == 409
    assert _error(api.post(f"/cases/{unknown_number()}/follow-ups", clerk, json={
        "outcome": "other", "note": "x"})) == (404, "case_not_found")
    assert cases.snapshot(number) == before


def test_the_follow_up_queue_is_read_in_its_own_order_only(desk):
    api, _ = desk
    _, clerk = api.member(Role.CLERK)
    for name, value in (("order", "newest_first"), ("words", "退款"), ("year", "2026")):
        answer = api.get(f"/cases?queue=follow_up&{name}={value}", clerk)
        assert answer.status_code == 422
        assert {n: f["code"] for n, f in json_of(answer)["fields"].items()} == {
            name: "not_in_queue"}
    assert api.get("/cases?queue=follow_up&order=follow_up_oldest_first", clerk).status_code \
        == 200
