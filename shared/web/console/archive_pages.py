"""Archive search in the console (R18): archived (or closed) cases by number, words of the
subject, receipt year (the platform's calendar), kind and category, newest first a keyset page at
a time — `StaffQueues.cases` with `status=archived|closed`, the API's `GET /cases?status=archived`,
so the same indexes and the same need-to-know (a handler lists their department's, nobody the
cases about their own conduct, a confidential subject hidden). Each row links to the case and,
for members who may export (`EXPORT_CASE`), to its export, which the console serves as the API's
`GET /cases/{n}/export` does: the same service (recorded first), a file to save, sandboxed."""
from __future__ import annotations

from werkzeug.wrappers import Response

from shared.domain.cases import Kind
from shared.domain.categories import CATEGORIES
from shared.domain.errors import InvalidCommand
from shared.domain.permissions import Action, allowed
from shared.services.case_export_document import CONTENT_SECURITY_POLICY
from shared.services.served_files import ServedFile
from shared.web.file_answers import file_answer
from shared.web.staff_api.messages import field_message

from .queue_pages import box_name, search_of
from .visit import Visit

PAGE_SIZE = 25
STATUSES = ("archived", "closed")
_TYPED_MAX = 300  # what a box keeps of what was typed
_FIELDS = ("status", "q", "year", "kind", "category", "after")


def archive_search(visit: Visit) -> Response:
    """GET /console/archive?status=&q=&year=&kind=&category=&after=."""
    args = visit.request.args
    chosen = {name: args.get(name, "")[:_TYPED_MAX] for name in _FIELDS}
    chosen["status"] = chosen["status"] if chosen["status"] in STATUSES else "archived"
    asked = {"queue": "all", "status": chosen["status"], "year": chosen["year"] or None,
             "kind": chosen["kind"] or None, "category": chosen["category"] or None,
             "after": chosen["after"] or None, "limit": PAGE_SIZE, **search_of(chosen["q"])}
    errors, page = {}, {"items": [], "next_cursor": None}
    try:
        page = visit.app.staff_queues.cases(visit.who, **asked)
    except InvalidCommand as refused:
        errors = {box_name(name): field_message(code, visit.lang)
                  for name, code in refused.errors.items()}
    cursor = page["next_cursor"]
    return visit.page(
        "console/archive.html", 422 if errors else 200, chosen=chosen, items=page["items"],
        errors=errors, statuses=STATUSES, kinds=[k.value for k in Kind],
        categories={k.value: CATEGORIES[k] for k in Kind},
        next_url=visit.url("/archive", **{**chosen, "after": cursor}) if cursor else "",
        first_url=visit.url("/archive", **{**chosen, "after": ""}) if chosen["after"] else "",
        may_export=allowed(visit.who.member, Action.EXPORT_CASE))


def export_case(visit: Visit, number: str) -> Response:
    """GET /console/cases/{number}/export: the case as one HTML document, to save (the API's
    export: recorded on the case first, its own style policy with `sandbox`)."""
    exported = visit.app.case_exports.export(visit.who, number, visit.lang)
    data, status, headers = file_answer(ServedFile(exported.data, exported.filename,
                                                   "text/html; charset=utf-8"))
    headers["Content-Security-Policy"] = f"{CONTENT_SECURITY_POLICY}; sandbox"
    return Response(data, status, headers)

