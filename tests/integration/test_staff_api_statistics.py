"""GET /statistics (R19) on both stores: the bulletin as JSON for supervisors, leaders and
auditors; 403 for the other roles; a bad period is 422 naming the field, never a 500."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from shared.domain.staff import Role
from tests.support import staff_api as fixtures
from tests.support.staff_api import json_of

staff_api = fixtures.staff_api  # the fixture, on both stores

PHONE_CALL = {"channel": "phone", "kind": "complaint", "category": "billing",
              "subject": "<script>alert(1)</script>", "description": "来电称重复扣费两次，要求退款。",
              "name": "王小明", "email": "wangxm@qq.com", "phone": "13812345678"}


def fields_of(answer) -> dict:
    assert answer.status_code == 422, answer.get_data(as_text=True)
    return {name: f["code"] for name, f in json_of(answer)["fields"].items()}


def test_this_months_bulletin_counts_a_case_registered_now(staff_api):
    _, clerk = staff_api.member(Role.CLERK)
    _, leader = staff_api.member(Role.LEADER)
    assert json_of(staff_api.get("/statistics", leader))["received"] == 0
    assert staff_api.post("/cases", clerk, json=PHONE_CALL).status_code == 201
    bulletin = json_of(staff_api.get("/statistics", leader))
    assert (bulletin["received"], bulletin["by_channel"], bulletin["by_category"]) == (
        1, {"phone": 1}, {"billing": 1})
    today = staff_api.app.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert bulletin["period"]["start"] == today.replace(day=1).isoformat()
    assert bulletin["satisfaction"]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}


@pytest.mark.parametrize("role, status", [
    (Role.SUPERVISOR, 200), (Role.LEADER, 200), (Role.AUDITOR, 200),
    (Role.CLERK, 403), (Role.HANDLER, 403), (Role.ADMIN, 403)])
def test_who_may_read_the_bulletin(staff_api, role, status):
    _, token = staff_api.member(role)
    assert staff_api.get("/statistics?month=2026-11", token).status_code == status
    assert staff_api.get("/statistics?month=2026-11").status_code == 401


@pytest.mark.parametrize("query, fields", [
    ("month=2026-13", {"month": "invalid"}),
    ("month=9999-12", {"month": "invalid"}),
    ("month=2026-1", {"month": "invalid"}),
    ("month=%3Cscript%3E", {"month": "invalid"}),
    ("month=2026-11&from=2026-11-01&to=2026-12-01", {"month": "invalid"}),
    ("from=2026-11-01", {"to": "required"}),
    ("to=2026-11-01", {"from": "required"}),
    ("from=2026-11-31&to=2026-12-01", {"from": "invalid"}),
    ("from=2026-11-02&to=2026-11-02", {"to": "out_of_range"}),
    ("from=2026-11-01&to=2027-11-03", {"to": "out_of_range"}),
    ("year=2026", {"year": "unknown_field"}),
])
def test_a_bad_period_is_refused_with_its_field(staff_api, query, fields):
    _, leader = staff_api.member(Role.LEADER)
    assert fields_of(staff_api.get(f"/statistics?{query}", leader)) == fields


def test_any_range_of_days_up_to_a_year(staff_api):
    _, auditor = staff_api.member(Role.AUDITOR)
    answer = json_of(staff_api.get("/statistics?from=2026-01-01&to=2027-01-01", auditor))
    assert answer["period"] == {"start": "2026-01-01", "end": "2027-01-01"}
