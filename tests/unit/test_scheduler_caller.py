"""Who may start the sweep in the cloud: Cloud Scheduler's OIDC token, checked with google-auth
against Google's certificates (answered here by a fake transport: no network)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from google.auth.exceptions import TransportError

from shared.adapters.google_oidc import CachedCertsRequest, NotTheScheduler, SchedulerCallerVerifier
from shared.domain.errors import NotSignedIn
from tests.support.oidc_tokens import AUDIENCE, INVOKER, GoogleCerts, GoogleKey

GOOGLE = GoogleKey("google-1")


@pytest.fixture
def certs():
    return GoogleCerts(GOOGLE)


@pytest.fixture
def verifier(certs):
    return SchedulerCallerVerifier(AUDIENCE, INVOKER, CachedCertsRequest(certs))


def bearer(token: str) -> str:
    return f"Bearer {token}"


def _unsigned(alg: str, key: bytes | None = None) -> str:
    """A token with Google's claims whose header names `alg`: none (no signature), or HS256
    keyed with Google's public certificate (the algorithm-confusion forgery)."""
    def part(value) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    now = int(time.time())
    signed = part({"alg": alg, "kid": "google-1"}) + "." + part(
        {"iss": "https://accounts.google.com", "aud": AUDIENCE, "iat": now, "exp": now + 600,
         "email": INVOKER, "email_verified": True})
    mac = hmac.new(key, signed.encode(), hashlib.sha256).digest() if key else b""
    return signed + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def test_the_schedulers_token_is_accepted(verifier):
    assert verifier.verify(bearer(GOOGLE.id_token())) == INVOKER


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer   ", "Basic dXNlcjpwdw==",
                                    "Bearer not.a.jwt", "Bearer " + "x" * 10_000])
def test_no_or_a_malformed_token_is_not_signed_in(verifier, header):
    with pytest.raises(NotSignedIn):
        verifier.verify(header)


@pytest.mark.parametrize("token", [
    GoogleKey("google-1").id_token(),  # forged: another key under Google's key id
    GoogleKey("other").id_token(),  # a key id Google does not publish
    GOOGLE.id_token(lifetime=-3600),  # expired
    GOOGLE.id_token(aud="https://europe-west1-other.cloudfunctions.net/sweep-deadlines"),
    GOOGLE.id_token(aud=None),
    GOOGLE.id_token(iss="https://evil.example.com"),
    _unsigned("none"),
    _unsigned("HS256", GOOGLE.certificate_pem.encode()),
], ids=["forged", "unknown_key", "expired", "wrong_audience", "no_audience", "wrong_issuer",
        "alg_none", "alg_confusion"])
def test_a_token_google_did_not_sign_for_us_is_not_signed_in(verifier, token):
    with pytest.raises(NotSignedIn):
        verifier.verify(bearer(token))


@pytest.mark.parametrize("claims", [
    {"email": "someone-else@complaint-desk.iam.gserviceaccount.com"},
    {"email": None},
    {"email_verified": False},
    {"email_verified": "true"},
], ids=["other_account", "no_email", "unverified", "verified_as_text"])
def test_a_valid_token_of_another_account_is_forbidden(verifier, claims):
    with pytest.raises(NotTheScheduler):
        verifier.verify(bearer(GOOGLE.id_token(**claims)))


def test_the_account_is_matched_whatever_its_letter_case(verifier):
    assert verifier.verify(bearer(GOOGLE.id_token(email=INVOKER.upper())))


@pytest.mark.parametrize("status, body", [(500, b"oops"), (200, b"<html>"), (200, b"[]"),
                                          (200, b"{}"), (200, b'{"k": 1}')])
def test_certificates_we_cannot_fetch_are_our_failure_not_the_callers(certs, verifier, status,
                                                                       body):
    certs.status, certs.body = status, body
    with pytest.raises(TransportError):
        verifier.verify(bearer(GOOGLE.id_token()))


def test_certificates_are_fetched_once_and_again_after_an_hour(certs):
    now = [0.0]
    verifier = SchedulerCallerVerifier(AUDIENCE, INVOKER,
                                       CachedCertsRequest(certs, monotonic=lambda: now[0]))
    for _ in range(3):
        verifier.verify(bearer(GOOGLE.id_token()))
    assert len(certs.fetches) == 1
    now[0] = 3600.0
    verifier.verify(bearer(GOOGLE.id_token()))
    assert len(certs.fetches) == 2


def test_a_failed_fetch_is_not_kept(certs, verifier):
    good = certs.body
    certs.status = 503
    with pytest.raises(TransportError):
        verifier.verify(bearer(GOOGLE.id_token()))
    certs.status, certs.body = 200, good
    assert verifier.verify(bearer(GOOGLE.id_token())) == INVOKER


@pytest.mark.parametrize("audience, invoker", [("", INVOKER), (AUDIENCE, ""), (" ", " ")])
def test_without_an_audience_and_an_account_no_verifier_is_built(audience, invoker):
    with pytest.raises(ValueError):
        SchedulerCallerVerifier(audience, invoker, GoogleCerts(GOOGLE))
