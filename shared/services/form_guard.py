"""The form's guard (issue 12): the trap field, and the proof of work (ALTCHA) asked of a source
past its threshold — its cases this hour, or a post that filled the trap.

Challenges are made and checked with the `altcha` library: signed with a key derived from the
reply key (so no other secret to deploy), with an expiry, and the derived key signed too, so a
solution is checked with one HMAC instead of redoing the work. A solved challenge is good for one
post: its first use is counted in the store's counters (both stores), and a second is refused.
Below the threshold nothing is asked, and the form works without JavaScript.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime

from shared.domain.form_guard import (
    CHALLENGE_EXPIRED,
    CHALLENGE_FAILED,
    CHALLENGE_REQUIRED,
    SUBMISSIONS_SCOPE,
    TRAPPED,
    ChallengeWork,
    challenge_engaged,
    trap_slot,
    used_challenge_slot,
)
from shared.domain.ports import CaseStore, Clock
from shared.domain.rate_limits import client_slot

from .registration import CLIENT_WINDOW

MAX_SOLUTION_CHARS = 4096  # a solved challenge is about 700 characters of base64


def challenge_keys(reply_key: bytes) -> tuple[bytes, bytes]:
    """The keys that sign a challenge and its derived key, derived from the reply key."""
    return (hmac.new(reply_key, b"form-challenge", hashlib.sha256).digest(),
            hmac.new(reply_key, b"form-challenge-key", hashlib.sha256).digest())


class FormGuard:
    """Decides whether a form post may go on to registration."""

    def __init__(self, store: CaseStore, clock: Clock, reply_key: bytes, threshold: int,
                 sent_before: Callable[[str], bool], work: ChallengeWork = ChallengeWork()):
        self._store = store
        self._clock = clock
        self._keys = challenge_keys(reply_key)
        self._threshold = threshold
        self._sent_before = sent_before  # whether a form token was registered already
        self._work = work

    def challenge_for(self, client: str) -> str:
        """A fresh challenge (JSON, for the widget) when the client's posts need one, else ""."""
        return self.new_challenge() if self.engaged(client) else ""

    def engaged(self, client: str) -> bool:
        """Whether the client is past its threshold (one read of two counters)."""
        now = self._clock.now()
        submissions, trapped = self._store.read_counters(
            [client_slot(SUBMISSIONS_SCOPE, client, CLIENT_WINDOW, now), trap_slot(client, now)])
        return challenge_engaged(submissions, trapped, self._threshold)

    def new_challenge(self) -> str:
        import altcha  # lazily: only a source past its threshold needs it

        work = self._work
        challenge = altcha.create_challenge(
            work.algorithm, work.cost,
            counter=work.least + secrets.randbelow(work.most - work.least + 1),
            expires_at=self._clock.now() + work.lifetime,
            hmac_secret=self._keys[0], hmac_key_secret=self._keys[1])
        return json.dumps(challenge.to_dict(), separators=(",", ":"))

    def check(self, client: str, trap: str, solution: str, form_token: str) -> str | None:
        """None when the post may be registered; else why not (`shared.domain.form_guard`). A
        filled trap is counted against the client. A form registered already passes (its
        receipt is shown again, as for any form sent twice)."""
        if trap.strip():
            self._store.count_hit(trap_slot(client, self._clock.now()))
            return TRAPPED
        if not self.engaged(client):
            return None
        refusal = self._verified(solution)
        if refusal and form_token and self._sent_before(form_token):
            return None
        return refusal

    def _verified(self, solution: str) -> str | None:
        if not solution:
            return CHALLENGE_REQUIRED
        import altcha

        try:
            payload = altcha.Payload.from_base64(solution[:MAX_SOLUTION_CHARS])
            expires = datetime.fromtimestamp(int(payload.challenge.parameters.expires_at), UTC)
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError):
            return CHALLENGE_FAILED
        if expires <= self._clock.now():
            return CHALLENGE_EXPIRED
        result = altcha.verify_solution(payload, self._keys[0], hmac_key_secret=self._keys[1])
        if result.expired:
            return CHALLENGE_EXPIRED
        if not result.verified:
            return CHALLENGE_FAILED
        used = self._store.count_hit(used_challenge_slot(payload.challenge.signature, expires))
        return CHALLENGE_FAILED if used > 1 else None
