"""Reading a posted body safely, for the form and the status page (both accept files).

functions-framework reads the whole body after every answer (`read_request`, an after-request
hook), so that a server never closes a connection the client is still writing to. For a body we
refused unread that would mean waiting for, say, 60 MB before the 413 page leaves, and forever for
a Content-Length nobody will send; and a client that hung up makes that read raise, which turns
our answer into a 500. So a refused body is marked as read (the local server drains what arrives
after the answer by itself, Cloud Run's front end buffers requests), and what is left after the
form has been parsed is drained quietly: a client gone is no error of ours. A chunked body, which
declares no length, is stopped at the same limit while it is read.
"""
from __future__ import annotations

import io

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from .multipart import TolerantFormDataParser

FORM_TEXT_ALLOWANCE = 1024 * 1024  # the form's texts and multipart framing, besides its files

TOO_LARGE = "too_large"  # the body is over our limit: declared so, or found so while reading
TOO_LONG = "text_too_long"  # a text field past the parser's limit (or far too many parts)
GONE = "client_gone"


def body_limit(max_files: int, max_file_bytes: int) -> int:
    """The largest body we read: every file allowed at its largest, plus the texts."""
    return max_files * max_file_bytes + FORM_TEXT_ALLOWANCE


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


def read_form(request, limit: int) -> str | None:
    """Parses the form and its files once, if the body is at most `limit` bytes, tolerating part
    headers that are not UTF-8 (see `multipart`). None when read; else `TOO_LARGE`, `TOO_LONG` or
    `GONE`, and the request keeps an empty form, never parsed again from a half-read body."""
    if (request.content_length or 0) > limit:
        request.stream = io.BytesIO()  # refused unread: nothing is to wait for it
        request.form, request.files = MultiDict(), MultiDict()
        return TOO_LARGE
    # A chunked body declares no length: werkzeug stops it at the limit while reading.
    request.max_content_length = limit
    request.form_data_parser_class = TolerantFormDataParser
    try:
        request.files  # noqa: B018  (parses form and files together)
        problem = None
    except RequestEntityTooLarge:
        problem = TOO_LARGE if request.content_length is None else TOO_LONG
    except ClientDisconnected:
        problem = GONE
    if problem:
        request.form, request.files = MultiDict(), MultiDict()
    request.stream = _QuietRest(request.stream)
    return problem
