"""The respondent's notice and corrective actions through the staff API, on both stores: each
route's happy path and its refusals (role, need-to-know, lifecycle, bad input, a second
completion) in JSON."""
from __future__ import annotations

import pytest

from shared.domain.cases import Status
from shared.domain.staff import Role
from tests.support import staff_api as fixtures
from tests.support.builders import a_decision_record
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk

staff_api = fixtures.staff_api  # the fixture


@pytest.fixture
def desk(staff_api):
    return staff_api, StaffDesk(staff_api.store, staff_api.app.clock)


def _error(answer) -> tuple[int, str]:
    return answer.status_code, json_of(answer)["error"]


def test_the_respondent_is_told_over_http_once_per_request_id(desk):
    api, cases = desk
    handler, token = api.member(Role.HANDLER, department="运营部")
    decision = a_decision_record(measures=[{"measure": "content_removed"}],
                                 reasons={**a_decision_record()["reasons"], "scope": "全平台"})
    number = cases.case(Status.CLOSED, assignee=handler.id, department="运营部",
                        decision={"record": decision, "sent": decision})
    path = f"/cases/{number}/respondent-notice"
    body = {"address": "seller@example.com", "language": "en", "note": "请整改",
            "request_id": "http-notice-1"}
    for _ in range(2):
        answer = api.post(path, token, json=body)
        assert answer.status_code == 200, answer.get_data(as_text=True)
    shown = json_of(api.get(f"/cases/{number}/events", token))["events"]
    told = [e for e in shown if e["type"] == "respondent_notified"]
    assert len(told) == 1 and told[0]["data"]["to"] == "s***@example.com"
    assert "seller@example.com" not in str(shown)
    bad = api.post(path, token, json={"address": "nobody", "language": "fr"})
    assert bad.status_code == 422
    assert {k: f["code"] for k, f in json_of(bad)["fields"].items()} == {
        "address": "invalid_email", "language": "invalid_choice"}
    assert api.post(path, token, json={"address": 7}).status_code == 422
    assert api.post(path, token, json={"address": "a@example.com", "who": 1}).status_code == 422
    _, clerk = api.member(Role.CLERK)
    assert _error(api.post(path, clerk, json={"address": "a@example.com"})) == (403, "forbidden")
    open_case = cases.case(Status.IN_PROGRESS, assignee=handler.id, department="运营部")
    assert _error(api.post(f"/cases/{open_case}/respondent-notice", token,
                           json={"address": "a@example.com"})) == (409, "transition_not_allowed")


def test_corrective_actions_over_http_and_a_second_completion_is_409(desk):
    api, cases = desk
    handler, token = api.member(Role.HANDLER, department="运营部")
    number = cases.case(Status.IN_PROGRESS, assignee=handler.id, department="运营部")
    path = f"/cases/{number}/corrective-actions"
    answer = api.post(path, token, json={"text": "修订退款流程", "owner": handler.id,
                                         "due_on": "2099-12-31"})
    assert answer.status_code == 201, answer.get_data(as_text=True)
    assert json_of(answer)["corrective_actions"][0]["due_on"] == "2099-12-31"
    done = api.post(f"{path}/1/done", token, json={"note": "已修订"})
    assert done.status_code == 200 and json_of(done)["corrective_actions"][0]["done_note"] == "已修订"
    assert _error(api.post(f"{path}/1/done", token, json={"note": "again"})) == (
        409, "corrective_action_done")
    assert _error(api.post(f"{path}/7/done", token, json={"note": "x"})) == (
        409, "no_such_corrective_action")
    missing = api.post(path, token, json={"text": "t"})
    assert {k: f["code"] for k, f in json_of(missing)["fields"].items()} == {
        "owner": "required", "due_on": "required"}
    past = api.post(path, token, json={"text": "t", "owner": handler.id, "due_on": "2020-01-01"})
    assert {k: f["code"] for k, f in json_of(past)["fields"].items()} == {"due_on": "in_past"}
    _, auditor = api.member(Role.AUDITOR)
    assert _error(api.post(f"{path}/1/done", auditor, json={"note": "x"})) == (403, "forbidden")
