"""Staff management over HTTP (admins only, Action.MANAGE_STAFF) on both stores, and hostile
bodies: each refused with a clear 4xx in the person's language, nothing changed."""
from __future__ import annotations

import json

import pytest

from shared.domain.staff import Role
from tests.support import staff_api as fixtures
from tests.support.staff_api import json_of

staff_api, sqlite_staff_api = fixtures.staff_api, fixtures.sqlite_staff_api  # the fixtures

NEW = {"id": "li.si", "email": "Li.Si@Example.com", "display_name": "李四",
       "roles": ["handler"], "department": "运营部", "conflicts": ["张三"]}


def _staff(api) -> list:
    return api.store.list_staff()


def test_an_admin_creates_lists_reads_and_changes_a_member(staff_api):
    api = staff_api
    admin, token = api.member(Role.ADMIN)
    created = api.post("/staff", token, json={**NEW, "password": "a long enough secret"})
    assert created.status_code == 201
    assert json_of(created) == {**NEW, "email": "Li.Si@example.com", "active": True,
                                "roles": ["handler"]}
    assert api.app.passwords.verify("a long enough secret", api.store.staff_password_hash("li.si"))
    listed = json_of(api.get("/staff", token))["staff"]
    assert {m["id"] for m in listed} == {admin.id, "li.si"}
    assert "password" not in json.dumps(listed) and "hash" not in json.dumps(listed)
    changed = api.call("PATCH", "/staff/li.si", token,
                       json={"roles": ["handler", "supervisor"], "department": "客服中心"})
    assert json_of(changed)["roles"] == ["handler", "supervisor"]
    assert json_of(api.get("/staff/li.si", token))["department"] == "客服中心"
    # A change without a password keeps the one set.
    assert api.app.passwords.verify("a long enough secret", api.store.staff_password_hash("li.si"))


def test_deactivating_a_member_stops_their_session_at_once(staff_api):
    api = staff_api
    _, admin_token = api.member(Role.ADMIN)
    member, token = api.member(Role.HANDLER)
    assert api.get("/me", token).status_code == 200
    answer = api.call("PATCH", f"/staff/{member.id}", admin_token, json={"active": False})
    assert json_of(answer)["active"] is False
    assert api.get("/me", token).status_code == 401
    api.call("PATCH", f"/staff/{member.id}", admin_token, json={"active": True})
    assert api.get("/me", token).status_code == 200  # the session was never deleted


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_admins_manage_staff(sqlite_staff_api, role):
    api = sqlite_staff_api
    member, token = api.member(role)
    before = _staff(api)
    for method, path, body in [("GET", "/staff", None), ("POST", "/staff", NEW),
                               ("GET", f"/staff/{member.id}", None),
                               ("PATCH", f"/staff/{member.id}", {"roles": ["admin"]})]:
        answer = api.call(method, path, token, json=body)
        assert answer.status_code == 403, (method, path)
        assert json_of(answer) == {"error": "forbidden", "message": "您的角色无权执行此操作。",
                                   "action": "manage_staff"}
    assert _staff(api) == before


def test_an_address_or_id_taken_is_a_409_and_changes_nothing(staff_api):
    api = staff_api
    _, token = api.member(Role.ADMIN)
    api.post("/staff", token, json=NEW)
    before = _staff(api)
    same_address = api.post("/staff?lang=en", token, json={**NEW, "id": "other",
                                                            "email": "LI.SI@example.COM"})
    assert same_address.status_code == 409
    assert json_of(same_address)["error"] == "email_taken"
    same_id = api.post("/staff", token, json={**NEW, "email": "new@example.com"})
    assert (same_id.status_code, json_of(same_id)["error"]) == (409, "staff_id_taken")
    other = api.post("/staff", token, json={**NEW, "id": "wang.wu", "email": "wang@example.com"})
    assert other.status_code == 201
    moved = api.call("PATCH", "/staff/wang.wu", token, json={"email": "li.si@example.com"})
    assert (moved.status_code, json_of(moved)["error"]) == (409, "email_taken")
    assert api.store.get_staff("wang.wu").email == "wang@example.com"
    assert [m for m in _staff(api) if m.id != "wang.wu"] == before


def test_the_last_active_admin_stays_one(staff_api):
    api = staff_api
    admin, token = api.member(Role.ADMIN)
    for change in ({"active": False}, {"roles": ["supervisor"]}):
        refused = api.call("PATCH", f"/staff/{admin.id}?lang=en", token, json=change)
        assert (refused.status_code, json_of(refused)["error"]) == (409, "last_admin")
    assert api.store.get_staff(admin.id) == admin
    other, _ = api.member(Role.ADMIN)
    assert api.call("PATCH", f"/staff/{admin.id}", token, json={"active": False}).status_code == 200


def test_an_unknown_member_is_404(sqlite_staff_api):
    _, token = sqlite_staff_api.member(Role.ADMIN)
    for path in ("/staff/nobody", "/staff/%E2%80%AE", "/staff/" + "x" * 500):
        assert json_of(sqlite_staff_api.get(path, token))["error"] == "staff_not_found"
        answer = sqlite_staff_api.call("PATCH", path, token, json={"active": False})
        assert answer.status_code == 404


