"""Request bodies of the staff API: JSON objects only, size-limited, read before anything else is
done with them, and their fields checked for type at the edge (the services check meaning).

Refusals: not JSON (415), too large (413, also a chunked body that grows past the limit while it
is read), not UTF-8, malformed, with NaN/Infinity, a duplicated key or nested absurdly deep (400),
not an object (400). A field of the wrong type, a missing required field or a field the route does
not know is InvalidCommand (422), so the person learns which field and why."""
from __future__ import annotations

import io
import json
from dataclasses import dataclass

from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from shared.domain.errors import InvalidCommand

MAX_BODY_BYTES = 256 * 1024  # a note or a message is text; files come another way
JSON_TYPES = ("application/json",)


class BodyRefused(Exception):
    """A body we will not read as a command: `status` and `code` for the answer."""

    def __init__(self, status: int, code: str):
        super().__init__(code)
        self.status = status
        self.code = code


def read_json(request, limit: int = MAX_BODY_BYTES) -> dict:
    """The body as a JSON object; `{}` for a request without a body. Raises BodyRefused."""
    if _empty(request):
        return {}
    if request.mimetype not in JSON_TYPES:
        leave_unread(request)
        raise BodyRefused(415, "unsupported_media_type")
    if request.mimetype_params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
        leave_unread(request)
        raise BodyRefused(415, "unsupported_media_type")
    if (request.content_length or 0) > limit:
        leave_unread(request)
        raise BodyRefused(413, "body_too_large")
    # A chunked body declares no length: werkzeug stops reading it at the limit, silently, so
    # one byte more than the limit is allowed in, and a body that reaches it is too large.
    request.max_content_length = limit + 1
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raw = None
    except ClientDisconnected:
        leave_unread(request)
        raise BodyRefused(400, "client_gone") from None
    if raw is None or len(raw) > limit:
        leave_unread(request)
        raise BodyRefused(413, "body_too_large")
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_no_constant,
                           object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BodyRefused(400, "malformed_json") from None
    if not isinstance(value, dict):
        raise BodyRefused(400, "not_an_object")
    return value


def leave_unread(request) -> None:
    """Answer without reading (the rest of) the body: functions-framework reads every body after
    the answer, which for a body we refused would mean waiting for all of it."""
    request.stream = io.BytesIO()


def _empty(request) -> bool:
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    return not chunked and not request.content_length


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _no_duplicates(pairs: list) -> dict:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("a key is given twice")  # which one counts is the parser's guess
    return dict(pairs)


@dataclass(frozen=True)
class Field:
    """One field a route reads: its name, its JSON type (`text`, `flag`, `number`, `texts`,
    `object`, `list`) and whether it must be given."""

    name: str
    kind: str = "text"
    required: bool = False


_CHECKS = {
    "text": lambda v: isinstance(v, str),
    "flag": lambda v: isinstance(v, bool),
    "number": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "texts": lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v),
    "object": lambda v: isinstance(v, dict),
    "list": lambda v: isinstance(v, list),  # of objects: the service checks each
}


def fields(body: dict, *spec: Field) -> dict:
    """The body's fields that `spec` names, type-checked; raises InvalidCommand naming every
    missing, mistyped (null included) or unknown field."""
    known = {field.name: field for field in spec}
    errors = {name: "unknown_field" for name in body if name not in known}
    for field in spec:
        if field.name not in body:
            if field.required:
                errors[field.name] = "required"
        elif not _CHECKS[field.kind](body[field.name]):
            errors[field.name] = "wrong_type"
    if errors:
        raise InvalidCommand(errors)
    return {name: value for name, value in body.items()}
