"""Queues, search and offline registration through the staff API, on both stores: a clerk
registers a phone complaint (number and code once), finds it in the new queue and by number, and
hostile or mistyped parameters are refused, field by field, with nothing written."""
from __future__ import annotations

import pytest

from shared.domain.staff import Role
from tests.support import staff_api as fixtures
from tests.support.mailbox import read_mailbox
from tests.support.staff_api import json_of

staff_api, sqlite_staff_api = fixtures.staff_api, fixtures.sqlite_staff_api  # the fixtures

PHONE_CALL = {"channel": "phone", "kind": "complaint", "category": "service",
              "subject": "退款三周未到账", "description": "来电称退款申请三周未处理，客服电话打不通。",
              "name": "王小明", "phone": "13812345678", "email": "wangxm@qq.com"}


def _count(api) -> int:
    from shared.domain.queues import CaseQuery

    return len(api.store.find_cases(CaseQuery(), limit=50).cases)


def test_a_clerk_registers_a_phone_complaint_and_finds_it(staff_api):
    api = staff_api
    _, clerk = api.member(Role.CLERK)
    registered = api.post("/cases", clerk, json=PHONE_CALL)
    assert registered.status_code == 201
    body = json_of(registered)
    assert body["number"].startswith("TS-") and body["channel"] == "phone"
    assert body["access_code"] and body["acknowledgment_queued"] is True
    new = json_of(api.get("/cases?queue=new", clerk))
    assert [item["number"] for item in new["items"]] == [body["number"]]
    typed = body["number"].lower().replace("-", " ")
    found = json_of(api.get(f"/cases?number={typed}", clerk))
    assert [item["number"] for item in found["items"]] == [body["number"]]
    assert "access_code" not in str(found) and "王小明" not in str(found)
    by_words = json_of(api.get("/cases?words=退款", clerk))
    assert [item["number"] for item in by_words["items"]] == [body["number"]]


def test_a_registration_retried_with_its_request_id_opens_one_case(sqlite_staff_api):
    api = sqlite_staff_api
    _, clerk = api.member(Role.CLERK)
    first = json_of(api.post("/cases", clerk, json={**PHONE_CALL, "request_id": "call-2026-0001"}))
    again = json_of(api.post("/cases", clerk, json={**PHONE_CALL, "request_id": "call-2026-0001"}))
    assert (again["number"], again["access_code"]) == (first["number"], first["access_code"])
    assert _count(api) == 1


@pytest.mark.parametrize("change,errors", [
    ({"channel": "email"}, {"channel"}),
    ({"subject": ""}, {"subject"}),
    ({"phone": 13812345678}, {"phone"}),
    ({"referral": {"source": "12377"}}, {"referral"}),
    ({"received_at": "2999-01-01T00:00:00Z"}, {"received_at"}),
    ({"nickname": "小王"}, {"nickname"}),
    ({"who": "admin"}, {"who"}),
])
def test_bad_registrations_write_nothing(sqlite_staff_api, change, errors):
    api = sqlite_staff_api
    _, clerk = api.member(Role.CLERK)
    answer = api.post("/cases?lang=en", clerk, json={**PHONE_CALL, **change})
    assert answer.status_code == 422, answer.get_data(as_text=True)
    assert set(json_of(answer)["fields"]) == errors
    assert _count(api) == 0


def test_only_clerks_and_supervisors_register(sqlite_staff_api):
    api = sqlite_staff_api
    _, handler = api.member(Role.HANDLER)
    answer = api.post("/cases", handler, json=PHONE_CALL)
    assert (answer.status_code, json_of(answer)["action"]) == (403, "register_offline_case")
    assert _count(api) == 0


@pytest.mark.parametrize("query,errors", [
    ("queue=everything", {"queue"}),
    ("status=lost", {"status"}),
    ("limit=0", {"limit"}),
    ("limit=ten", {"limit"}),
    ("after=garbage", {"after"}),
    ("sort=newest", {"sort"}),
    ("queue=new&queue=mine", {"queue"}),
])
def test_hostile_queue_parameters_are_refused(sqlite_staff_api, query, errors):
    api = sqlite_staff_api
    _, clerk = api.member(Role.CLERK)
    answer = api.get(f"/cases?{query}", clerk)
    assert answer.status_code == 422
    assert set(json_of(answer)["fields"]) == errors


def test_admins_read_no_queue(sqlite_staff_api):
    _, admin = sqlite_staff_api.member(Role.ADMIN)
    answer = sqlite_staff_api.get("/cases", admin)
    assert (answer.status_code, json_of(answer)["action"]) == (403, "read_queues")


def test_the_acknowledgment_of_a_phone_case_is_mailed(sqlite_staff_api, mailbox):
    api = sqlite_staff_api
    _, clerk = api.member(Role.CLERK)
    number = json_of(api.post("/cases", clerk, json=PHONE_CALL))["number"]
    api.app.delivery.deliver_due()
    (message,) = read_mailbox(mailbox[1])
    assert number in message["Subject"] and message["To"] == "wangxm@qq.com"
