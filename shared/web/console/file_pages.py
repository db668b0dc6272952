"""Files from the console: a case's attachments, its raw emails and its printable form — the
same services as the staff API's routes (`CaseAttachments`, `CaseExports`, `CasePrintForms`) and
the same answers (`shared/web/file_answers.py`): a verified raster image shown, anything else
saved as bytes, every file with `nosniff`, a sandboxing policy and `no-store`. A file answer's
headers are its own: the console's page headers only fill in what it leaves out (`dispatch`).
`file_links` gives the case page its links, each only to a member who may follow it."""
from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from shared.domain.permissions import Action, allowed
from shared.services.case_attachments import AttachmentNotFound
from shared.services.case_exports import RawMailNotFound
from shared.services.served_files import served_raw_mail
from shared.web.file_answers import file_answer

from .visit import Visit

MAX_INDEX_DIGITS = 9


def case_attachment(visit: Visit, number: str, index: str) -> Response:
    """GET /console/cases/{number}/attachments/{index}."""
    try:
        served = visit.app.case_attachments.attachment(visit.who, number, _index(index))
    except AttachmentNotFound:
        raise NotFound() from None
    return Response(*file_answer(served))


def raw_mail_list(visit: Visit, number: str) -> Response:
    """GET /console/cases/{number}/raw-mail: the case's raw emails (a confidential case's list is
    a recorded read, as in the API); download links only for members who may download them."""
    listed = visit.app.case_exports.raw_mail_list(visit.who, number)
    return visit.page("console/raw_mail.html", listed=listed,
                      may_download=allowed(visit.who.member, Action.EXPORT_CASE))


def raw_mail(visit: Visit, number: str, index: str) -> Response:
    """GET /console/cases/{number}/raw-mail/{index}: one raw email, to save (recorded first)."""
    try:
        found = visit.app.case_exports.raw_mail(visit.who, number, _index(index))
    except RawMailNotFound:
        raise NotFound() from None
    return Response(*file_answer(served_raw_mail(found.data, found.filename)))


def print_case(visit: Visit, number: str) -> Response:
    """GET /console/cases/{number}/print: the printable case form, in the console's language."""
    form = visit.app.case_print_forms.print_form(visit.who, number, visit.lang)
    return Response(form.html, 200, {"Content-Type": "text/html; charset=utf-8",
                                     "Content-Security-Policy": form.content_security_policy,
                                     "Referrer-Policy": "no-referrer"})


def file_links(visit: Visit, view: dict) -> dict:
    """The case page's links to its files: each attachment's (none for a raw email the member may
    not open), the raw emails' page and the printable form."""
    case = f"/cases/{view['number']}"
    may_export = allowed(visit.who.member, Action.EXPORT_CASE)
    return {
        "attachments": [{**a, "url": visit.url(f"{case}/attachments/{a['index']}")
                         if may_export or not a.get("raw_mail") else ""}
                        for a in view["attachments"]],
        "raw_mail": visit.url(f"{case}/raw-mail"), "print": visit.url(f"{case}/print"),
    }


def _index(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_INDEX_DIGITS):
        raise NotFound()
    return int(text)
