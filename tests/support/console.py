"""Driving the staff console in tests: the real staff function (functions-framework) through
werkzeug's test client, which keeps cookies like a browser; members and sessions put straight
into the store (the sign-in tests sign in for real)."""
from __future__ import annotations

import html
import re

import pytest

from shared.domain.staff import Role, StaffMember
from tests.support.staff_api import StaffApi
from tests.support.staff_builders import staff_member

ORIGIN = "http://localhost"  # the test client's own host
_TOKEN = re.compile(r'name="csrf" value="([^"]*)"')


class Console:
    """A browser on the console, one session at a time."""

    def __init__(self, api: StaffApi):
        self.api = api
        self.client = api.client

    @property
    def store(self):
        return self.api.store

    def sign_in_as(self, *roles: Role, **overrides) -> StaffMember:
        """A stored member holding `roles` whose live session this browser now holds."""
        member = staff_member(roles=roles or (Role.HANDLER,), **overrides)
        self.store.put_staff(member)
        self.use_session(self.api.session(member))
        return member

    def use_session(self, token: str) -> None:
        self.client.set_cookie("console_session", token, path="/console")

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def token(self, path: str) -> str:
        """The form token of the page at `path` (as a person's browser would hold it)."""
        page = self.get(path)
        found = _TOKEN.search(page.get_data(as_text=True))
        assert found, page.get_data(as_text=True)[:500]
        return html.unescape(found.group(1))

    def post(self, path: str, data: dict | None = None, *, token: str | None = None,
             origin: str | None = ORIGIN, form_page: str | None = None, **kwargs):
        """POST a form as the page would: with the token of `form_page` (default: the page the
        form posts from, the path's case page) unless `token` is given, and our Origin."""
        data = dict(data or {})
        if "csrf" not in data:
            data["csrf"] = token if token is not None else self.token(form_page or _page_of(path))
        headers = dict(kwargs.pop("headers", {}))
        if origin is not None:
            headers["Origin"] = origin
        return self.client.post(path, data=data, headers=headers, **kwargs)


def _page_of(path: str) -> str:
    """The page whose form posts to `path`: a case's actions post from the case page."""
    match = re.match(r"^(/console/cases/[^/]+)/", path)
    return match.group(1) if match else "/console/cases"


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def console(staff_api) -> Console:
    """The console on each store (SQLite, and Firestore through the emulator)."""
    return Console(staff_api)


@pytest.fixture
def sqlite_console(sqlite_staff_api) -> Console:
    """The console on SQLite only: for what does not depend on the store."""
    return Console(sqlite_staff_api)
