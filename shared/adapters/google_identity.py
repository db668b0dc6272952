"""Staff identity in the cloud: the assertion Identity-Aware Proxy signs into every request it lets
through (header `x-goog-iap-jwt-assertion`), verified with google-auth."""
from __future__ import annotations

from collections.abc import Callable

from google.auth import exceptions
from google.auth.transport import Request
from google.oauth2 import id_token

from shared.domain.errors import NotSignedIn

ASSERTION_HEADER = "x-goog-iap-jwt-assertion"
IAP_ISSUER = "https://cloud.google.com/iap"
# IAP's keys as {key id: PEM public key}. The JWK form of the same keys (public_key-jwk) would
# need PyJWT, which we do not install; google-auth reads this form with its own ES256 verifier.
IAP_PUBLIC_KEYS_URL = "https://www.gstatic.com/iap/verify/public_key"
# Some accounts' email claims carry the identity source in front of the address.
_EMAIL_PREFIX = "accounts.google.com:"


class IapAssertionVerifier:
    """Checks an IAP assertion: ES256 signature by one of IAP's published keys, issuer, our
    audience (`/projects/NUMBER/...` of the protected service), issued-at and expiry."""

    def __init__(self, audience: str, request: Callable[..., object] | None = None,
                 keys_url: str = IAP_PUBLIC_KEYS_URL):
        if not audience.strip():
            raise ValueError("an IAP audience is required")  # None would skip the audience check
        self._audience = audience
        self._request = request or _default_request()
        self._keys_url = keys_url

    def verified_email(self, assertion: str) -> str:
        """The signed-in person's address. Raises NotSignedIn for a missing, malformed, forged,
        expired or misdirected assertion. A failure to fetch IAP's keys is ours, not the
        caller's: google-auth's TransportError passes through (a 5xx, not a 401)."""
        if not assertion:
            raise NotSignedIn("no identity assertion")
        try:
            claims = id_token.verify_token(assertion, self._request, audience=self._audience,
                                           certs_url=self._keys_url)
        except exceptions.TransportError:
            raise
        except (ValueError, exceptions.GoogleAuthError) as refused:
            raise NotSignedIn(f"identity assertion refused: {refused}") from None
        if claims.get("iss") != IAP_ISSUER:
            raise NotSignedIn("identity assertion not issued by IAP")
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise NotSignedIn("identity assertion names no email address")
        return email.removeprefix(_EMAIL_PREFIX)


def _default_request() -> Request:
    # Imported here: requests is only needed when the verifier fetches keys for real.
    from google.auth.transport.requests import Request as RequestsRequest

    return RequestsRequest()
