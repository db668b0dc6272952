"""Calling the staff API function in tests: the real functions-framework app, configured through
the environment, with members and their sessions put straight into the store (signing in for
real costs an Argon2id verification; the sign-in tests do it)."""
from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

import pytest

from shared.domain.sessions import Session, token_hash
from shared.domain.staff import Role, StaffMember
from tests.support.staff_builders import staff_member


class StaffApi:
    """A test client of `staff_api` and the services it runs on."""

    def __init__(self, client, app):
        self.client = client
        self.app = app

    @property
    def store(self):
        return self.app.store

    def member(self, *roles: Role, **overrides) -> tuple[StaffMember, str]:
        """A stored member holding `roles` and a bearer token of a live session."""
        member = staff_member(roles=roles or (Role.HANDLER,), **overrides)
        self.store.put_staff(member)
        return member, self.session(member)

    def session(self, member: StaffMember, lifetime: timedelta = timedelta(hours=8)) -> str:
        token = secrets.token_urlsafe(32)
        now = self.app.clock.now()
        self.store.put_session(Session(token_hash(token), member.id, now - timedelta(minutes=1),
                                       now + lifetime, "test"))
        return token

    def call(self, method: str, path: str, token: str | None = None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path: str, token: str | None = None, **kwargs):
        return self.call("GET", path, token, **kwargs)

    def post(self, path: str, token: str | None = None, **kwargs):
        return self.call("POST", path, token, **kwargs)


def json_of(response) -> dict:
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


@pytest.fixture(params=["sqlite", pytest.param("firestore", marks=pytest.mark.firestore)])
def staff_api(request, function_client, monkeypatch) -> StaffApi:
    """The staff API function on each store: SQLite, and Firestore through the emulator."""
    from shared import bootstrap

    if request.param == "firestore":
        request.getfixturevalue("firestore_emulator")
        monkeypatch.setenv("CD_CASE_STORE", "firestore")
        monkeypatch.setenv("CD_FIRESTORE_PROJECT", f"test-{uuid.uuid4().hex[:12]}")
        monkeypatch.setenv("CD_REPLY_TOKEN_KEY", secrets.token_urlsafe(32))
    bootstrap.services.cache_clear()
    return StaffApi(function_client("staff_api"), bootstrap.services())


@pytest.fixture
def sqlite_staff_api(function_client) -> StaffApi:
    """The staff API function on SQLite only: for what does not depend on the store."""
    from shared import bootstrap

    bootstrap.services.cache_clear()
    return StaffApi(function_client("staff_api"), bootstrap.services())
