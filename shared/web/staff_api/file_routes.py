"""Routes of the files staff open: a case's attachment (`CaseAttachments`), shown inline only when
it is a verified raster image and otherwise saved (`shared/web/file_answers.py`), and the
printable case form (`CasePrintForms`), an HTML page that runs and loads nothing."""
from __future__ import annotations

from werkzeug.exceptions import NotFound

from shared.services.case_attachments import AttachmentNotFound
from shared.web.file_answers import file_answer

from .call import Call

MAX_INDEX_DIGITS = 9
PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def case_attachment(call: Call, number: str, index: str):
    """GET /cases/{number}/attachments/{index}: one attachment of the case (from 1)."""
    call.query()
    if not (index.isascii() and index.isdigit() and len(index) <= MAX_INDEX_DIGITS):
        raise NotFound()
    try:
        served = call.app.case_attachments.attachment(call.who, number, int(index))
    except AttachmentNotFound:
        raise NotFound() from None
    return file_answer(served)


def print_case(call: Call, number: str):
    """GET /cases/{number}/print?lang=: the case's printable form (text/html)."""
    call.query()
    form = call.app.case_print_forms.print_form(call.who, number, call.lang)
    return form.html, 200, {**PAGE_HEADERS,
                            "Content-Security-Policy": form.content_security_policy}
