"""Domain errors as HTTP answers: the status, a code a program can test and a message in the
person's language (`messages.py`), plus what helps to fix the request (the fields and their
codes, the action refused, the case's status, when to retry)."""
from __future__ import annotations

import logging
import math
import sys

from werkzeug.exceptions import MethodNotAllowed, NotFound

from shared.domain.errors import (
    CaseNotFound,
    CommandRefused,
    DomainError,
    InvalidCommand,
    InvalidSubmission,
    NotSignedIn,
    NotStaff,
    TooManyAttempts,
    TransitionNotAllowed,
)
from shared.domain.failed_mail import MailNotFound
from shared.domain.held_mail import HeldMailNotFound, HeldMailSettled
from shared.domain.permissions import Forbidden
from shared.domain.sessions import SignInFailed
from shared.domain.staff import StaffEmailTaken
from shared.services.held_mail_views import entry_view
from shared.services.staff_admin import StaffIdTaken, StaffNotFound

from .bodies import BodyRefused
from .messages import error_message, field_message
from .responses import Answer, json_answer

log = logging.getLogger("staff_api")

DEFAULT_RETRY_SECONDS = 60
MAX_FIELDS_SHOWN = 50
MAX_FIELD_NAME = 100
# Refusals that are a code and a status, nothing more to say.
_PLAIN = (
    (NotStaff, 403, "not_staff"),
    (CaseNotFound, 404, "case_not_found"),
    (StaffNotFound, 404, "staff_not_found"),
    (HeldMailNotFound, 404, "held_mail_not_found"),
    (MailNotFound, 404, "mail_not_found"),
    (NotFound, 404, "not_found"),
    (StaffIdTaken, 409, "staff_id_taken"),
    (StaffEmailTaken, 409, "email_taken"),
)


def error_answer(error: Exception, lang: str, bearer: bool) -> Answer:
    """The answer to `error`. `bearer`: whether a 401 names the Bearer scheme (the local sign-in;
    behind IAP there is no scheme a client could answer with)."""
    def refuse(http_status: int, code: str, headers: dict | None = None, /, **details) -> Answer:
        return json_answer({"error": code, "message": error_message(code, lang), **details},
                           http_status, headers)

    if isinstance(error, (NotSignedIn, SignInFailed)):
        challenge = {"WWW-Authenticate": 'Bearer realm="staff_api"'} if bearer else {}
        code = "sign_in_failed" if isinstance(error, SignInFailed) else "not_signed_in"
        return refuse(401, code, challenge)
    for kind, status, code in _PLAIN:
        if isinstance(error, kind):
            return refuse(status, code)
    if isinstance(error, BodyRefused):
        return refuse(error.status, error.code)
    if isinstance(error, MethodNotAllowed):
        allowed = ", ".join(sorted(error.valid_methods or ()))
        return refuse(405, "method_not_allowed", {"Allow": allowed})
    if isinstance(error, Forbidden):
        return refuse(403, "forbidden", action=error.action.value)
    if isinstance(error, (InvalidCommand, InvalidSubmission)):
        # Field names may be the caller's own (unknown fields): bounded, so that a body of
        # thousands of made-up keys is not answered with all of them again.
        named = list(error.errors.items())[:MAX_FIELDS_SHOWN]
        return refuse(422, "invalid_command", fields={
            name[:MAX_FIELD_NAME]: {"code": code, "message": field_message(code, lang)}
            for name, code in named}, **({"more_fields": len(error.errors) - len(named)}
                                         if len(error.errors) > len(named) else {}))
    if isinstance(error, HeldMailSettled):  # how it was settled, by whom: what to do instead
        return refuse(409, "held_mail_settled", entry=entry_view(error.entry))
    if isinstance(error, TransitionNotAllowed):
        return refuse(409, "transition_not_allowed", status=error.status, command=error.command)
    if isinstance(error, TooManyAttempts):
        seconds = retry_seconds(error.retry_after)
        return refuse(429, "too_many_attempts", {"Retry-After": str(seconds)},
                      retry_after=seconds)
    if isinstance(error, CommandRefused):  # the rule's code, or the admin rules' own words
        reason = str(error)
        return refuse(409, "last_admin" if reason == "last_admin" else error.code, reason=reason)
    if isinstance(error, DomainError):  # a refusal of a service this table does not name yet
        return refuse(409, "conflict", reason=str(error), kind=type(error).__name__)
    if _is_transport_error(error):
        log.warning("identity provider unreachable: %s", error)
        return refuse(503, "identity_unavailable", {"Retry-After": "30"})
    log.exception("staff_api failed", exc_info=error)
    return refuse(500, "internal_error")


def retry_seconds(retry_after) -> int:
    """Whole seconds until a rate limit's window ends (`Retry-After`), at least one."""
    if retry_after is None:
        return DEFAULT_RETRY_SECONDS
    return max(1, math.ceil(retry_after.total_seconds()))


def _is_transport_error(error: Exception) -> bool:
    # Not imported here (the local stack never loads google-auth): if it was never loaded, the
    # error cannot be one of its failures to fetch IAP's keys.
    exceptions = sys.modules.get("google.auth.exceptions")
    return exceptions is not None and isinstance(error, exceptions.TransportError)
