"""Local sign-in for staff (the cloud uses Google identity in front of the functions): email and
password against the member's Argon2id hash, then a bearer token whose SHA-256 is the session's
key in the store.

Whoever guesses learns nothing: an unknown email, a wrong password and a member who may not sign
in fail with one error after the same work (a hash is verified in every case), and failures are
rate-limited per client and per email address.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from shared.domain.errors import NotSignedIn, TooManyAttempts
from shared.domain.ports import CaseStore, Clock, PasswordHasher
from shared.domain.rate_limits import CounterSlot, client_slot
from shared.domain.sessions import Session, SignInFailed, new_token, token_hash
from shared.domain.staff import StaffMember, email_key


@dataclass(frozen=True)
class SignInLimits:
    """Failed sign-ins allowed in a window, per client and per email address. The address limit
    stops a guesser who spreads over many clients; it may shut the member out for the rest of the
    window, which a staff account's worth justifies."""

    lifetime: timedelta = timedelta(hours=8)
    per_client: int = 20
    per_email: int = 10
    window: timedelta = timedelta(minutes=15)


class StaffSignIn:
    """Sign in, identify the member behind a token, sign out."""

    def __init__(self, store: CaseStore, passwords: PasswordHasher, clock: Clock,
                 limits: SignInLimits):
        self._store = store
        self._passwords = passwords
        self._clock = clock
        self._limits = limits

    def sign_in(self, email: str, password: str, client: str) -> Session:
        """A new session for the active member with this address and password, its `token` set
        (the client's only copy). Raises SignInFailed, or TooManyAttempts while the client or the
        address has failed too often."""
        now = self._clock.now()
        slots = self._failure_slots(email, client)
        for slot, limit in zip(slots, (self._limits.per_client, self._limits.per_email)):
            if self._store.read_counters([slot])[0] >= limit:
                raise TooManyAttempts(retry_after=slot.expires_at - now)
        member = self._store.staff_by_email(email)
        stored = self._store.staff_password_hash(member.id) if member else ""
        # The dummy hash costs what a real one does: an unknown address takes as long as a known one.
        matches = self._passwords.verify(password, stored or self._dummy_hash)
        if not (member and stored and matches and member.active):
            for slot in slots:
                self._store.count_hit(slot)
            raise SignInFailed()
        if self._passwords.needs_rehash(stored):
            self._store.put_staff(member, self._passwords.hash(password))
        return self._open_session(member, client)

    def identify(self, token: str) -> StaffMember:
        """The active member the token belongs to. Raises NotSignedIn for an unknown, expired or
        signed-out token, and for a member deactivated since."""
        session = self._store.session(token_hash(token or ""))
        if session is None or session.expired(self._clock.now()):
            raise NotSignedIn("no valid session")
        member = self._store.get_staff(session.staff_id)
        if member is None or not member.active:
            raise NotSignedIn("no valid session")
        return member

    def sign_out(self, token: str) -> None:
        """End the token's session at once (nothing happens for an unknown token)."""
        self._store.delete_session(token_hash(token or ""))

    def _open_session(self, member: StaffMember, client: str) -> Session:
        token, now = new_token(), self._clock.now()
        session = Session(token_hash(token), member.id, now, now + self._limits.lifetime, client,
                          token=token)
        self._store.put_session(session)
        return session

    def _failure_slots(self, email: str, client: str) -> list[CounterSlot]:
        now, window = self._clock.now(), self._limits.window
        return [client_slot("sign-in-client", client, window, now),
                client_slot("sign-in-email", email_key(email or ""), window, now)]

    @cached_property
    def _dummy_hash(self) -> str:
        return self._passwords.hash(new_token())  # a password nobody knows
