"""What a console form's fields mean to the services: an HTML form sends text only, so a
checkbox, a yes/no choice, a whole number or an optional reference is turned into the value the
API's JSON body would carry. Anything else is passed on as typed, for the service to refuse with
its own field code (a number that is no number: `invalid`)."""
from __future__ import annotations

import re

_YUAN = re.compile(r"^([0-9]{1,12})(?:\.([0-9]{1,2}))?$")  # 500, 500.5, 500.50

CHECKED = "yes"  # the value of every console checkbox


def checked(value: str) -> bool:
    """A checkbox: ticked or not."""
    return value == CHECKED


def yes_no(value: str) -> bool | None:
    """A yes/no choice; None (the service: `required`) when neither was chosen."""
    return {"yes": True, "no": False}.get(value)


def whole(value: str) -> int | str:
    """A whole number typed in ASCII digits (at most nine); otherwise the text itself."""
    text = value.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else text


def optional(value: str) -> str | None:
    """A field left empty is not given (None), as an API body leaves it out."""
    return value if value.strip() else None


def fen(value: str) -> int | str | None:
    """An amount typed in yuan (`200`, `199.50`) as integer fen, no floats near money; None when
    empty; otherwise the text itself."""
    text = value.strip()
    match = _YUAN.match(text)
    if not text or match is None:
        return None if not text else text
    return int(match.group(1)) * 100 + int((match.group(2) or "").ljust(2, "0"))
