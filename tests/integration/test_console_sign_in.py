"""Signing in to the staff console (issue 11) with the local sign-in: the session in an HttpOnly,
SameSite=Strict cookie of the console's path, signing out ends it at once, and without a live
session every console address — unknown ones too — leads to the sign-in page and tells nothing."""
from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import timedelta

import pytest

from shared.domain.staff import Role
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.console import ORIGIN, text_of
from tests.support.staff_builders import staff_member
from tests.support.staff_desk import StaffDesk
from tools.demo_staff import create_demo_staff

staff_api, sqlite_staff_api = api_fixtures.staff_api, api_fixtures.sqlite_staff_api
console, sqlite_console = console_fixtures.console, console_fixtures.sqlite_console

PASSWORD = "correct horse battery staple 马"


@pytest.fixture
def member(sqlite_console):
    """A clerk with a real password."""
    clerk = staff_member(roles={Role.CLERK}, email="Clerk.Wang@Example.com")
    sqlite_console.store.put_staff(clerk, sqlite_console.api.app.passwords.hash(PASSWORD))
    return clerk


def _sign_in(console, email: str, password: str):
    token = console.token("/console/sign-in")
    return console.post("/console/sign-in", {"email": email, "password": password}, token=token)


def test_signing_in_sets_a_strict_session_cookie_and_opens_the_queues(sqlite_console, member):
    answer = _sign_in(sqlite_console, "clerk.wang@example.com", PASSWORD)
    assert answer.status_code == 303 and answer.headers["Location"] == "/console/"
    assert sqlite_console.get("/console/").status_code == 200  # a clerk's home: the queues
    cookie = next(c for c in answer.headers.getlist("Set-Cookie")
                  if c.startswith("console_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # served over plain HTTP here: a Secure cookie would be lost
    assert re.search(r"Max-Age=28\d{3}", cookie)  # the session's eight hours
    queues = sqlite_console.get("/console/cases")
    assert queues.status_code == 200 and "李四" in text_of(queues)


def test_the_session_cookie_is_secure_when_served_over_https(sqlite_console, member):
    token = sqlite_console.token("/console/sign-in")
    answer = sqlite_console.client.post(
        "/console/sign-in", base_url="https://localhost", headers={"Origin": "https://localhost"},
        data={"email": member.email, "password": PASSWORD, "csrf": token})
    cookie = next(c for c in answer.headers.getlist("Set-Cookie")
                  if c.startswith("console_session="))
    assert answer.status_code == 303 and "Secure" in cookie


def test_a_wrong_password_shows_the_form_again_with_the_address_kept(sqlite_console, member):
    answer = _sign_in(sqlite_console, "clerk.wang@example.com", "wrong")
    page = text_of(answer)
    assert answer.status_code == 401 and "邮箱或密码不正确" in page
    assert 'value="clerk.wang@example.com"' in page and "wrong" not in page
    assert not any(c.startswith("console_session=")
                   for c in answer.headers.getlist("Set-Cookie"))


def test_the_demo_admin_signs_in_to_a_page_saying_what_there_is_not_a_403(sqlite_console):
    created = dict((m.id, p) for m, p in create_demo_staff(
        sqlite_console.store, sqlite_console.api.app.passwords))
    answer = _sign_in(sqlite_console, "demo.admin@example.com", created["demo.admin"])
    assert answer.status_code == 303
    home = sqlite_console.get(answer.headers["Location"])
    while home.status_code == 303:  # the home leads to the first place the roles allow, if any
        home = sqlite_console.get(home.headers["Location"])
    page = text_of(home)
    # Staff management and failed mail are the admin's places (console-pages): the first of them
    assert home.status_code == 200 and "管理员" in page and 'href="/console/staff"' in page
    assert "403" not in page


def test_too_many_attempts_say_in_how_many_minutes_to_try_again(sqlite_console, member):
    for _ in range(10):  # the address's failures in its window
        _sign_in(sqlite_console, member.email, "wrong")
    answer = _sign_in(sqlite_console, member.email, PASSWORD)
    seconds = int(answer.headers["Retry-After"])
    assert answer.status_code == 429 and 0 < seconds <= 15 * 60  # the rest of the window
    assert f"请在 {math.ceil(seconds / 60)} 分钟后再试。" in text_of(answer)


def test_signing_out_ends_the_session_at_once(sqlite_console, member):
    _sign_in(sqlite_console, member.email, PASSWORD)
    cookie = sqlite_console.client.get_cookie("console_session", path="/console").value
    out = sqlite_console.post("/console/sign-out", form_page="/console/cases")
    assert out.status_code == 303 and out.headers["Location"] == "/console/sign-in"
    sqlite_console.use_session(cookie)  # a copy of the old cookie opens nothing
    assert sqlite_console.get("/console/cases").headers["Location"] == "/console/sign-in"


@pytest.mark.parametrize("path", ["/console", "/console/", "/console/cases",
                                  "/console/cases/TS-20261128-000000-0", "/console/admin",
                                  "/console/cases/x/attachments/0"])
def test_without_a_session_every_address_leads_to_the_sign_in_page(sqlite_console, path):
    answer = sqlite_console.get(path)
    assert answer.status_code == 303 and answer.headers["Location"] == "/console/sign-in"
    assert text_of(answer) == ""


def test_a_post_without_a_session_changes_nothing(sqlite_console):
    desk = StaffDesk(sqlite_console.store, sqlite_console.api.app.clock)
    number = desk.case()
    before = desk.snapshot(number)
    answer = sqlite_console.post(f"/console/cases/{number}/accept", token="x")
    assert answer.status_code == 303 and answer.headers["Location"] == "/console/sign-in"
    assert desk.snapshot(number) == before


def test_expired_sessions_and_deactivated_members_land_on_the_sign_in_page(sqlite_console):
    member = sqlite_console.sign_in_as(Role.CLERK)
    sqlite_console.use_session(sqlite_console.api.session(member, timedelta(minutes=-1)))
    assert sqlite_console.get("/console/cases").headers["Location"] == "/console/sign-in"
    sqlite_console.use_session(sqlite_console.api.session(member))
    assert sqlite_console.get("/console/cases").status_code == 200
    sqlite_console.store.put_staff(replace(member, active=False))
    assert sqlite_console.get("/console/cases").headers["Location"] == "/console/sign-in"
    form = sqlite_console.get("/console/sign-in")  # and the dead cookie is cleared there
    assert form.status_code == 200
    assert any(c.startswith("console_session=;") for c in form.headers.getlist("Set-Cookie"))


def test_the_stylesheet_is_served_to_anyone_and_nothing_else_is(sqlite_console):
    css = sqlite_console.get("/console/static/console.css")
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    sqlite_console.sign_in_as(Role.CLERK)
    for name in ("../../shared/settings.py", "console.py", "%2e%2e%2fbase.html"):
        assert sqlite_console.get(f"/console/static/{name}").status_code == 404


def test_the_json_api_never_accepts_the_console_cookie(sqlite_console):
    sqlite_console.sign_in_as(Role.CLERK)
    cookie = sqlite_console.client.get_cookie("console_session", path="/console").value
    answer = sqlite_console.client.get("/me", headers={"Cookie": f"console_session={cookie}",
                                                       "Origin": ORIGIN})
    assert answer.status_code == 401
