"""The console behind Identity-Aware Proxy (CD_STAFF_IDENTITY=iap): IAP's signed assertion
identifies every request as for the API, there is no sign-in page, nobody without a valid
assertion learns anything (401), and forms are bound to the member and this browser."""
from __future__ import annotations

import re

from shared.domain.staff import Role
from tests.integration.test_staff_api_iap import _as, iap_api, keys_url, transport  # noqa: F401
from tests.support.console import Console, text_of
from tests.support.staff_builders import staff_member
from tests.support.staff_desk import StaffDesk


def test_the_assertion_identifies_and_nothing_else_does(iap_api):  # noqa: F811
    console = Console(iap_api)
    member = staff_member(roles={Role.CLERK}, email="zhao.liu@example.com")
    iap_api.store.put_staff(member)
    for headers in ({}, {"x-goog-iap-jwt-assertion": "eyJ.a.b"}):
        for path in ("/console/cases", "/console/sign-in", "/console/nowhere"):
            answer = console.client.get(path, headers=headers)
            assert answer.status_code == 401 and "请先登录" in text_of(answer)
    signed = _as("zhao.liu@example.com")
    page = console.client.get("/console/cases", headers=signed)
    assert page.status_code == 200 and member.display_name in text_of(page)
    assert console.client.get("/console/sign-in", headers=signed).status_code == 404
    stranger = console.client.get("/console/cases", headers=_as("nobody@example.com"))
    assert stranger.status_code == 403


def test_forms_are_bound_to_the_member_and_their_browser(iap_api):  # noqa: F811
    console = Console(iap_api)
    cases = StaffDesk(iap_api.store, iap_api.app.clock)
    number = cases.case()
    iap_api.store.put_staff(staff_member(roles={Role.CLERK}, email="zhao.liu@example.com"))
    signed = _as("zhao.liu@example.com")
    page = console.client.get(f"/console/cases/{number}", headers=signed)
    cookie = next(c for c in page.headers.getlist("Set-Cookie")
                  if c.startswith("console_browser="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie
    csrf = re.search(r'name="csrf" value="([^"]+)"', text_of(page)).group(1)
    # The Secure cookie goes back over HTTPS only, as IAP serves the console.
    done = console.client.post(f"/console/cases/{number}/notes", base_url="https://localhost",
                               data={"csrf": csrf, "text": "备注"},
                               headers={**signed, "Origin": "https://localhost"})
    assert done.status_code == 303
    console.client.delete_cookie("console_browser", path="/console")
    again = console.client.post(f"/console/cases/{number}/notes", base_url="https://localhost",
                                data={"csrf": csrf, "text": "备注"},
                                headers={**signed, "Origin": "https://localhost"})
    assert again.status_code == 403  # another browser: the token is not theirs
