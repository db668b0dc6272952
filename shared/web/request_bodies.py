"""Reading a posted body safely, for the form and the status page (both accept files).

functions-framework reads the whole body after every answer (`read_request`, an after-request
hook), so that a server never closes a connection the client is still writing to. For a body we
refused unread that would mean waiting for, say, 60 MB before the 413 page leaves, and forever for
a Content-Length nobody will send; and a client that hung up makes that read raise, which turns
our answer into a 500. So a refused body is marked as read (the local server drains what arrives
after the answer by itself, Cloud Run's front end buffers requests), and what is left after the
form has been parsed is drained quietly: a client gone is no error of ours. A chunked body, which
declares no length, is stopped at the same limit while it is read.

With `PartLimits` (the public form and the status page), a body is also stopped while it streams
in, at the first part past its own limit (`multipart.FormCutOff`): a 9 MB text is refused after
64 KB, a 12 MB file after 10 MB, a sixth file as it starts — and the texts read before it are kept.
"""
from __future__ import annotations

import io

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from shared.domain.form_limits import FORM_TEXT_ALLOWANCE, PartLimits, body_limit, part_limits

from .multipart import (
    FILE_TOO_LARGE,
    FILES_TOO_LARGE,
    TEXT_TOO_LONG,
    TOO_MANY_FILES,
    FormCutOff,
    limited_parser,
)

__all__ = ["FILE_PROBLEMS", "FORM_TEXT_ALLOWANCE", "GONE", "TOO_LARGE", "TOO_LONG", "body_limit",
           "read_bytes", "read_form", "read_upload_form"]

TOO_LARGE = "too_large"  # the body is over our limit: declared so, or found so while reading
TOO_LONG = TEXT_TOO_LONG  # a text field past its limit (or far too many parts)
GONE = "client_gone"
FILE_PROBLEMS = (FILE_TOO_LARGE, FILES_TOO_LARGE, TOO_MANY_FILES)  # the texts were read whole
URLENCODED = "application/x-www-form-urlencoded"


class _QuietRest:
    """The rest of a body for functions-framework's hook: a client that hung up, or a chunked
    body past our limit, ends it."""

    def __init__(self, stream):
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        try:
            return self._stream.read(size)
        except (ClientDisconnected, RequestEntityTooLarge):
            return b""


def read_form(request, limit: int, parts: PartLimits | None = None) -> str | None:
    """Parses the form and its files once, if the body is at most `limit` bytes, tolerating part
    headers that are not UTF-8 (see `multipart`), and stopping at the first part past `parts`.
    None when read; else `TOO_LARGE`, `GONE`, or the limit a part passed (`TOO_LONG`,
    `multipart.FILE_TOO_LARGE`, `FILES_TOO_LARGE`, `TOO_MANY_FILES`). A refused request keeps the
    texts read whole before the cut-off (else an empty form), never parsed again from a half-read
    body; its files are dropped."""
    if parts and request.mimetype == URLENCODED:
        limit = min(limit, parts.text_bytes)  # all text: no file allowance
    if (request.content_length or 0) > limit:
        request.stream = io.BytesIO()  # refused unread: nothing is to wait for it
        request.form, request.files = MultiDict(), MultiDict()
        return TOO_LONG if parts and request.mimetype == URLENCODED else TOO_LARGE
    # A chunked body declares no length: werkzeug stops it at the limit while reading.
    request.max_content_length = limit
    request.form_data_parser_class = limited_parser(parts)
    kept: list[tuple[str, str]] = []
    try:
        request.files  # noqa: B018  (parses form and files together)
        problem = None
    except FormCutOff as cut:
        problem, kept = cut.reason, cut.fields
    except RequestEntityTooLarge:
        problem = TOO_LARGE if request.content_length is None else TOO_LONG
    except ClientDisconnected:
        problem = GONE
    if problem:
        request.form, request.files = MultiDict(kept), MultiDict()
    # The rest of a body cut off is not waited for (as one refused unread); a read one's
    # epilogue is drained quietly.
    request.stream = io.BytesIO() if problem else _QuietRest(request.stream)
    return problem


def read_upload_form(request, settings) -> str | None:
    """A post that may carry files (the form, an addition on the status page), read as
    `read_form` reads it, within the settings' limits on files."""
    files = (settings.max_attachments, settings.max_attachment_bytes,
             settings.max_attachments_total_bytes)
    return read_form(request, body_limit(*files), part_limits(*files))


def read_bytes(request, limit: int) -> bytes | None:
    """A whole body of at most `limit` bytes (a declared larger one is refused unread, a chunked
    one stopped past it), or None: too large, or the client gone."""
    if (request.content_length or 0) > limit:
        request.stream = io.BytesIO()
        return None
    request.max_content_length = limit + 1  # werkzeug stops a chunked body here, silently
    try:
        raw = request.get_data(cache=True)
    except (RequestEntityTooLarge, ClientDisconnected):
        raw = None
    if raw is None or len(raw) > limit:
        request.stream = io.BytesIO()
        return None
    return raw
