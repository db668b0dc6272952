"""What protects every console answer and every console form.

Headers on every answer: a Content-Security-Policy that allows no script at all and styles only
from our own files (no inline script or style anywhere), no framing, no sniffing, no Referer
beyond our origin, never cached (the pages carry cases).

Every POST is checked twice before anything reads its fields further or acts: its `Origin` (or,
without one, its `Referer`) must be our own scheme and host, and it must carry the form token
(`csrf`) that is an HMAC, under a key derived from the server's secret, of what the browser's
session is (`Visit.binding`): another session's token, an old session's, or none is refused.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlsplit

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
}
TOKEN_FIELD = "csrf"
_KEY_LABEL = b"console-csrf-v1"


class FormRefused(Exception):
    """A POST that did not come from our own page in this session (403, nothing done)."""


class FormTooLarge(Exception):
    """A POST whose body is larger than any console form sends (413, not read, nothing done)."""


def csrf_key(server_key: bytes) -> bytes:
    """The key of form tokens, derived from the server's secret (never the secret itself)."""
    return hmac.new(server_key, _KEY_LABEL, hashlib.sha256).digest()


def form_token(key: bytes, binding: str) -> str:
    """The token every form of this session carries."""
    digest = hmac.new(key, binding.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def check_post(request, form, key: bytes, binding: str, secure: bool) -> None:
    """Raise FormRefused unless the POST comes from our own origin and carries this session's
    token. `binding` empty: no session to bind to, so every token is refused."""
    if not same_origin(request, secure):
        raise FormRefused("foreign or missing origin")
    given = form.get(TOKEN_FIELD, "")
    given_bytes = given.encode("utf-8", "surrogatepass")
    if not binding or not hmac.compare_digest(given_bytes, form_token(key, binding).encode()):
        raise FormRefused("missing or wrong form token")


def same_origin(request, secure: bool) -> bool:
    """Whether `Origin` (else `Referer`) names our scheme and host. Neither, or `null`, is not."""
    claimed = request.headers.get("Origin") or request.headers.get("Referer") or ""
    parts = urlsplit(claimed.strip())
    scheme = "https" if secure else "http"
    return bool(parts.netloc) and parts.scheme == scheme and \
        parts.netloc.lower() == request.host.lower()


def served_securely(request, trusted_proxies: int, behind_iap: bool) -> bool:
    """Whether the browser reached us over HTTPS: always behind IAP (the cloud serves HTTPS
    only); else the request's own scheme, or the nearest trusted proxy's X-Forwarded-Proto."""
    if behind_iap or request.scheme == "https":
        return True
    forwarded = [p.strip() for p in request.headers.get("X-Forwarded-Proto", "").split(",")]
    return trusted_proxies > 0 and forwarded[-1] == "https"
