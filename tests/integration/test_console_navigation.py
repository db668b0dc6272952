"""The console's navigation shows only the places a member's roles allow, and its home leads
each member to a place they may use; the layout's keyboard aids are there on every page."""
from __future__ import annotations

import re

from shared.domain.staff import Role
from shared.web.console.routes import NAV, may_go
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.console import text_of

staff_api, sqlite_staff_api = api_fixtures.staff_api, api_fixtures.sqlite_staff_api
console, sqlite_console = console_fixtures.console, console_fixtures.sqlite_console


def _nav(page: str) -> set[str]:
    found = re.search(r'<nav class="main"[^>]*>(.*?)</nav>', page, re.S)
    return set(re.findall(r'href="/console([^"]*)"', found.group(1))) if found else set()


def test_each_role_sees_the_places_its_roles_allow_and_no_other(sqlite_console):
    for role in Role:
        member = sqlite_console.sign_in_as(role)
        home = sqlite_console.get("/console/")
        if home.status_code == 303:  # to the first place the member may use
            home = sqlite_console.get(home.headers["Location"])
        expected = {path for path, _, action in NAV if may_go(member, action)}
        assert _nav(text_of(home)) == expected, role
        assert home.status_code == 200, role  # with no place: a page saying so, not a 403


def test_the_layout_has_a_skip_link_labels_and_real_buttons(sqlite_console):
    sqlite_console.sign_in_as(Role.CLERK)
    page = text_of(sqlite_console.get("/console/cases"))
    assert '<a class="skip" href="#main">' in page and '<main id="main"' in page
    for field in re.findall(r'<(?:input|select|textarea)[^>]*\sid="([\w-]+)"', page):
        assert f'<label for="{field}">' in page, field
    assert '<button type="submit">退出登录</button>' in page
