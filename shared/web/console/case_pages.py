"""The case page: the case as the API's `GET /cases/{n}` shows it (summary, deadlines with the
time left, timeline, messages, attachments, the reporter masked), the "reveal with reason" form
and the actions this member may take now (`case_actions.ACTIONS` ∩ the view's allowed_actions).

Revealing the reporter (R20) is the API's `POST /cases/{n}/identity/reveal`: the same audited
service, and the identity is shown only in the answer to that POST (never cached, never in a
redirect's address), so reloading the case shows it masked again."""
from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.wrappers import Response

from shared.domain.errors import CaseNotFound, DomainError, NotSignedIn, NotStaff
from shared.domain.permissions import Forbidden

from .case_facts import deadlines, messages
from .file_pages import file_links
from .misuse_panel import misuse_panel
from .visit import Visit

TIMELINE_PAGE = 100
MAX_REASON = 2000


@dataclass
class FormState:
    """One form of the case page shown again after a refusal: what was typed, the message and
    each field's message, all in the person's language."""

    typed: dict = field(default_factory=dict)
    message: str = ""
    fields: dict = field(default_factory=dict)


def case_page(visit: Visit, number: str) -> Response:
    """GET /console/cases/{number}[?after=&done=]."""
    return render_case(visit, number)


def render_case(visit: Visit, number: str, status: int = 200, forms: dict | None = None,
                revealed: dict | None = None) -> Response:
    """The case page; `forms` (action name → FormState) keeps refused forms' text, `revealed`
    is the identity the reveal answered with, shown this once."""
    cases = visit.app.staff_cases
    view = cases.view(visit.who, number).as_dict()
    after = _after(visit.request.args.get("after", ""))
    events = cases.timeline(visit.who, view["number"], after_seq=after, limit=TIMELINE_PAGE)
    later = events[-1]["seq"] if len(events) == TIMELINE_PAGE else None
    from .case_actions import ACTIONS  # the actions' handlers answer with this page

    if visit.request.method != "GET":
        visit.here = f"/cases/{view['number']}"
    done = visit.request.args.get("done", "")
    texts = visit.texts  # the first actions' texts, and those of the handling's (their own file)
    names = texts["console"]["actions"] | texts["console_actions"]["actions"]
    notices = texts["console"]["done"] | texts["console_actions"]["done"]
    return visit.page(
        "console/case.html", status, view=view, events=events,
        later_url=visit.url(f"/cases/{view['number']}", after=later) if later else "",
        deadlines=deadlines(view, visit.app.clock.now()), messages=messages(events),
        actions=[(a, a.choices(visit.app, visit.who) if a.choices else None)
                 for a in ACTIONS if a.name in view["allowed_actions"]],
        forms=forms or {}, blank=FormState(), revealed=revealed, action_names=names,
        files=file_links(visit, view), misuse=misuse_panel(visit, view),
        notice=notices[done] if done in notices else "")


def reveal_identity(visit: Visit, number: str) -> Response:
    """POST /console/cases/{number}/identity {reason}: the reporter in clear, recorded first."""
    reason = visit.form.get("reason", "")
    try:
        revealed = visit.app.staff_cases.reveal_identity(visit.who, number, reason=reason)
    except (CaseNotFound, Forbidden, NotSignedIn, NotStaff):
        raise
    except DomainError as refused:
        from .case_actions import refusal

        status, state = refusal(visit, refused, {"reason": reason[:MAX_REASON]})
        return render_case(visit, number, status, forms={"reveal_identity": state})
    return render_case(visit, number, revealed=revealed)


def _after(text: str) -> int:
    """The timeline's `after` as typed: ASCII digits (at most nine), else the start."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else 0
