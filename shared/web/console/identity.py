"""Who is using the console, and what their forms are bound to.

Locally the sign-in page's session token (the same `StaffSignIn` sessions as the API's bearer
tokens) is kept in a cookie, HttpOnly (no script reads it), SameSite=Strict (no other site's page
sends it), with the console's path (the JSON API never accepts it: it reads bearer tokens only),
Secure when the browser reached us over HTTPS. Signing out deletes the session, so the cookie is
worth nothing at once; a deactivated member's or an expired session is refused by `identify`.

In the cloud IAP's signed assertion names the person on every request, as for the API; there is
no sign-in page. Forms are then bound to the member and to a random value this browser holds in
its own HttpOnly, SameSite=Strict cookie, since the assertion itself changes as IAP renews it.
"""
from __future__ import annotations

import secrets

from shared.domain.errors import NotSignedIn
from shared.domain.staff import Requester
from shared.web.staff_api.identity import IAP_HEADER, MAX_TOKEN

from .visit import Visit

SESSION_COOKIE = "console_session"
BROWSER_COOKIE = "console_browser"  # the value forms are bound to before sign-in, or under IAP
LANG_COOKIE = "console_lang"
_YEAR = 365 * 24 * 3600


def identify(visit: Visit) -> None:
    """Set `visit.who` and `visit.binding`, or raise NotSignedIn (NotStaff behind IAP for a
    verified person without an active staff record)."""
    app, request = visit.app, visit.request
    if app.settings.staff_identity == "iap":
        member = app.staff_identity.member(request.headers.get(IAP_HEADER, ""))
        visit.binding = f"iap|{member.id}|{browser_value(visit)}"
    else:
        token = request.cookies.get(SESSION_COOKIE, "")
        if not token or len(token) > MAX_TOKEN:
            raise NotSignedIn("no console session")
        member = app.sign_in.identify(token)
        visit.binding = f"session|{token}"
    visit.who = Requester(member, visit.client)


def bind_to_browser(visit: Visit) -> None:
    """Forms of a page shown before sign-in (the sign-in form) are bound to this browser."""
    visit.binding = f"browser|{browser_value(visit)}"


def browser_value(visit: Visit) -> str:
    """This browser's random value, set now if it has none."""
    value = visit.request.cookies.get(BROWSER_COOKIE, "")
    if not value or len(value) > MAX_TOKEN:
        value = secrets.token_urlsafe(32)
        visit.cookies.append(cookie(visit, BROWSER_COOKIE, value, _YEAR))
    return value


def start_session(visit: Visit, token: str, seconds: int) -> None:
    visit.cookies.append(cookie(visit, SESSION_COOKIE, token, seconds))


def end_session(visit: Visit) -> None:
    visit.cookies.append(cookie(visit, SESSION_COOKIE, "", 0))


def session_token(visit: Visit) -> str:
    return visit.request.cookies.get(SESSION_COOKIE, "")


def remember_language(visit: Visit) -> None:
    visit.cookies.append(cookie(visit, LANG_COOKIE, visit.lang, _YEAR))


def cookie(visit: Visit, name: str, value: str, max_age: int) -> str:
    """A Set-Cookie value: for the console's path only, never to scripts or other sites."""
    secure = "; Secure" if visit.secure else ""
    return (f"{name}={value}; Max-Age={max_age}; Path={visit.root}; HttpOnly; "
            f"SameSite=Strict{secure}")
