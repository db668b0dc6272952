"""From request to page: language, identity (before routing: without one, every path answers
alike), the POST's origin and form token, the route, the protective headers on every answer."""
from __future__ import annotations

import logging

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.wrappers import Response

from shared.web.http_requests import language
from shared.web.rendering import LANGUAGES
from shared.web.request_bodies import TOO_LARGE, TOO_LONG, read_form
from shared.web.staff_api.bodies import leave_unread

from .errors import error_page
from .identity import LANG_COOKIE, bind_to_browser, identify, remember_language
from .protection import (
    HEADERS,
    FormRefused,
    FormTooLarge,
    check_post,
    csrf_key,
    served_securely,
)
from .routes import HANDLERS, LOCAL_ENDPOINTS, MAP, OPEN_ENDPOINTS
from .visit import HTML, Visit

PREFIX = "/console"
MAX_FORM_BYTES = 256 * 1024  # a note or a reason is text; files come another way
log = logging.getLogger("console")


def is_console_path(path: str) -> bool:
    """Whether the staff function's `path` is the console's (else it is the JSON API's)."""
    return path == PREFIX or path.startswith(PREFIX + "/")


def answer(app, request) -> Response:
    """The console's answer to `request` (services `app`), with its headers on every answer."""
    visit = _visit(app, request)
    try:
        response = _answer(visit)
    except Exception as error:  # noqa: BLE001 (every failure is a page; errors.py logs)
        response = error_page(visit, error)
    finally:
        if not visit.form:
            leave_unread(request)
    try:
        for name, value in HEADERS.items():  # a file answer's own headers stay (file_pages)
            response.headers.setdefault(name, value)
        for value in visit.cookies:
            response.headers.add("Set-Cookie", value)
    except Exception:  # noqa: BLE001 (a response we cannot dress is not sent undressed)
        log.exception("console headers failed")
        return Response("error", 500, {"Content-Type": HTML, **HEADERS})
    return response


def _visit(app, request) -> Visit:
    settings = app.settings
    iap = settings.staff_identity == "iap"
    root = request.script_root + PREFIX
    asked = request.args.get("lang")
    kept = request.cookies.get(LANG_COOKIE)
    lang = asked if asked in LANGUAGES else kept if kept in LANGUAGES else \
        language(request, settings.default_language)
    visit = Visit(app, request, lang, root,
                  served_securely(request, settings.trusted_proxies, iap))
    if asked in LANGUAGES and asked != kept:
        remember_language(visit)
    return visit


def _answer(visit: Visit) -> Response:
    request, local = visit.request, visit.app.settings.staff_identity == "local"
    sub_path = request.path[len(PREFIX):] or "/"
    try:
        endpoint, args = MAP.bind(request.host).match(sub_path, method=request.method)
        unmatched = None
    except HTTPException as error:  # NotFound, MethodNotAllowed: told only to staff
        endpoint, args, unmatched = None, {}, error
    if endpoint in OPEN_ENDPOINTS or (local and endpoint in LOCAL_ENDPOINTS):
        bind_to_browser(visit)
    else:
        identify(visit)
    if unmatched is not None:
        raise unmatched
    if endpoint in LOCAL_ENDPOINTS and not local:
        raise NotFound()  # sign-in is IAP's business in the cloud
    if request.method == "POST":
        _read_checked_form(visit)
    return HANDLERS[endpoint](visit, **args)


def _read_checked_form(visit: Visit) -> None:
    """The form, once its origin and token are checked: a refused POST changes nothing."""
    request = visit.request
    problem = read_form(request, MAX_FORM_BYTES)
    if problem in (TOO_LARGE, TOO_LONG):
        raise FormTooLarge(problem)
    if problem is not None:
        raise FormRefused(problem)
    check_post(request, request.form, csrf_key(visit.app.settings.reply_key), visit.binding,
               visit.secure)
    visit.form = request.form
