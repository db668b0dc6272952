"""Failed mail in the console (supervisors, admins): the mail the system gave up on, newest
failure first, a keyset page at a time, and sending one again with a reason — the same
`FailedMail` commands as the API's `GET /mail/failed` and `POST /mail/{id}/retry`. The list holds
no case content and every address in an error masked (the service's `failed_item`)."""
from __future__ import annotations

from werkzeug.wrappers import Response

from shared.domain.errors import DomainError, InvalidCommand
from shared.domain.permissions import Action, allowed

from .case_pages import FormState
from .page_refusals import form_refusal
from .visit import Visit

PAGE_SIZE = 25
MAX_CURSOR = 200


def failed_mail(visit: Visit) -> Response:
    """GET /console/mail/failed?after=."""
    return render_failed(visit)


def render_failed(visit: Visit, status: int = 200, forms: dict | None = None) -> Response:
    """The list; `forms` (outbox id → FormState) keeps a refused retry's reason."""
    after = visit.request.args.get("after", "")[:MAX_CURSOR] or None
    try:
        page = visit.app.failed_mail.page(visit.who, after=after, limit=PAGE_SIZE)
    except InvalidCommand:
        page, status = {"items": [], "next_cursor": None}, 422
    if visit.request.method != "GET":
        visit.here = "/mail/failed"
    cursor = page["next_cursor"]
    done = visit.request.args.get("done") == "retried"
    return visit.page("console/failed_mail.html", status, items=page["items"], forms=forms or {},
                      blank=FormState(), bad_cursor=status == 422 and not forms, done=done,
                      next_url=visit.url("/mail/failed", after=cursor) if cursor else "",
                      first_url=visit.url("/mail/failed") if after else "",
                      may_retry=allowed(visit.who.member, Action.RETRY_MAIL))


def retry_mail(visit: Visit, outbox_id: str) -> Response:
    """POST /console/mail/{outbox_id}/retry {reason}: back to pending now, recorded on its case."""
    typed = {"reason": visit.form.get("reason", "")}
    try:
        visit.app.failed_mail.retry(visit.who, outbox_id, **typed)
    except DomainError as refused:
        status, state = form_refusal(visit, refused, typed)
        return render_failed(visit, status, forms={outbox_id: state})
    return visit.redirect("/mail/failed", done="retried")
