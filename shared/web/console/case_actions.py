"""Actions on a case from the console: each a small form on the case page posting to
`/console/cases/{number}/{path}`, calling the same `StaffCases` command as the API's route.

To add one: a row in ACTIONS (the view's `allowed_actions` name, the path, the form's fields and
the call) and a template `templates/console/actions/<name>.html` (the form). The case page shows
the form only when the view allows the action; the service checks role, need-to-know and status
again on every POST. A refusal (422 fields, 409 status or rule) shows the case page again with
the API's message in the person's language and what was typed; success redirects to the case
with a short confirmation (`console.done.<name>`)."""
from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from shared.domain.contact_clocks import ContactChannel
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
from shared.domain.severity import Severity
from shared.services.case_views import CaseView
from shared.web.staff_api.messages import error_message, field_message

from . import decision_form
from .case_action_spec import CaseAction
from .case_pages import FormState, render_case
from .form_values import checked, optional, whole
from .later_actions import AFTER_THE_DECISION
from .misuse_panel import MISUSE_ACTIONS
from .visit import Visit

MAX_TYPED = 20_000  # what a refused form keeps of a field (the services' limits are lower)
MAX_LIST = 100  # what it keeps of a list field (the longest choice list is shorter)


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
    # Replies to the reporter and their approval (R11, R12)
    CaseAction("message_reporter", "messages", ("text", "request_information"),
               lambda cases, who, number, f: cases.message_reporter(
                   who, number, f["text"],
                   request_information=checked(f["request_information"]))),
    CaseAction("approve_reply", "reply-approval", ("reply_id",),
               lambda cases, who, number, f: cases.approve_reply(who, number, f["reply_id"])),
    CaseAction("send_back_reply", "reply-send-back", ("reply_id", "reason"),
               lambda cases, who, number, f: cases.send_back_reply(
                   who, number, f["reply_id"], reason=f["reason"])),
    CaseAction("record_reporter_answer", "reporter-answers", ("text",),
               lambda cases, who, number, f: cases.record_reporter_answer(who, number, **f)),
    # The decision (R12–R16, R9)
    CaseAction("draft_decision", "decision", decision_form.FIELDS, decision_form.draft,
               choices=decision_form.choices, lists=decision_form.LISTS),
    CaseAction("approve_compensation", "compensation-approval", (),
               lambda cases, who, number, f: cases.approve_compensation(who, number)),
    CaseAction("approve_decision", "decision-approval", (),
               lambda cases, who, number, f: cases.approve_decision(who, number)),
    CaseAction("send_back", "decision-send-back", ("reason",),
               lambda cases, who, number, f: cases.send_back(who, number, **f)),
    # The decision deadline's one extension (R13)
    CaseAction("request_extension", "extension", ("working_days", "reason"),
               lambda cases, who, number, f: cases.request_extension(
                   who, number, working_days=whole(f["working_days"]), reason=f["reason"])),
    CaseAction("approve_extension", "extension-approval", (),
               lambda cases, who, number, f: cases.approve_extension(who, number)),
    CaseAction("refuse_extension", "extension-refusal", ("reason",),
               lambda cases, who, number, f: cases.refuse_extension(who, number, **f)),
    # The first-contact and compensation clocks (R13)
    CaseAction("record_contact", "contacts", ("channel", "at", "summary"),
               lambda cases, who, number, f: cases.record_contact(who, number, **f),
               choices=lambda app, who: [channel.value for channel in ContactChannel]),
    CaseAction("record_materials_complete", "materials-complete", ("reason",),
               lambda cases, who, number, f: cases.record_materials_complete(who, number, **f)),
    # After the decision (R16, R18) and before it (R6)
    CaseAction("register_appeal", "appeal", ("text", "lodged_at"),
               lambda cases, who, number, f: cases.register_appeal(
                   who, number, f["text"], lodged_at=optional(f["lodged_at"]))),
    CaseAction("reopen", "reopen", ("reason",),
               lambda cases, who, number, f: cases.reopen(who, number, **f)),
    # Severity (R8) and confidentiality
    CaseAction("set_severity", "severity", ("severity", "reason"),
               lambda cases, who, number, f: cases.set_severity(who, number, **f),
               choices=lambda app, who: [severity.value for severity in Severity]),
    CaseAction("set_confidential", "confidentiality", ("confidential", "reason"),
               lambda cases, who, number, f: cases.set_confidential(
                   who, number, checked(f["confidential"]), reason=f["reason"])),
    *AFTER_THE_DECISION,
    *MISUSE_ACTIONS,  # R21: release a held report, lift the reporter's standing
    # Public disclosure of a major case (R22): proposed with its redacted summary, reviewed by a
    # supervisor other than the proposer (the form shows the summary being approved).
    CaseAction("propose_disclosure", "disclosure", ("what", "cause", "measures", "language",
                                                    "note"),
               lambda cases, who, number, f: cases.propose_disclosure(who, number, **f)),
    CaseAction("approve_disclosure", "disclosure-approve", (),
               lambda cases, who, number, f: cases.approve_disclosure(who, number)),
    CaseAction("refuse_disclosure", "disclosure-refuse", ("reason",),
               lambda cases, who, number, f: cases.refuse_disclosure(who, number, **f)),
    CaseAction("withdraw_disclosure", "disclosure-withdraw", ("reason",),
               lambda cases, who, number, f: cases.withdraw_disclosure(who, number, **f)),
)
BY_PATH = {action.path: action for action in ACTIONS}
assert len(BY_PATH) == len(ACTIONS), "each action has a path of its own"


def case_action(visit: Visit, number: str, action: str) -> Response:
    """POST /console/cases/{number}/{action}: the command, then the case (or the refusal)."""
    spec = BY_PATH.get(action)
    if spec is None:
        raise NotFound()
    typed = {name: visit.form.get(name, "") for name in spec.fields} | {
        name: visit.form.getlist(name) for name in spec.lists}
    try:
        view = spec.call(visit.app.staff_cases, visit.who, number, typed)
    except (CaseNotFound, Forbidden, NotSignedIn, NotStaff):
        raise  # pages of their own (errors.py)
    except DomainError as refused:
        status, state = refusal(visit, refused, typed)
        return render_case(visit, number, status, forms={spec.name: state})
    shown = view.number if isinstance(view, CaseView) else view["case"]["number"]
    return visit.redirect(f"/cases/{shown}", done=spec.name)


def refusal(visit: Visit, error: DomainError, typed: dict) -> tuple[int, FormState]:
    """The status and the form shown again for a service's refusal, as the API words it."""
    lang = visit.lang
    kept = {name: [item[:MAX_TYPED] for item in value[:MAX_LIST]] if isinstance(value, list)
            else value[:MAX_TYPED] for name, value in typed.items()}
    if isinstance(error, InvalidCommand):
        fields = {name: field_message(code, lang) for name, code in error.errors.items()}
        return 422, FormState(kept, error_message("invalid_command", lang), fields)
    if isinstance(error, TransitionNotAllowed):
        return 409, FormState(kept, error_message("transition_not_allowed", lang))
    if isinstance(error, CommandRefused):
        code = "last_admin" if str(error) == "last_admin" else error.code
        return 409, FormState(kept, error_message(code, lang))
    return 409, FormState(kept, error_message("conflict", lang))
