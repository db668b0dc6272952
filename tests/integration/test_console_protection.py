"""What protects the console (issue 11): every POST needs this session's form token and our own
Origin (or Referer), else 403 in the person's language and nothing changed; every answer carries
the strict Content-Security-Policy and the other headers; no page holds inline script or style."""
from __future__ import annotations

import re

import pytest

from shared.domain.staff import Role
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.console import text_of
from tests.support.staff_desk import StaffDesk

staff_api, sqlite_staff_api = api_fixtures.staff_api, api_fixtures.sqlite_staff_api
console, sqlite_console = console_fixtures.console, console_fixtures.sqlite_console

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


@pytest.fixture
def desk(console):
    return console, StaffDesk(console.store, console.api.app.clock)


def _refused(answer, lang="zh-CN"):
    assert answer.status_code == 403, text_of(answer)[:300]
    words = "表单已失效" if lang == "zh-CN" else "This form has expired"
    assert words in text_of(answer)


def test_a_post_without_the_right_form_token_is_refused_and_changes_nothing(desk):
    console, cases = desk
    number = cases.case()
    console.sign_in_as(Role.CLERK)
    before = cases.snapshot(number)
    good = console.token(f"/console/cases/{number}")
    _refused(console.post(f"/console/cases/{number}/accept", {"csrf": ""}))
    _refused(console.post(f"/console/cases/{number}/accept", token=good[:-2] + "xx"))
    _refused(console.client.post(f"/console/cases/{number}/accept",
                                 headers={"Origin": "http://localhost"}))  # no field at all
    console.sign_in_as(Role.CLERK)  # another session: the first one's token is no good here
    _refused(console.post(f"/console/cases/{number}/accept?lang=en", token=good), "en")
    assert cases.snapshot(number) == before
    assert console.post(f"/console/cases/{number}/accept").status_code == 303  # the real thing


@pytest.mark.parametrize("headers", [
    {"Origin": "https://evil.example"},
    {"Origin": "http://localhost.evil.example"},
    {"Origin": "null"},
    {"Origin": "https://localhost"},  # our host, another scheme
    {"Referer": "https://evil.example/console/cases"},
    {},  # neither Origin nor Referer
])
def test_a_post_from_another_origin_is_refused_even_with_the_token(sqlite_console, headers):
    cases = StaffDesk(sqlite_console.store, sqlite_console.api.app.clock)
    number = cases.case()
    sqlite_console.sign_in_as(Role.CLERK)
    before = cases.snapshot(number)
    token = sqlite_console.token(f"/console/cases/{number}")
    answer = sqlite_console.client.post(f"/console/cases/{number}/notes", headers=headers,
                                        data={"csrf": token, "text": "伪造的备注"})
    _refused(answer)
    assert cases.snapshot(number) == before


def test_a_referer_of_ours_stands_in_for_a_missing_origin(sqlite_console):
    cases = StaffDesk(sqlite_console.store, sqlite_console.api.app.clock)
    number = cases.case()
    sqlite_console.sign_in_as(Role.CLERK)
    token = sqlite_console.token(f"/console/cases/{number}")
    answer = sqlite_console.client.post(
        f"/console/cases/{number}/notes", data={"csrf": token, "text": "备注"},
        headers={"Referer": f"http://localhost/console/cases/{number}"})
    assert answer.status_code == 303


def test_the_sign_in_form_is_protected_too(sqlite_console):
    answer = sqlite_console.client.post("/console/sign-in", data={"email": "a@b.c",
                                        "password": "x"}, headers={"Origin": "http://localhost"})
    _refused(answer)


def test_every_answer_carries_the_protective_headers(sqlite_console):
    cases = StaffDesk(sqlite_console.store, sqlite_console.api.app.clock)
    number = cases.case()
    answers = [sqlite_console.get("/console/cases"), sqlite_console.get("/console/sign-in"),
               sqlite_console.get("/console/static/console.css")]
    sqlite_console.sign_in_as(Role.CLERK)
    answers += [sqlite_console.get("/console/cases"), sqlite_console.get(f"/console/cases/{number}"),
                sqlite_console.get("/console/nowhere"),
                sqlite_console.post(f"/console/cases/{number}/accept", token="forged"),
                sqlite_console.post(f"/console/cases/{number}/accept")]
    for answer in answers:
        assert answer.headers["Content-Security-Policy"] == CSP
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Referrer-Policy"] == "same-origin"
        assert answer.headers["Cache-Control"] == "no-store"
    for page in answers[1:2] + answers[3:6]:
        body = text_of(page)
        assert "<script" not in body and "<style" not in body and " style=" not in body
        assert not re.search(r"\son[a-z]+=", body)  # no inline event handlers either


def test_an_unexpected_failure_is_a_plain_500_page_without_details(sqlite_console, monkeypatch,
                                                                   caplog):
    sqlite_console.sign_in_as(Role.CLERK)

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail of the failure")
    monkeypatch.setattr(sqlite_console.api.app.staff_queues, "cases", broken)
    answer = sqlite_console.get("/console/cases")
    assert answer.status_code == 500 and "服务器出错" in text_of(answer)
    assert "secret detail" not in text_of(answer) and "Traceback" not in text_of(answer)
    assert answer.headers["Content-Security-Policy"] == CSP
    assert "secret detail of the failure" in caplog.text  # logged for us


def test_a_body_larger_than_any_form_is_refused_unread(sqlite_console):
    cases = StaffDesk(sqlite_console.store, sqlite_console.api.app.clock)
    number = cases.case()
    sqlite_console.sign_in_as(Role.CLERK)
    before = cases.snapshot(number)
    answer = sqlite_console.post(f"/console/cases/{number}/notes", {"text": "长" * 300_000})
    assert answer.status_code == 413 and "过大" in text_of(answer)
    assert cases.snapshot(number) == before
