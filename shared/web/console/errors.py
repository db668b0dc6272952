"""Failures as console pages, in the person's language: not signed in (the sign-in page locally,
401 behind IAP), not staff or not allowed (403), a form that did not come from our page (403),
nothing there (404), a wrong method (405), too many attempts (429), a refusal of a service no
page handles itself (409, never a 500), and anything unexpected: a plain 500 page without
details, the error in the log. Refusals of an action on a case are shown on the case page
instead (`case_actions.py`)."""
from __future__ import annotations

import logging

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.wrappers import Response

from shared.domain.errors import CaseNotFound, DomainError, NotSignedIn, NotStaff, TooManyAttempts
from shared.domain.permissions import Forbidden
from shared.web.staff_api.messages import error_message

from .protection import FormRefused, FormTooLarge
from .visit import HTML, Visit

log = logging.getLogger("console")

# (error, status, the console's text key, or None for the API's message of that code)
_PAGES = (
    (NotStaff, 403, "not_staff"),
    (Forbidden, 403, "forbidden"),
    (FormRefused, 403, "form_refused"),
    (FormTooLarge, 413, "too_large"),
    (CaseNotFound, 404, "not_found"),
    (NotFound, 404, "not_found"),
    (MethodNotAllowed, 405, "method_not_allowed"),
    (TooManyAttempts, 429, "too_many_attempts"),
)


def error_page(visit: Visit, error: Exception) -> Response:
    """The answer to `error` raised while answering `visit`."""
    if isinstance(error, NotSignedIn):
        if visit.app.settings.staff_identity == "local":
            return visit.redirect("/sign-in")
        return _page(visit, 401, "not_signed_in")
    for kind, status, key in _PAGES:
        if isinstance(error, kind):
            return _page(visit, status, key)
    if isinstance(error, DomainError):  # a refusal no page names: never a 500
        return _page(visit, 409, "conflict")
    log.exception("console failed", exc_info=error)
    return _page(visit, 500, "internal_error")


def _page(visit: Visit, status: int, key: str) -> Response:
    texts = visit.texts["console"]["errors"]
    message = texts.get(key) or error_message(key, visit.lang)
    try:
        return visit.page("console/error.html", status, status_code=status, message=message)
    except Exception:  # noqa: BLE001 (the answer to an error must not be a crash page)
        log.exception("rendering the %s page failed", status)
        return Response("error", status, {"Content-Type": HTML})
