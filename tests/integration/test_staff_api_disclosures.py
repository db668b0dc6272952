"""Public disclosure of a major case through the staff API (R22): each route's answer and its
refusals in JSON, in both languages. The rules are tested in depth in test_disclosures.py; here,
that the HTTP door reaches them."""
from __future__ import annotations

import pytest

from shared.domain.cases import Severity, Status
from shared.domain.staff import Role
from tests.integration.test_disclosures import SUMMARY
from tests.support import staff_api as fixtures
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk

sqlite_staff_api = fixtures.sqlite_staff_api  # the fixture


@pytest.fixture
def desk(sqlite_staff_api):
    return sqlite_staff_api, StaffDesk(sqlite_staff_api.store, sqlite_staff_api.app.clock)


def test_propose_approve_and_the_refusals_over_http(desk):
    api, cases = desk
    number = cases.case(Status.CLOSED, severity=Severity.MAJOR)
    _, proposer = api.member(Role.SUPERVISOR)
    _, reviewer = api.member(Role.SUPERVISOR)
    shown = json_of(api.post(f"/cases/{number}/disclosure", proposer, json=SUMMARY))
    assert shown["disclosure"]["state"] == "proposed"
    assert "approve_disclosure" not in shown["allowed_actions"]  # not the proposer's to approve
    own = api.post(f"/cases/{number}/disclosure/approve?lang=en", proposer, json={})
    assert own.status_code == 409 and json_of(own)["error"] == "own_proposal"
    assert "other than who proposed" in json_of(own)["message"]
    seen = json_of(api.get(f"/cases/{number}", reviewer))
    assert "approve_disclosure" in seen["allowed_actions"]
    approved = json_of(api.post(f"/cases/{number}/disclosure/approve", reviewer, json={}))
    assert approved["disclosure"]["state"] == "approved"
    withdrawn = api.post(f"/cases/{number}/disclosure/withdraw", reviewer, json={})
    assert withdrawn.status_code == 422  # the reason is required


def test_identifying_text_and_a_case_that_is_not_major(desk):
    api, cases = desk
    _, supervisor = api.member(Role.SUPERVISOR)
    general = cases.case(Status.CLOSED)
    refused = api.post(f"/cases/{general}/disclosure", supervisor, json=SUMMARY)
    assert refused.status_code == 409 and json_of(refused)["error"] == "not_major"
    assert json_of(refused)["message"] == "只有重大案件可以向社会公示。"
    major = cases.case(Status.CLOSED, severity=Severity.MAJOR)
    answer = api.post(f"/cases/{major}/disclosure", supervisor,
                      json={**SUMMARY, "cause": "用户 wangxm@qq.com 投诉"})
    assert answer.status_code == 422
    field = json_of(answer)["fields"]["cause"]
    assert field["code"] == "identifying" and "公示内容不得含有" in field["message"]
