"""The staff API over HTTP (the functions-framework app, configured as in production): nobody
without a valid identity gets anything but 401, sign-in and sign-out, who am I, declared
conflicts, and the answers every route shares (JSON, no-store, 405 with Allow)."""
from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest

from shared.domain.permissions import PERMISSIONS, Action
from shared.domain.staff import Role
from shared.web.staff_api.routes import MAP
from tests.support import staff_api as fixtures
from tests.support.staff_api import json_of

staff_api, sqlite_staff_api = fixtures.staff_api, fixtures.sqlite_staff_api  # the fixtures

PASSWORD = "correct horse battery staple 马"


def _concrete(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: f"{m.group(1)}-1", rule)


EVERY_ROUTE = [(method, _concrete(rule.rule)) for rule in MAP.iter_rules()
               for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
               if rule.endpoint != "sign_in"]
UNKNOWN = [("GET", "/"), ("GET", "/admin"), ("DELETE", "/staff"), ("GET", "/me/"),
           ("GET", "/staff/x/y"), ("POST", "/cases/TS-1/accept")]


@pytest.mark.parametrize("method,path", EVERY_ROUTE + UNKNOWN)
def test_without_a_valid_token_every_path_answers_401_and_names_the_bearer_scheme(
        sqlite_staff_api, method, path):
    api = sqlite_staff_api
    member, _ = api.member(Role.ADMIN, Role.SUPERVISOR)
    expired = api.session(member, lifetime=timedelta(minutes=-1))
    for token, headers in [(None, {}), ("not-a-token", {}), (expired, {}),
                           (None, {"Authorization": "Basic YTpi"}),
                           (None, {"Authorization": "Bearer"}),
                           (None, {"Authorization": "Bearer " + "x" * 5000}),
                           (None, {"x-goog-iap-jwt-assertion": "eyJ.a.b"})]:
        answer = api.call(method, path, token, headers=headers, json={"id": "x"})
        assert answer.status_code == 401, (token, headers)
        assert answer.headers["WWW-Authenticate"] == 'Bearer realm="staff_api"'
        assert json_of(answer) == {"error": "not_signed_in", "message": "请先登录。"}


def test_the_401_speaks_english_when_asked(sqlite_staff_api):
    assert json_of(sqlite_staff_api.get("/me?lang=en"))["message"] == "Please sign in."
    answer = sqlite_staff_api.get("/me", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert json_of(answer)["message"] == "Please sign in."


def test_sign_in_gives_a_token_that_identifies_the_member_until_sign_out(staff_api):
    api = staff_api
    member, _ = api.member(Role.CLERK, email="Wang.Fang@Example.com")
    api.store.put_staff(member, api.app.passwords.hash(PASSWORD))
    signed_in = api.post("/sign-in", json={"email": "wang.fang@example.com", "password": PASSWORD})
    assert signed_in.status_code == 200
    body = json_of(signed_in)
    assert body["token_type"] == "Bearer" and len(body["token"]) >= 43
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["expires_at"])
    assert body["staff"]["id"] == member.id
    me = api.get("/me", body["token"])
    assert json_of(me)["email"] == member.email
    assert json_of(api.post("/sign-out", body["token"])) == {"signed_out": True}
    assert api.get("/me", body["token"]).status_code == 401
    assert api.post("/sign-out", body["token"]).status_code == 401  # twice: gone already


def test_a_wrong_password_is_one_refusal_in_the_persons_language(sqlite_staff_api):
    api = sqlite_staff_api
    member, _ = api.member(Role.CLERK)
    api.store.put_staff(member, api.app.passwords.hash(PASSWORD))
    for email, password in [(member.email, "wrong password!"), ("nobody@example.com", PASSWORD)]:
        answer = api.post("/sign-in?lang=en", json={"email": email, "password": password})
        assert answer.status_code == 401
        assert json_of(answer)["error"] == "sign_in_failed"
        assert json_of(answer)["message"] == "The email address or password is not correct."


