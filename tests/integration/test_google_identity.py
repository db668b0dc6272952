"""IAP assertions verified for real (google-auth, ES256) against keys served over loopback."""
from __future__ import annotations

import pytest
from google.auth.exceptions import TransportError

from shared.adapters.google_identity import IapAssertionVerifier
from shared.domain.errors import NotSignedIn
from tests.support.iap_keys import SigningKey, serving_public_keys, verifier_for

IAP_KEY = SigningKey("iap-key-1")
OTHER_KEY = SigningKey("someone-else")


@pytest.fixture(scope="module")
def verifier():
    with serving_public_keys(IAP_KEY) as url:
        yield verifier_for(url)


def test_a_valid_assertion_gives_the_signed_in_email(verifier):
    assert verifier.verified_email(IAP_KEY.assertion(email="li.si@example.com")) == "li.si@example.com"


def test_the_identity_source_prefix_is_stripped(verifier):
    assertion = IAP_KEY.assertion(email="accounts.google.com:li.si@example.com")
    assert verifier.verified_email(assertion) == "li.si@example.com"


def _tampered(assertion: str) -> str:
    header, payload, signature = assertion.split(".")
    flipped = "A" if signature[5] != "A" else "B"
    return ".".join([header, payload, signature[:5] + flipped + signature[6:]])


@pytest.mark.parametrize("assertion", [
    pytest.param(IAP_KEY.assertion(aud="/projects/1/global/backendServices/2"), id="wrong audience"),
    pytest.param(IAP_KEY.assertion(iss="https://accounts.google.com"), id="wrong issuer"),
    pytest.param(IAP_KEY.assertion(iss=None), id="no issuer"),
    pytest.param(IAP_KEY.assertion(iat=1_000_000, exp=1_000_600), id="expired"),
    pytest.param(_tampered(IAP_KEY.assertion()), id="bad signature"),
    pytest.param(OTHER_KEY.assertion(key_id="iap-key-1"), id="another key under IAP's key id"),
    pytest.param(OTHER_KEY.assertion(), id="a key IAP does not publish"),
    pytest.param(IAP_KEY.assertion(email=None), id="no email"),
    pytest.param(IAP_KEY.assertion(email="not-an-address"), id="not an address"),
    pytest.param("not.a.jwt", id="garbage"),
    pytest.param("", id="missing"),
])
def test_an_assertion_that_does_not_verify_is_refused(verifier, assertion):
    with pytest.raises(NotSignedIn):
        verifier.verified_email(assertion)


def test_an_audience_is_required():
    with pytest.raises(ValueError):
        IapAssertionVerifier(" ")


def test_keys_that_cannot_be_fetched_are_our_failure_not_the_callers():
    with serving_public_keys(IAP_KEY) as url:
        pass  # the server is gone: nothing listens at the URL any more
    verifier = verifier_for(url)
    with pytest.raises(TransportError):
        verifier.verified_email(IAP_KEY.assertion())
