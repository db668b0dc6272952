"""Who may start the scheduled sweep in the cloud: Cloud Scheduler, which calls `sweep_deadlines`
with a Google-signed OIDC ID token (`Authorization: Bearer …`) of the job's own service account.
The token is verified with google-auth's `verify_oauth2_token` (signature by one of Google's
published certificates, issuer, our audience — the function's URL —, issued-at and expiry); its
`email` must be the scheduler's account, verified. Google's certificates are kept between calls
by a caching transport (they rotate rarely, and are published well before use)."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

from google.auth import exceptions
from google.oauth2 import id_token

from shared.domain.errors import NotSignedIn

# Kept certificates are fetched again after this many seconds (a withdrawn one stops verifying
# within the hour); a failed fetch is not kept, so the next call tries again.
CERTS_MAX_AGE = 3600.0
_BEARER = "bearer "


class NotTheScheduler(Exception):
    """A valid Google ID token, but of another account than the scheduler's (403)."""


class SchedulerCallerVerifier:
    """Checks that a request comes from our Cloud Scheduler job."""

    def __init__(self, audience: str, invoker: str, request: Callable[..., object] | None = None):
        if not audience.strip() or not invoker.strip():
            # None would skip google-auth's audience check: any Google token would do.
            raise ValueError("the sweep's audience and invoker are required")
        self._audience = audience
        self._invoker = invoker.lower()
        self._request = request or CachedCertsRequest(_default_request())

    def verify(self, authorization: str | None) -> str:
        """The caller's service account. Raises NotSignedIn (401) for a missing, malformed,
        forged, expired or misdirected token, NotTheScheduler (403) for another account's; a
        failure to fetch Google's certificates is ours, not the caller's: google-auth's
        TransportError passes through (a 503)."""
        header = authorization or ""
        if not header.lower().startswith(_BEARER) or not header[len(_BEARER):].strip():
            raise NotSignedIn("no bearer token")
        token = header[len(_BEARER):].strip()
        try:
            claims = id_token.verify_oauth2_token(token, self._request, audience=self._audience)
        except exceptions.TransportError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError,
                exceptions.GoogleAuthError) as refused:
            raise NotSignedIn(f"token refused: {refused}") from None
        email = claims.get("email")
        if not isinstance(email, str) or claims.get("email_verified") is not True \
                or email.lower() != self._invoker:
            raise NotTheScheduler(f"token of {str(email)[:200]!r}, not the scheduler's account")
        return email


@dataclass(frozen=True)
class _KeptResponse:
    status: int
    data: bytes
    headers: dict


class CachedCertsRequest:
    """A google-auth transport that keeps each URL's good answer (HTTP 200, a JSON object of
    {key id: certificate}) for `max_age` seconds; shared by the threads of one instance. An
    answer that is not such an object raises TransportError, so that it is never taken for a
    caller's fault."""

    def __init__(self, request: Callable[..., object], max_age: float = CERTS_MAX_AGE,
                 monotonic: Callable[[], float] = time.monotonic):
        self._request = request
        self._max_age = max_age
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[float, _KeptResponse]] = {}

    def __call__(self, url: str, method: str = "GET", **kwargs) -> _KeptResponse:
        with self._lock:
            now = self._monotonic()
            kept = self._kept.get(url)
            if kept and now - kept[0] < self._max_age:
                return kept[1]
            response = self._request(url, method=method, **kwargs)
            if response.status != HTTPStatus.OK:
                raise exceptions.TransportError(f"could not fetch certificates at {url}")
            _check_certificates(url, response.data)
            answer = _KeptResponse(response.status, response.data, dict(response.headers or {}))
            self._kept[url] = (now, answer)
            return answer


def _check_certificates(url: str, data: bytes) -> None:
    try:
        certs = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, AttributeError):
        certs = None
    if not isinstance(certs, dict) or not certs or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in certs.items()):
        raise exceptions.TransportError(f"the certificates at {url} are not {{key id: PEM}}")


def _default_request():
    # Imported here: requests is only needed when certificates are fetched for real.
    from google.auth.transport.requests import Request

    return Request()
