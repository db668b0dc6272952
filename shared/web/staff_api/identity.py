"""Who is calling: the staff member behind the request, and from where. Locally a bearer token of
the local sign-in (`Authorization: Bearer <token>`); in the cloud the assertion Identity-Aware
Proxy signs into every request it lets through. Only the mode the settings chose is trusted: a
local stack ignores IAP's header, the cloud ignores bearer tokens."""
from __future__ import annotations

from shared.domain.errors import NotSignedIn
from shared.domain.staff import Requester
from shared.web.http_requests import client_address

IAP_HEADER = "x-goog-iap-jwt-assertion"  # google_identity.ASSERTION_HEADER, without its imports
MAX_TOKEN = 512  # ours are 43 characters; a longer one is no token of ours


def requester(app, request) -> Requester:
    """The active member making the request and the client address it came from. Raises
    NotSignedIn (401) or, for a verified person who is not staff, NotStaff (403)."""
    settings = app.settings
    if settings.staff_identity == "iap":
        member = app.staff_identity.member(request.headers.get(IAP_HEADER, ""))
    else:
        member = app.sign_in.identify(bearer_token(request))
    return Requester(member, client_address(request, settings.trusted_proxies))


def bearer_token(request) -> str:
    """The token of `Authorization: Bearer <token>`. Raises NotSignedIn without one."""
    scheme, _, token = request.headers.get("Authorization", "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN:
        raise NotSignedIn("no bearer token")
    return token
