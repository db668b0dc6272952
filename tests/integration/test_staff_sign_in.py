"""Local sign-in for staff, on every store, with real Argon2id (cheap parameters: the cost is the
library's, not what is tested)."""
from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from shared.adapters.clock import FixedClock
from shared.adapters.passwords import Argon2Passwords
from shared.domain.errors import NotSignedIn, TooManyAttempts
from shared.domain.sessions import SignInFailed, token_hash
from shared.services.staff_sign_in import SignInLimits, StaffSignIn
from tests.support.staff_builders import staff_member

PASSWORD = "正确的马 battery staple"
LIMITS = SignInLimits(lifetime=timedelta(hours=8), per_client=5, per_email=3,
                      window=timedelta(minutes=15))


class CountingPasswords(Argon2Passwords):
    """Real Argon2id that remembers which stored hashes it verified against."""

    def __init__(self, memory_cost: int = 16):
        super().__init__(PasswordHasher(time_cost=1, memory_cost=memory_cost, parallelism=1))
        self.verified: list[str] = []

    def verify(self, password: str, stored: str) -> bool:
        self.verified.append(stored)
        return super().verify(password, stored)


@pytest.fixture
def clock():
    return FixedClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def passwords():
    return CountingPasswords()


@pytest.fixture
def sign_in(store, passwords, clock):
    return StaffSignIn(store, passwords, clock, LIMITS)


@pytest.fixture
def member(store, passwords):
    member = staff_member(email="Clerk.Wang@Example.com")
    store.put_staff(member, passwords.hash(PASSWORD))
    return member


def test_the_right_password_opens_a_session_whose_token_identifies_the_member(
        sign_in, store, member, clock):
    session = sign_in.sign_in("clerk.wang@example.com", PASSWORD, "203.0.113.7")
    assert len(session.token) >= 43  # 256 random bits
    assert session.token_hash == token_hash(session.token)
    assert (session.staff_id, session.client) == (member.id, "203.0.113.7")
    assert session.expires_at == clock.now() + timedelta(hours=8)
    stored = store.session(session.token_hash)
    assert stored == session and stored.token == ""  # only the hash is kept
    assert sign_in.identify(session.token) == member


def test_wrong_email_and_wrong_password_fail_alike_after_verifying_a_hash(
        sign_in, passwords, member):
    for email, password in [("nobody@example.com", PASSWORD), (member.email, "wrong")]:
        passwords.verified.clear()
        with pytest.raises(SignInFailed) as failed:
            sign_in.sign_in(email, password, "203.0.113.7")
        assert str(failed.value) == ""
        assert len(passwords.verified) == 1 and passwords.verified[0].startswith("$argon2id$")


def test_an_inactive_member_cannot_sign_in(sign_in, store, member):
    store.put_staff(dataclasses.replace(member, active=False))
    with pytest.raises(SignInFailed):
        sign_in.sign_in(member.email, PASSWORD, "203.0.113.7")


def test_a_member_without_a_password_cannot_sign_in_with_any(sign_in, store):
    no_password = staff_member()
    store.put_staff(no_password)
    for password in ("", "no such member"):
        with pytest.raises(SignInFailed):
            sign_in.sign_in(no_password.email, password, "203.0.113.7")


def test_expired_signed_out_and_unknown_tokens_identify_nobody(sign_in, store, member, clock):
    expiring = sign_in.sign_in(member.email, PASSWORD, "c")
    signed_out = sign_in.sign_in(member.email, PASSWORD, "c")
    sign_in.sign_out(signed_out.token)
    assert store.session(signed_out.token_hash) is None
    for token in (signed_out.token, "not-a-token", ""):
        with pytest.raises(NotSignedIn):
            sign_in.identify(token)
    clock.advance(timedelta(hours=8))
    with pytest.raises(NotSignedIn):
        sign_in.identify(expiring.token)


def test_a_member_deactivated_after_signing_in_is_signed_out(sign_in, store, member):
    session = sign_in.sign_in(member.email, PASSWORD, "c")
    store.put_staff(dataclasses.replace(member, active=False))
    with pytest.raises(NotSignedIn):
        sign_in.identify(session.token)


def test_failures_are_limited_per_email_even_from_many_clients(sign_in, member, clock):
    for attempt in range(LIMITS.per_email):
        with pytest.raises(SignInFailed):
            sign_in.sign_in(member.email.upper(), "wrong", f"client-{attempt}")
    with pytest.raises(TooManyAttempts) as refused:
        sign_in.sign_in(member.email, PASSWORD, "another-client")  # even the right password
    assert timedelta(0) < refused.value.retry_after <= LIMITS.window
    clock.advance(LIMITS.window)
    assert sign_in.sign_in(member.email, PASSWORD, "another-client").staff_id == member.id


def test_failures_are_limited_per_client_whatever_the_email(sign_in, member):
    for attempt in range(LIMITS.per_client):
        with pytest.raises(SignInFailed):
            sign_in.sign_in(f"guess-{attempt}@example.com", "wrong", "203.0.113.7")
    with pytest.raises(TooManyAttempts):
        sign_in.sign_in(member.email, PASSWORD, "203.0.113.7")
    assert sign_in.sign_in(member.email, PASSWORD, "198.51.100.1").staff_id == member.id


def test_an_outdated_hash_is_replaced_at_a_successful_sign_in(store, clock, member):
    stronger = CountingPasswords(memory_cost=32)
    old = store.staff_password_hash(member.id)
    assert stronger.needs_rehash(old)
    StaffSignIn(store, stronger, clock, LIMITS).sign_in(member.email, PASSWORD, "c")
    new = store.staff_password_hash(member.id)
    assert new != old and not stronger.needs_rehash(new) and stronger.verify(PASSWORD, new)


def test_the_session_lifetime_is_the_setting(tmp_path):
    from shared.bootstrap import build_services
    from shared.settings import Settings
    from tools.demo_staff import create_demo_staff

    clock = FixedClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    app = build_services(Settings(sqlite_path=tmp_path / "cases.sqlite3",
                                  staff_session_lifetime=timedelta(minutes=30)), clock=clock)
    (member, password), *_ = create_demo_staff(app.store, app.passwords)
    assert app.sign_in.sign_in(member.email, password, "c").expires_at == clock.now() + timedelta(
        minutes=30)
