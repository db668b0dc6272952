"""From request to answer: identify, route, call, encode; every error becomes a JSON answer."""
from __future__ import annotations

import logging

from werkzeug.exceptions import HTTPException

from shared.web.http_requests import language

from .call import Call
from .errors import error_answer
from .identity import requester
from .responses import Answer, json_answer
from .routes import HANDLERS, MAP, PUBLIC_ENDPOINTS


def answer(app, request) -> Answer:
    """The staff API's answer to `request` (services `app`). Identity comes before routing, so
    without a valid identity every path — unknown ones too — answers 401 and nobody can map the
    API; the local sign-in is the one route open to all."""
    lang = language(request, app.settings.default_language)
    local = app.settings.staff_identity == "local"
    call = Call(app, request, lang)
    try:
        try:
            endpoint, args = MAP.bind_to_environ(request.environ).match()
            unmatched = None
        except HTTPException as error:  # NotFound, MethodNotAllowed: told only to staff
            endpoint, args, unmatched = None, {}, error
        if not (local and endpoint in PUBLIC_ENDPOINTS):
            call.who = requester(app, request)
        if unmatched is not None:
            raise unmatched
        return HANDLERS[endpoint](call, **args)
    except Exception as error:  # noqa: BLE001 (every failure is answered in JSON; errors.py logs)
        try:
            return error_answer(error, lang, bearer=local)
        except Exception:  # noqa: BLE001 (the answer to an error must not be a crash page)
            logging.getLogger("staff_api").exception("answering %r failed", error)
            return json_answer({"error": "internal_error", "message": "internal error"}, 500)
    finally:
        call.finish()
