"""Staff identity in the cloud: the assertion Identity-Aware Proxy signs into every request it lets
through (header `x-goog-iap-jwt-assertion`), verified with google-auth against IAP's published
keys, which are kept between requests (they rotate rarely)."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http import HTTPStatus

from google.auth import exceptions, jwt
from google.auth.transport import Request

from shared.domain.errors import NotSignedIn

ASSERTION_HEADER = "x-goog-iap-jwt-assertion"
IAP_ISSUER = "https://cloud.google.com/iap"
# IAP's keys as {key id: PEM public key}. The JWK form of the same keys (public_key-jwk) would
# need PyJWT, which we do not install; google-auth reads this form with its own ES256 verifier.
IAP_PUBLIC_KEYS_URL = "https://www.gstatic.com/iap/verify/public_key"
# Some accounts' email claims carry the identity source in front of the address.
_EMAIL_PREFIX = "accounts.google.com:"
# Kept keys are fetched again after KEYS_MAX_AGE (a key IAP withdrew stops verifying within the
# hour), and at once for a key id we do not know (a key IAP just started signing with) — but at
# most once per REFETCH_INTERVAL, so assertions with made-up key ids cannot make every request
# fetch.
KEYS_MAX_AGE = 3600.0
REFETCH_INTERVAL = 60.0


class IapAssertionVerifier:
    """Checks an IAP assertion: ES256 signature by one of IAP's published keys, issuer, our
    audience (`/projects/NUMBER/...` of the protected service), issued-at and expiry."""

    def __init__(self, audience: str, request: Callable[..., object] | None = None,
                 keys_url: str | None = None, monotonic: Callable[[], float] = time.monotonic):
        if not audience.strip():
            raise ValueError("an IAP audience is required")  # None would skip the audience check
        self._audience = audience
        self._keys = PublicKeys(request or _default_request(), keys_url or IAP_PUBLIC_KEYS_URL,
                                monotonic)

    def verified_email(self, assertion: str) -> str:
        """The signed-in person's address. Raises NotSignedIn for a missing, malformed, forged,
        expired or misdirected assertion. A failure to fetch IAP's keys is ours, not the
        caller's: google-auth's TransportError passes through (a 5xx, not a 401)."""
        if not assertion:
            raise NotSignedIn("no identity assertion")
        try:
            key_id = jwt.decode_header(assertion).get("kid")
        except (ValueError, TypeError, AttributeError, exceptions.GoogleAuthError):
            raise NotSignedIn("identity assertion is not a JWT") from None
        keys = self._keys.for_key_id(key_id if isinstance(key_id, str) else "")
        try:
            claims = jwt.decode(assertion, certs=keys, audience=self._audience)
        except (ValueError, TypeError, exceptions.GoogleAuthError) as refused:
            raise NotSignedIn(f"identity assertion refused: {refused}") from None
        if claims.get("iss") != IAP_ISSUER:
            raise NotSignedIn("identity assertion not issued by IAP")
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise NotSignedIn("identity assertion names no email address")
        return email.removeprefix(_EMAIL_PREFIX)


class PublicKeys:
    """IAP's public keys ({key id: PEM}), fetched once and kept: again after `max_age` seconds,
    or when an assertion names a key id we do not hold (at most once per `refetch_interval`).
    Shared by the threads of one instance."""

    def __init__(self, request: Callable[..., object], url: str,
                 monotonic: Callable[[], float] = time.monotonic,
                 max_age: float = KEYS_MAX_AGE, refetch_interval: float = REFETCH_INTERVAL):
        self._request = request
        self._url = url
        self._monotonic = monotonic
        self._max_age = max_age
        self._refetch_interval = refetch_interval
        self._lock = threading.Lock()
        self._keys: dict[str, str] | None = None
        self._fetched_at = 0.0

    def for_key_id(self, key_id: str) -> dict[str, str]:
        """The keys to verify an assertion signed with `key_id`. Raises TransportError when they
        cannot be fetched."""
        with self._lock:
            now = self._monotonic()
            age = now - self._fetched_at
            unknown = bool(key_id) and self._keys is not None and key_id not in self._keys
            if self._keys is None or age >= self._max_age or \
                    (unknown and age >= self._refetch_interval):
                self._keys = self._fetch()
                self._fetched_at = now
            return self._keys

    def _fetch(self) -> dict[str, str]:
        response = self._request(self._url, method="GET")
        if response.status != HTTPStatus.OK:
            raise exceptions.TransportError(f"could not fetch IAP's keys at {self._url}")
        try:
            keys = json.loads(response.data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            keys = None
        if not isinstance(keys, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in keys.items()):
            raise exceptions.TransportError(f"IAP's keys at {self._url} are not {{key id: PEM}}")
        return keys


def _default_request() -> Request:
    # Imported here: requests is only needed when the verifier fetches keys for real.
    from google.auth.transport.requests import Request as RequestsRequest

    return RequestsRequest()