def test_too_many_failed_sign_ins_answer_429_with_retry_after(sqlite_staff_api):
    api = sqlite_staff_api
    member, _ = api.member(Role.CLERK)
    api.store.put_staff(member, api.app.passwords.hash(PASSWORD))
    limit = api.app.sign_in._limits.per_email
    for _ in range(limit):
        assert api.post("/sign-in", json={"email": member.email, "password": "guess"}
                        ).status_code == 401
    refused = api.post("/sign-in", json={"email": member.email, "password": PASSWORD})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert json_of(refused)["error"] == "too_many_attempts"


@pytest.mark.parametrize("body", [{}, {"email": "a@example.com"}, {"email": 1, "password": "x"},
                                  {"email": "a@example.com", "password": None}])
def test_a_sign_in_without_its_fields_names_them(sqlite_staff_api, body):
    answer = sqlite_staff_api.post("/sign-in?lang=en", json=body)
    assert answer.status_code == 422
    assert set(json_of(answer)["fields"]) == {"email", "password"} - {
        k for k, v in body.items() if isinstance(v, str)}


def test_me_shows_the_member_and_exactly_the_actions_their_roles_allow(staff_api):
    member, token = staff_api.member(Role.HANDLER, Role.AUDITOR, department="运营部",
                                     conflicts=("张三",))
    me = json_of(staff_api.get("/me", token))
    assert me == {"id": member.id, "email": member.email, "display_name": member.display_name,
                  "roles": ["auditor", "handler"], "department": "运营部", "conflicts": ["张三"],
                  "active": True,
                  "actions": [a.value for a in Action
                              if PERMISSIONS[a] & {Role.HANDLER, Role.AUDITOR}]}


def test_a_member_deactivated_meanwhile_is_signed_out_at_once(staff_api):
    member, token = staff_api.member(Role.SUPERVISOR)
    assert staff_api.get("/me", token).status_code == 200
    staff_api.store.put_staff(dataclasses.replace(member, active=False))
    assert staff_api.get("/me", token).status_code == 401


def test_a_member_declares_their_conflicts(staff_api):
    member, token = staff_api.member(Role.HANDLER, conflicts=())
    answer = staff_api.call("PUT", "/me/conflicts", token,
                            json={"conflicts": [" 某某科技有限公司 ", "user-42", "USER-42"]})
    assert answer.status_code == 200
    assert json_of(answer)["conflicts"] == ["某某科技有限公司", "user-42"]
    assert staff_api.store.get_staff(member.id).declared_conflict_with("某某科技有限公司")
    assert json_of(staff_api.get("/me", token))["conflicts"] == ["某某科技有限公司", "user-42"]


@pytest.mark.parametrize("body,field,code", [
    ({}, "conflicts", "required"),
    ({"conflicts": "张三"}, "conflicts", "wrong_type"),
    ({"conflicts": [1]}, "conflicts", "wrong_type"),
    ({"conflicts": ["x" * 201]}, "conflicts", "too_long"),
    ({"conflicts": [""]}, "conflicts", "required"),
    ({"conflicts": [f"p{i}" for i in range(51)]}, "conflicts", "too_many"),
    ({"conflicts": ["\u202eevil"]}, "conflicts", "invalid"),
    ({"conflicts": [], "roles": ["admin"]}, "roles", "unknown_field"),
])
def test_bad_conflicts_are_refused_and_change_nothing(sqlite_staff_api, body, field, code):
    member, token = sqlite_staff_api.member(Role.HANDLER)
    answer = sqlite_staff_api.call("PUT", "/me/conflicts", token, json=body)
    assert answer.status_code == 422
    assert json_of(answer)["fields"][field]["code"] == code
    assert sqlite_staff_api.store.get_staff(member.id) == member


def test_a_known_path_with_another_method_answers_405_with_allow(sqlite_staff_api):
    _, token = sqlite_staff_api.member(Role.ADMIN)
    answer = sqlite_staff_api.call("DELETE", "/staff", token)
    assert answer.status_code == 405
    assert set(answer.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST"}
    assert json_of(answer)["error"] == "method_not_allowed"


def test_an_unknown_path_answers_404_to_staff_only(sqlite_staff_api):
    _, token = sqlite_staff_api.member(Role.CLERK)
    for path in ("/nothing", "/staff/a/b", "/sign-in/x"):
        answer = sqlite_staff_api.get(path, token)
        assert answer.status_code == 404, path
        assert json_of(answer)["error"] == "not_found"
