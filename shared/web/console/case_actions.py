"""Actions on a case from the console: each a small form on the case page posting to
`/console/cases/{number}/{path}`, calling the same `StaffCases` command as the API's route.

To add one: a row in ACTIONS (the view's `allowed_actions` name, the path, the form's fields and
the call) and a template `templates/console/actions/<name>.html` (the form). The case page shows
the form only when the view allows the action; the service checks role, need-to-know and status
again on every POST. A refusal (422 fields, 409 status or rule) shows the case page again with
the API's message in the person's language and what was typed; success redirects to the case
with a short confirmation (`console.done.<name>`)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from shared.domain.errors import (
    CaseNotFound,
    CommandRefused,
    DomainError,
    InvalidCommand,
    NotSignedIn,
    NotStaff,
    TransitionNotAllowed,
)
from shared.domain.permissions import Forbidden
from shared.web.staff_api.messages import error_message, field_message

from .case_pages import FormState, render_case
from .visit import Visit

MAX_TYPED = 20_000  # what a refused form keeps of a field (the services' limits are lower)


@dataclass(frozen=True)
class CaseAction:
    name: str  # as `allowed_actions` names it (`case_access.CASE_ACTIONS`)
    path: str  # /console/cases/{number}/{path}
    fields: tuple[str, ...]  # the form's text fields, passed to the command by name
    call: Callable  # (StaffCases, Requester, number, fields) → CaseView
    # What the form offers besides the case, read only when the form is shown: (Services,
    # Requester) → the value its template reads as `choices` (e.g. the members to assign to).
    choices: Callable | None = None


ACTIONS = (
    CaseAction("accept", "accept", ("note",),
               lambda cases, who, number, f: cases.accept(who, number, **f)),
    CaseAction("reject", "reject", ("reason", "duplicate_of", "text"),
               lambda cases, who, number, f: cases.reject(who, number, **f)),
    CaseAction("assign", "assignment", ("assignee", "department", "reason"),
               lambda cases, who, number, f: cases.assign(who, number, **f),
               choices=lambda app, who: app.assignable_staff.members(who)),
    CaseAction("start_work", "start", (),
               lambda cases, who, number, f: cases.start_work(who, number)),
    CaseAction("add_note", "notes", ("text",),
               lambda cases, who, number, f: cases.add_note(who, number, **f)),
)
BY_PATH = {action.path: action for action in ACTIONS}
assert len(BY_PATH) == len(ACTIONS), "each action has a path of its own"


def case_action(visit: Visit, number: str, action: str) -> Response:
    """POST /console/cases/{number}/{action}: the command, then the case (or the refusal)."""
    spec = BY_PATH.get(action)
    if spec is None:
        raise NotFound()
    typed = {name: visit.form.get(name, "") for name in spec.fields}
    try:
        view = spec.call(visit.app.staff_cases, visit.who, number, typed)
    except (CaseNotFound, Forbidden, NotSignedIn, NotStaff):
        raise  # pages of their own (errors.py)
    except DomainError as refused:
        status, state = refusal(visit, refused, typed)
        return render_case(visit, number, status, forms={spec.name: state})
    return visit.redirect(f"/cases/{view.number}", done=spec.name)


def refusal(visit: Visit, error: DomainError, typed: dict) -> tuple[int, FormState]:
    """The status and the form shown again for a service's refusal, as the API words it."""
    lang = visit.lang
    kept = {name: value[:MAX_TYPED] for name, value in typed.items()}
    if isinstance(error, InvalidCommand):
        fields = {name: field_message(code, lang) for name, code in error.errors.items()}
        return 422, FormState(kept, error_message("invalid_command", lang), fields)
    if isinstance(error, TransitionNotAllowed):
        return 409, FormState(kept, error_message("transition_not_allowed", lang))
    if isinstance(error, CommandRefused):
        code = "last_admin" if str(error) == "last_admin" else error.code
        return 409, FormState(kept, error_message(code, lang))
    return 409, FormState(kept, error_message("conflict", lang))
