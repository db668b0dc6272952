"""The form's guard on both stores (issue 12): below its threshold a source is asked nothing; past
it (its cases this hour, or a filled trap) a post needs an ALTCHA challenge solved — here by
altcha's own solver, checked for real — good for one post only, refused once expired or tampered
with. A filled trap is counted against the source."""
from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import altcha
import pytest

from shared.adapters.clock import FixedClock
from shared.domain.form_guard import (
    CHALLENGE_EXPIRED,
    CHALLENGE_FAILED,
    CHALLENGE_REQUIRED,
    SUBMISSIONS_SCOPE,
    TRAPPED,
)
from shared.domain.rate_limits import client_slot
from shared.services.form_guard import FormGuard

CLIENT = "198.51.100.23"
KEY = b"a reply key of the tests"
TOKEN = "f" * 22


@pytest.fixture
def clock():
    # near the real time: altcha also checks a challenge's expiry against the wall clock
    return FixedClock(datetime.now(UTC))


@pytest.fixture
def guard(store, clock):
    registered = set()
    made = FormGuard(store, clock, KEY, threshold=3, sent_before=registered.__contains__)
    made.registered = registered
    return made


def file_cases(store, clock, count: int) -> None:
    """The client's cases this hour, as registration counts them."""
    for _ in range(count):
        store.count_hit(client_slot(SUBMISSIONS_SCOPE, CLIENT, timedelta(hours=1), clock.now()))


def solved(challenge_json: str) -> str:
    """The widget's answer: the challenge solved by altcha's own solver, as base64 JSON."""
    challenge = altcha.Challenge.from_dict(json.loads(challenge_json))
    return altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()


def test_below_its_threshold_a_source_is_asked_nothing(guard, store, clock):
    file_cases(store, clock, 2)
    assert guard.challenge_for(CLIENT) == ""
    assert guard.check(CLIENT, "", "", TOKEN) is None


def test_past_its_threshold_a_post_needs_a_solved_challenge_good_for_one_post(guard, store,
                                                                               clock):
    file_cases(store, clock, 3)
    challenge = guard.challenge_for(CLIENT)
    assert json.loads(challenge)["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert guard.check(CLIENT, "", "", TOKEN) == CHALLENGE_REQUIRED
    answer = solved(challenge)
    assert guard.check(CLIENT, "", answer, TOKEN) is None
    assert guard.check(CLIENT, "", answer, "g" * 22) == CHALLENGE_FAILED  # replayed
    assert guard.check("203.0.113.9", "", answer, "h" * 22) is None  # another source: not asked


def test_a_form_registered_already_passes_with_its_used_challenge(guard, store, clock):
    """A double click, or a post sent again after a lost answer: its receipt is shown again."""
    file_cases(store, clock, 3)
    answer = solved(guard.new_challenge())
    assert guard.check(CLIENT, "", answer, TOKEN) is None
    guard.registered.add(TOKEN)
    assert guard.check(CLIENT, "", answer, TOKEN) is None


def test_an_expired_challenge_is_refused(guard, store, clock):
    file_cases(store, clock, 3)
    answer = solved(guard.new_challenge())
    clock.advance(timedelta(minutes=61))
    file_cases(store, clock, 3)  # a new hour: still past the threshold
    assert guard.check(CLIENT, "", answer, TOKEN) == CHALLENGE_EXPIRED


def test_a_challenge_made_with_another_key_or_altered_is_refused(guard, store, clock):
    file_cases(store, clock, 3)
    foreign = FormGuard(store, clock, b"another key", 3, lambda token: False)
    assert guard.check(CLIENT, "", solved(foreign.new_challenge()), TOKEN) == CHALLENGE_FAILED
    payload = json.loads(base64.b64decode(solved(guard.new_challenge())))
    payload["challenge"]["parameters"]["cost"] = 1  # cheaper work, same signature
    altered = base64.b64encode(json.dumps(payload).encode()).decode()
    assert guard.check(CLIENT, "", altered, TOKEN) == CHALLENGE_FAILED
    for garbage in ("not base64!", base64.b64encode(b"[]").decode(), "e30=", "x" * 100_000):
        assert guard.check(CLIENT, "", garbage, TOKEN) == CHALLENGE_FAILED


def test_a_filled_trap_registers_nothing_and_engages_the_challenge(guard, store, clock):
    assert guard.check(CLIENT, "https://spam.example", "", TOKEN) == TRAPPED
    assert guard.challenge_for(CLIENT) != ""  # one trap hit is enough
    assert guard.check(CLIENT, "", "", TOKEN) == CHALLENGE_REQUIRED
    assert guard.challenge_for("203.0.113.9") == ""
