"""The staff API behind Identity-Aware Proxy (CD_STAFF_IDENTITY=iap), as deployed: assertions
signed for real (ES256) with a key served over loopback as IAP serves its own, verified by the
production verifier the bootstrap builds from the settings; IAP's keys fetched once and kept."""
from __future__ import annotations

import dataclasses
import uuid

import pytest
import requests
from google.auth.transport.requests import Request

from shared.adapters import google_identity
from shared.domain.staff import Role
from tests.support.iap_keys import AUDIENCE, SigningKey, serving_public_keys
from tests.support.staff_api import StaffApi, json_of
from tests.support.staff_builders import staff_member

IAP_KEY = SigningKey("iap-key-1")
HEADER = "x-goog-iap-jwt-assertion"


class CountingRequest(Request):
    """google-auth's requests transport, never through a proxy, counting what it fetches."""

    def __init__(self):
        session = requests.Session()
        session.trust_env = False
        super().__init__(session)
        self.fetches = 0

    def __call__(self, *args, **kwargs):
        self.fetches += 1
        return super().__call__(*args, **kwargs)


@pytest.fixture(scope="module")
def keys_url():
    with serving_public_keys(IAP_KEY) as url:
        yield url


@pytest.fixture
def transport(monkeypatch):
    counting = CountingRequest()
    monkeypatch.setattr(google_identity, "_default_request", lambda: counting)
    return counting


@pytest.fixture(params=["sqlite", pytest.param("firestore", marks=pytest.mark.firestore)])
def iap_api(request, function_client, monkeypatch, keys_url, transport) -> StaffApi:
    from shared import bootstrap

    monkeypatch.setenv("CD_STAFF_IDENTITY", "iap")
    monkeypatch.setenv("CD_IAP_AUDIENCE", AUDIENCE)
    monkeypatch.setenv("CD_TRUSTED_PROXIES", "2")
    monkeypatch.setattr(google_identity, "IAP_PUBLIC_KEYS_URL", keys_url)
    if request.param == "firestore":
        request.getfixturevalue("firestore_emulator")
        monkeypatch.setenv("CD_CASE_STORE", "firestore")
        monkeypatch.setenv("CD_FIRESTORE_PROJECT", f"test-iap-{uuid.uuid4().hex[:12]}")
        monkeypatch.setenv("CD_REPLY_TOKEN_KEY", "a-test-secret-that-nobody-publishes")
    bootstrap.services.cache_clear()
    return StaffApi(function_client("staff_api"), bootstrap.services())


def _as(email: str, **claims) -> dict:
    return {HEADER: IAP_KEY.assertion(email=email, **claims)}


def test_a_signed_in_staff_member_is_recognised_by_their_google_account(iap_api):
    member = staff_member(roles={Role.SUPERVISOR}, email="Zhao.Liu@Example.com")
    iap_api.store.put_staff(member)
    answer = iap_api.get("/me", headers=_as("accounts.google.com:zhao.liu@example.com"))
    assert answer.status_code == 200
    assert json_of(answer)["id"] == member.id


def test_the_client_is_the_address_the_load_balancer_saw(iap_api, monkeypatch):
    member = staff_member(roles={Role.ADMIN}, email="admin@example.com")
    iap_api.store.put_staff(member)
    seen = []
    original = iap_api.app.staff_admin.list_staff

    def spy(who):
        seen.append(who.client)
        return original(who)

    monkeypatch.setattr(iap_api.app.staff_admin, "list_staff", spy)
    headers = {**_as("admin@example.com"),
               "X-Forwarded-For": "10.9.9.9, 198.51.100.23, 34.120.0.1"}
    assert iap_api.get("/staff", headers=headers).status_code == 200
    assert seen == ["198.51.100.23"]  # the client wrote 10.9.9.9 itself


def test_without_a_valid_assertion_every_path_is_401_and_bearer_tokens_mean_nothing(iap_api):
    member, token = iap_api.member(Role.ADMIN, email="admin@example.com")
    for headers in [{}, {"Authorization": f"Bearer {token}"}, {HEADER: "not.a.jwt"},
                    _as("admin@example.com", aud="/projects/1/global/backendServices/2"),
                    _as("admin@example.com", iat=1_000_000, exp=1_000_600)]:
        for method, path in [("GET", "/me"), ("GET", "/staff"), ("GET", "/nothing"),
                             ("POST", "/sign-in"), ("POST", "/sign-out")]:
            answer = iap_api.call(method, path, headers=headers)
            assert answer.status_code == 401, (headers, path)
            assert "WWW-Authenticate" not in answer.headers  # no scheme a client could answer
            assert json_of(answer)["error"] == "not_signed_in"


def test_a_verified_person_without_an_active_staff_record_is_403(iap_api):
    member = staff_member(email="left@example.com")
    iap_api.store.put_staff(dataclasses.replace(member, active=False))
    for email in ("stranger@example.com", "left@example.com"):
        answer = iap_api.get("/me?lang=en", headers=_as(email))
        assert answer.status_code == 403
        assert json_of(answer) == {"error": "not_staff", "message":
                                   "You have no staff account here, or it was deactivated."}


def test_the_local_sign_in_does_not_exist_behind_iap(iap_api):
    member = staff_member(email="clerk@example.com")
    iap_api.store.put_staff(member, iap_api.app.passwords.hash("a password of some length"))
    for path, body in (("/sign-in", {"email": "clerk@example.com",
                                     "password": "a password of some length"}),
                       ("/sign-out", None)):
        answer = iap_api.post(path, headers=_as("clerk@example.com"), json=body)
        assert (answer.status_code, json_of(answer)["error"]) == (404, "not_found")


def test_iaps_keys_are_fetched_once_for_many_requests(iap_api, transport):
    iap_api.store.put_staff(staff_member(email="handler@example.com"))
    for _ in range(5):
        assert iap_api.get("/me", headers=_as("handler@example.com")).status_code == 200
    assert transport.fetches == 1


def test_keys_that_cannot_be_fetched_are_a_503_not_a_401(function_client, monkeypatch, transport):
    from shared import bootstrap

    with serving_public_keys(IAP_KEY) as url:
        pass  # gone: nothing listens there any more
    monkeypatch.setenv("CD_STAFF_IDENTITY", "iap")
    monkeypatch.setenv("CD_IAP_AUDIENCE", AUDIENCE)
    monkeypatch.setattr(google_identity, "IAP_PUBLIC_KEYS_URL", url)
    bootstrap.services.cache_clear()
    answer = function_client("staff_api").get("/me", headers=_as("handler@example.com"))
    assert answer.status_code == 503
    assert json_of(answer)["error"] == "identity_unavailable"
    assert answer.headers["Retry-After"] == "30"
