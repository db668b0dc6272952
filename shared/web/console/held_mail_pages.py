"""Held mail in the console: the queue of open held messages, one message (headers, its text as
text, attachments listed by their shown names, never opened), its raw download through the one
file answer (`file_answers`: `message/rfc822`, saved, sandboxed), and settling it — open a case
from it, attach it to a case, or dismiss it with a reason. The same `HeldMailDesk` commands as the
API's `/held-mail` routes; the sender is shown in clear, as the API's view shows it: deciding
whose mail this is is what held mail is read for, and only the roles that may read held mail
(clerks, supervisors, auditors) see the page."""
from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from shared.domain.cases import Kind
from shared.domain.categories import CATEGORIES
from shared.domain.errors import DomainError, InvalidCommand
from shared.domain.permissions import Action, allowed
from shared.services.served_files import served_raw_mail
from shared.web.file_answers import file_answer

from .case_pages import FormState
from .page_refusals import form_refusal
from .visit import Visit

PAGE_SIZE = 25
MAX_CURSOR = 200
# The forms of a held message: URL segment → (the desk's command, its fields).
_FORMS = {
    "open-case": ("open_case", ("kind", "category", "reason")),
    "attach": ("attach", ("case_number", "reason")),
    "dismiss": ("dismiss", ("reason",)),
}


def held_mail_queue(visit: Visit) -> Response:
    """GET /console/held-mail?after=: open held mail, newest first, a keyset page at a time."""
    after = visit.request.args.get("after", "")[:MAX_CURSOR] or None
    try:
        page = visit.app.held_mail_desk.queue(visit.who, after=after, limit=PAGE_SIZE)
        status = 200
    except InvalidCommand:
        page, status = {"items": [], "next": None}, 422
    return visit.page("console/held_mail_queue.html", status, items=page["items"],
                      next_url=visit.url("/held-mail", after=page["next"]) if page["next"] else "",
                      first_url=visit.url("/held-mail") if after else "",
                      bad_cursor=status == 422, done=_done(visit))


def held_mail_message(visit: Visit, held_id: str) -> Response:
    """GET /console/held-mail/{held_id}: the message decoded, and its forms."""
    return render_message(visit, held_id)


def render_message(visit: Visit, held_id: str, status: int = 200,
                   forms: dict | None = None) -> Response:
    """The held message's page; `forms` (form name → FormState) keeps a refused form's text."""
    entry = visit.app.held_mail_desk.read(visit.who, held_id)
    if visit.request.method != "GET":
        visit.here = f"/held-mail/{entry['id']}"
    may_act = allowed(visit.who.member, Action.ACT_ON_HELD_MAIL) and entry["open"]
    return visit.page("console/held_mail_message.html", status, entry=entry,
                      message=entry["message"], may_act=may_act, forms=forms or {},
                      blank=FormState(), kinds=[k.value for k in Kind],
                      categories={k.value: CATEGORIES[k] for k in Kind})


def held_mail_raw(visit: Visit, held_id: str) -> Response:
    """GET /console/held-mail/{held_id}/raw: the message as it arrived, to save."""
    raw = visit.app.held_mail_desk.raw(visit.who, held_id)
    return Response(*file_answer(served_raw_mail(raw, f"held-{held_id}.eml")))


def settle_held_mail(visit: Visit, held_id: str, form: str) -> Response:
    """POST /console/held-mail/{held_id}/{open-case|attach|dismiss}: the desk's command; a case
    opened or attached to is shown next, a dismissal returns to the queue."""
    if form not in _FORMS:
        raise NotFound()
    command, fields = _FORMS[form]
    typed = {name: visit.form.get(name, "") for name in fields}
    given = {name: value for name, value in typed.items() if value or name == "reason"}
    try:
        result = getattr(visit.app.held_mail_desk, command)(visit.who, held_id, **given)
    except DomainError as refused:
        status, state = form_refusal(visit, refused, typed)
        return render_message(visit, held_id, status, forms={form: state})
    if command == "dismiss":
        return visit.redirect("/held-mail", done="dismissed")
    return visit.redirect(f"/cases/{result['case_number']}")


def _done(visit: Visit) -> str:
    """The queue's confirmation after a dismissal (only a known word is shown)."""
    return "dismissed" if visit.request.args.get("done") == "dismissed" else ""