@pytest.mark.parametrize("body,errors", [
    ({}, {"id": "required", "email": "required", "display_name": "required", "roles": "required"}),
    ({**NEW, "id": "a/b"}, {"id": "invalid_staff_id"}),
    ({**NEW, "id": "x" * 65}, {"id": "invalid_staff_id"}),
    ({**NEW, "email": "not an address"}, {"email": "invalid_email"}),
    ({**NEW, "email": "张三@例子.中国"}, {"email": "invalid_email"}),
    ({**NEW, "display_name": "  "}, {"display_name": "required"}),
    ({**NEW, "display_name": "x" * 101}, {"display_name": "too_long"}),
    ({**NEW, "display_name": "Li\u202eiS"}, {"display_name": "invalid"}),
    ({**NEW, "roles": []}, {"roles": "required"}),
    ({**NEW, "roles": ["root"]}, {"roles": "unknown_role"}),
    ({**NEW, "roles": "admin"}, {"roles": "wrong_type"}),
    ({**NEW, "active": "false"}, {"active": "wrong_type"}),
    ({**NEW, "active": None}, {"active": "wrong_type"}),
    ({**NEW, "password": "short"}, {"password": "too_short"}),
    ({**NEW, "password": "p" * 1025}, {"password": "too_long"}),
    ({**NEW, "password": 12345678901234}, {"password": "wrong_type"}),
    ({**NEW, "password_hash": "$argon2id$..."}, {"password_hash": "unknown_field"}),
    ({**NEW, "conflicts": [["nested"]]}, {"conflicts": "wrong_type"}),
])
def test_bad_members_are_refused_field_by_field_and_nothing_is_written(
        sqlite_staff_api, body, errors):
    api = sqlite_staff_api
    _, token = api.member(Role.ADMIN)
    before = _staff(api)
    answer = api.post("/staff?lang=en", token, json=body)
    assert answer.status_code == 422
    refusal = json_of(answer)
    assert refusal["error"] == "invalid_command"
    assert {name: f["code"] for name, f in refusal["fields"].items()} == errors
    assert all(f["message"] for f in refusal["fields"].values())
    assert _staff(api) == before


def test_a_change_of_the_id_is_refused(sqlite_staff_api):
    api = sqlite_staff_api
    member, token = api.member(Role.ADMIN)
    answer = api.call("PATCH", f"/staff/{member.id}", token, json={"id": "renamed"})
    assert json_of(answer)["fields"] == {"id": {"code": "unknown_field",
                                                "message": "不认识这个字段。"}}


_DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("data,content_type,status,code", [
    ("id=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    (json.dumps(NEW), "text/plain", 415, "unsupported_media_type"),
    (json.dumps(NEW).encode("utf-16"), "application/json; charset=utf-16", 415,
     "unsupported_media_type"),
    ("{", "application/json", 400, "malformed_json"),
    (b'{"id": "\xff"}', "application/json", 400, "malformed_json"),
    ('{"id": NaN}', "application/json", 400, "malformed_json"),
    ('{"id": "a", "id": "b"}', "application/json", 400, "malformed_json"),
    ('{"n": ' + "9" * 5000 + "}", "application/json", 400, "malformed_json"),
    (_DEEP, "application/json", 400, "malformed_json"),
    ("[]", "application/json", 400, "not_an_object"),
    ('"text"', "application/json", 400, "not_an_object"),
    ("null", "application/json", 400, "not_an_object"),
    ('{"x": "' + "y" * 300_000 + '"}', "application/json", 413, "body_too_large"),
])
def test_hostile_bodies_get_a_clear_4xx_and_change_nothing(
        sqlite_staff_api, data, content_type, status, code):
    api = sqlite_staff_api
    _, token = api.member(Role.ADMIN)
    before = _staff(api)
    for lang, header in (("zh-CN", "zh-CN,zh;q=0.9"), ("en", "en")):
        answer = api.post("/staff", token, data=data, content_type=content_type,
                          headers={"Accept-Language": header})
        assert answer.status_code == status
        refusal = json_of(answer)
        assert refusal["error"] == code
        assert refusal["message"] and (lang == "en") == refusal["message"].isascii()
    assert _staff(api) == before


def test_a_chunked_body_is_stopped_at_the_limit(sqlite_staff_api):
    import io

    api = sqlite_staff_api
    _, token = api.member(Role.ADMIN)
    stream = io.BytesIO(b'{"x": "' + b"y" * 400_000 + b'"}')
    answer = api.post("/staff", token, input_stream=stream, content_type="application/json",
                      headers={"Transfer-Encoding": "chunked"},
                      environ_overrides={"wsgi.input_terminated": True})  # as servers set it
    assert (answer.status_code, json_of(answer)["error"]) == (413, "body_too_large")


def test_a_body_of_made_up_fields_is_not_echoed_back_in_full(sqlite_staff_api):
    api = sqlite_staff_api
    _, token = api.member(Role.ADMIN)
    body = {f"k{i}": 1 for i in range(5000)} | {"x" * 10_000: 1}
    answer = api.post("/staff", token, json=body)
    refusal = json_of(answer)
    assert answer.status_code == 422
    assert len(refusal["fields"]) == 50 and refusal["more_fields"] > 4900
    assert all(len(name) <= 100 for name in refusal["fields"])
    assert len(answer.data) < 20_000
