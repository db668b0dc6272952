"""CD_STAFF_IDENTITY and CD_IAP_AUDIENCE: IAP without an audience refuses to start, and only IAP
settings build a verifier of identity assertions."""
from __future__ import annotations

import pytest

from shared.adapters.google_identity import IapAssertionVerifier
from shared.bootstrap import build_identity_verifier, build_services
from shared.settings import ConfigurationError, Settings

AUDIENCE = "/projects/123456789/global/backendServices/987654321"


def test_staff_identity_is_local_unless_iap_is_chosen():
    assert Settings.from_environment({}).staff_identity == "local"
    chosen = Settings.from_environment({"CD_STAFF_IDENTITY": " IAP ", "CD_IAP_AUDIENCE": AUDIENCE})
    assert (chosen.staff_identity, chosen.iap_audience) == ("iap", AUDIENCE)


def test_an_unknown_identity_source_is_refused():
    with pytest.raises(ConfigurationError, match="CD_STAFF_IDENTITY"):
        Settings.from_environment({"CD_STAFF_IDENTITY": "google"})


@pytest.mark.parametrize("audience", [None, "", "  "])
def test_iap_without_an_audience_refuses_to_start(audience):
    env = {"CD_STAFF_IDENTITY": "iap"}
    if audience is not None:
        env["CD_IAP_AUDIENCE"] = audience
    with pytest.raises(ConfigurationError, match="CD_IAP_AUDIENCE"):
        Settings.from_environment(env)
    with pytest.raises(ConfigurationError, match="CD_IAP_AUDIENCE"):
        Settings(staff_identity="iap", iap_audience=audience or "")


def test_only_iap_settings_build_an_assertion_verifier():
    verifier = build_identity_verifier(Settings(staff_identity="iap", iap_audience=AUDIENCE))
    assert isinstance(verifier, IapAssertionVerifier)
    with pytest.raises(ConfigurationError, match="CD_STAFF_IDENTITY"):
        build_identity_verifier(Settings())
    with pytest.raises(ConfigurationError, match="CD_STAFF_IDENTITY"):
        build_services(Settings()).staff_identity
