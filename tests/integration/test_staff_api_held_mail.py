"""Held mail through the staff API, on both stores: the queue, reading a message decoded and raw,
opening a case from it, attaching it, dismissing it — each route's happy path and a refusal."""
from __future__ import annotations

import pytest

from shared.domain.staff import Role
from tests.support import staff_api as fixtures
from tests.support.held_mail import CLERK, held_complaint
from tests.support.inbound_mail import first_case, receive_verified, reply
from tests.support.staff_api import json_of

staff_api, sqlite_staff_api = fixtures.staff_api, fixtures.sqlite_staff_api  # the fixtures


def _another_held(app) -> str:
    """The id of a second held message (an out-of-office reply)."""
    before = {i["id"] for i in app.held_mail_desk.queue(CLERK)["items"]}
    receive_verified(app, reply("report@example.com", "robot@example.org", "自动回复", "我在休假",
                                Auto_Submitted="auto-replied", message_id="<ooo-1@example.org>"))
    (new,) = {i["id"] for i in app.held_mail_desk.queue(CLERK)["items"]} - before
    return new


@pytest.fixture
def held(staff_api):
    """(api, held id, a clerk's token) with one held complaint."""
    _, token = staff_api.member(Role.CLERK)
    return staff_api, held_complaint(staff_api.app), token


def test_the_queue_lists_open_held_mail_and_pages(held):
    api, held_id, token = held
    page = json_of(api.get("/held-mail?limit=1", token))
    assert [item["id"] for item in page["items"]] == [held_id]
    assert page["items"][0]["subject"] == "投诉：退款三周未处理" and page["next"] is None
    for query, errors in [("limit=0", {"limit": "invalid"}), ("limit=-1", {"limit": "invalid"}),
                          ("limit=1&limit=2", {"limit": "invalid"}),
                          ("sort=old", {"sort": "unknown_field"}),
                          ("after=x", {"after": "invalid"})]:
        refused = api.get(f"/held-mail?{query}", token)
        assert refused.status_code == 422, query
        assert {k: v["code"] for k, v in json_of(refused)["fields"].items()} == errors


def test_a_held_message_is_read_decoded_and_downloaded_raw(held):
    api, held_id, token = held
    shown = json_of(api.get(f"/held-mail/{held_id}", token))
    assert shown["message"]["from_address"] == "wangfang@qq.com"
    assert "三周没有处理" in shown["message"]["text"]
    raw = api.get(f"/held-mail/{held_id}/raw", token)
    assert raw.status_code == 200
    assert raw.headers["Content-Type"] == "message/rfc822"
    assert raw.headers["Content-Disposition"] == \
        f"attachment; filename=\"held-{held_id}.eml\"; filename*=UTF-8''held-{held_id}.eml"
    assert raw.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert raw.headers["Cache-Control"] == "no-store"
    assert b"Message-ID: <fwd-778@qq.com>" in raw.data
    for path in ("/held-mail/nope", "/held-mail/a.b/raw", "/held-mail/" + "x" * 100):
        missing = api.get(path, token)
        assert (missing.status_code, json_of(missing)["error"]) == (404, "held_mail_not_found")


def test_a_handler_may_not_read_held_mail(held):
    api, held_id, _ = held
    _, handler = api.member(Role.HANDLER)
    for path in ("/held-mail", f"/held-mail/{held_id}", f"/held-mail/{held_id}/raw"):
        answer = api.get(path, handler)
        assert (answer.status_code, json_of(answer)["action"]) == (403, "read_held_mail")


def test_opening_a_case_from_held_mail_gives_its_number_and_code_once(held):
    api, held_id, token = held
    opened = api.post(f"/held-mail/{held_id}/open-case", token,
                      json={"kind": "complaint", "category": "service", "reason": "真实投诉"})
    assert opened.status_code == 201
    body = json_of(opened)
    assert body["case_number"].startswith("TS-") and len(body["access_code"].replace("-", "")) == 16
    assert body["resolution"]["action"] == "opened_case"
    again = api.post(f"/held-mail/{held_id}/open-case", token, json={})
    assert again.status_code == 409
    refusal = json_of(again)
    assert refusal["error"] == "held_mail_settled"
    assert refusal["entry"]["resolution"]["case_number"] == body["case_number"]
    assert json_of(api.get("/held-mail", token))["items"] == []


def test_open_case_refuses_a_bad_kind_and_changes_nothing(held):
    api, held_id, token = held
    answer = api.post(f"/held-mail/{held_id}/open-case?lang=en", token,
                      json={"kind": "rumour", "category": 7})
    assert answer.status_code == 422
    assert json_of(answer)["fields"]["category"]["code"] == "wrong_type"
    answer = api.post(f"/held-mail/{held_id}/open-case", token, json={"kind": "rumour"})
    assert json_of(answer)["fields"] == {"kind": {"code": "invalid",
                                                  "message": "含有不允许的字符或格式。"}}
    assert [i["id"] for i in json_of(api.get("/held-mail", token))["items"]] == [held_id]


def test_held_mail_is_attached_to_a_case(held):
    api, held_id, token = held
    number = first_case(api.app)
    attached = api.post(f"/held-mail/{held_id}/attach", token,
                        json={"case_number": number, "reason": "同一订单"})
    assert json_of(attached)["resolution"]["case_number"] == number
    other = _another_held(api.app)
    unknown = api.post(f"/held-mail/{other}/attach", token, json={"case_number": "TS-NOPE"})
    assert (unknown.status_code, json_of(unknown)["error"]) == (404, "case_not_found")
    missing = api.post(f"/held-mail/{other}/attach", token, json={})
    assert json_of(missing)["fields"]["case_number"]["code"] == "required"


def test_held_mail_is_dismissed_with_a_reason(held):
    api, held_id, token = held
    no_reason = api.post(f"/held-mail/{held_id}/dismiss", token, json={"reason": "  "})
    assert (no_reason.status_code, json_of(no_reason)["fields"]["reason"]["code"]) == \
        (422, "required")
    dismissed = api.post(f"/held-mail/{held_id}/dismiss", token, json={"reason": "广告"})
    assert json_of(dismissed)["resolution"]["action"] == "dismissed"
    _, auditor = api.member(Role.AUDITOR)
    assert api.post(f"/held-mail/{held_id}/dismiss", auditor,
                    json={"reason": "x"}).status_code == 403
