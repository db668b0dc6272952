"""The local sign-in page and signing out: the same `StaffSignIn` service as the API's
`POST /sign-in`; the session's token goes into the console's cookie (`identity.py`)."""
from __future__ import annotations

import math

from werkzeug.wrappers import Response

from shared.domain.errors import NotSignedIn, TooManyAttempts
from shared.domain.sessions import SignInFailed
from shared.web.staff_api.errors import retry_seconds

from .identity import end_session, session_token, start_session
from .visit import Visit

MAX_EMAIL = 320
MAX_PASSWORD = 1024


def sign_in_form(visit: Visit) -> Response:
    """GET /console/sign-in; a member already signed in goes to the console's home."""
    token = session_token(visit)
    if token:
        try:
            visit.app.sign_in.identify(token)
            return visit.redirect("/")
        except NotSignedIn:
            end_session(visit)  # expired, signed out or deactivated: the cookie goes too
    return visit.page("console/sign_in.html", email="", failed="")


def sign_in(visit: Visit) -> Response:
    """POST /console/sign-in {email, password}: a session cookie, then the console's home."""
    email = visit.form.get("email", "")[:MAX_EMAIL]
    password = visit.form.get("password", "")[:MAX_PASSWORD]
    sign_in = visit.app.sign_in
    visit.here = "/sign-in"
    try:
        session = sign_in.sign_in(email, password, visit.client)
    except SignInFailed:
        return visit.page("console/sign_in.html", 401, email=email, failed="sign_in_failed")
    except TooManyAttempts as limited:
        return _too_many_attempts(visit, email, limited)
    seconds = int((session.expires_at - visit.app.clock.now()).total_seconds())
    start_session(visit, session.token, max(seconds, 0))
    return visit.redirect("/")  # the home: the queues, or the first place the roles allow


def _too_many_attempts(visit: Visit, email: str, limited: TooManyAttempts) -> Response:
    """429 saying in how many minutes to try again, with the same `Retry-After` as the API."""
    seconds = retry_seconds(limited.retry_after)
    answer = visit.page("console/sign_in.html", 429, email=email, failed="too_many_attempts",
                        minutes=math.ceil(seconds / 60))
    answer.headers["Retry-After"] = str(seconds)
    return answer


def sign_out(visit: Visit) -> Response:
    """POST /console/sign-out: the session ends at once (behind IAP: IAP's own sign-out)."""
    if visit.app.settings.staff_identity == "local":
        visit.app.sign_in.sign_out(session_token(visit))
        end_session(visit)
        return visit.redirect("/sign-in")
    # IAP's documented address that ends its own session (the function never held one).
    return Response("", 303, {"Location": "/_gcp_iap/clear_login_cookie"})
