"""The public form's abuse controls (issue 12): a trap field people never fill, and a proof of work
asked of a source past its threshold. What is counted, and what a refused post is told."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from .rate_limits import CounterSlot, client_slot

TRAP_FIELD = "homepage"  # hidden from people by our stylesheet; a bot filling forms fills it
SOLUTION_FIELD = "altcha"  # where the widget puts the solved challenge
TRAP_WINDOW = timedelta(hours=1)
SUBMISSIONS_SCOPE = "submit-client"  # registration's own count of a client's cases per hour

# Refusals, each a message on the form (templates/i18n/*.json, `errors`).
TRAPPED = "form_not_accepted"  # neutral: the trap is not named
CHALLENGE_REQUIRED = "challenge_required"  # no solution sent (no JavaScript, or newly past)
CHALLENGE_FAILED = "challenge_failed"  # not ours, tampered, wrong, or used before
CHALLENGE_EXPIRED = "challenge_expired"
CHALLENGE_REFUSALS = (CHALLENGE_REQUIRED, CHALLENGE_FAILED, CHALLENGE_EXPIRED)


@dataclass(frozen=True)
class ChallengeWork:
    """How much work one challenge asks: PBKDF2-SHA-256 derivations of `cost` iterations, as
    many as the secret counter drawn between `least` and `most` (about 0.5 s in CPython, a few
    seconds on a phone's browser); it stays solvable for `lifetime` (a complaint takes a while
    to type: the widget solves it when the form is sent)."""

    cost: int = 500
    least: int = 1000
    most: int = 2500
    lifetime: timedelta = timedelta(hours=1)
    algorithm: str = "PBKDF2/SHA-256"


def trap_slot(client: str, now: datetime) -> CounterSlot:
    """The posts of one client this hour that filled the trap."""
    return client_slot("form-trap", client, TRAP_WINDOW, now)


def used_challenge_slot(signature: str, expires_at: datetime) -> CounterSlot:
    """A solved challenge, counted at its first use: a count above one is a replay. Kept until
    the challenge expires (after which it is refused anyway)."""
    digest = hashlib.sha256(signature.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return CounterSlot(f"challenge-used-{digest}", expires_at)


def challenge_engaged(submissions: int, trapped: int, threshold: int) -> bool:
    """Whether a client's posts need a proof of work: past `threshold` cases this hour, or after
    any post this hour that filled the trap."""
    return submissions >= threshold or trapped > 0
