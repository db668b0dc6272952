"""Routes of the archive (R18): archiving a closed case (`StaffCases.archive`), and what leaves
the system about a case (`CaseExports`): its export as one HTML document and its raw emails. The
export and a raw email are files to save (`Content-Disposition: attachment`), never shown inline;
the rest answers JSON."""
from __future__ import annotations

from werkzeug.exceptions import NotFound

from shared.services.case_export_document import CONTENT_SECURITY_POLICY
from shared.services.case_exports import RawMailNotFound

from .bodies import Field
from .call import Call
from .responses import file_answer, json_answer

MAX_INDEX_DIGITS = 9


def archive_case(call: Call, number: str):
    """POST /cases/{number}/archive {force?, reason?}: a closed case, once its appeal window is
    over (or forced, with a reason)."""
    body = call.body(Field("force", "flag"), Field("reason"))
    return json_answer(call.app.staff_cases.archive(call.who, number, **body).as_dict())


def export_case(call: Call, number: str):
    """GET /cases/{number}/export?lang=: the case as one HTML document, to save."""
    call.query()
    exported = call.app.case_exports.export(call.who, number, call.lang)
    data, status, headers = file_answer(exported.data, "text/html; charset=utf-8",
                                        exported.filename)
    # The document's own policy (its styles), sandboxed like every file answer.
    return data, status, {**headers, "Content-Security-Policy": f"{CONTENT_SECURITY_POLICY}; sandbox"}


def raw_mail_list(call: Call, number: str):
    """GET /cases/{number}/raw-mail: the case's raw emails, numbered from 1."""
    call.query()
    return json_answer(call.app.case_exports.raw_mail_list(call.who, number))


def raw_mail(call: Call, number: str, index: str):
    """GET /cases/{number}/raw-mail/{index}: one raw email as it arrived (message/rfc822)."""
    call.query()
    if not (index.isascii() and index.isdigit() and len(index) <= MAX_INDEX_DIGITS):
        raise NotFound()
    try:
        found = call.app.case_exports.raw_mail(call.who, number, int(index))
    except RawMailNotFound:
        raise NotFound() from None
    return file_answer(found.data, "message/rfc822", found.filename)
