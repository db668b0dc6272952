"""A plain-text-plus-HTML email built for a fraction of the CPU `EmailMessage.set_content` and
`add_alternative` take (issue 12: building and serialising the MIME was half of an
acknowledgment's cost).

`policy.default` parses every header value into a header object when it is set, and folds each
again from its parse tree when the message is written; `set_content` weighs quoted-printable
against base64 in pure Python and sets its headers one parse at a time. Here a header value of
printable ASCII is kept as it is given: read back, it is parsed then (as a received message's
is; a value read again is parsed once); written, it goes out as it is when it fits on a line (a
longer one is folded as before). The two parts are encoded directly: 7bit when ASCII in short
lines, else base64 (what `set_content` picks for Chinese text). Any other value (not ASCII — the
subject, a name — or with a control character) goes through `policy.default` as before, which
refuses a line break: no header injection.
"""
from __future__ import annotations

import binascii
import secrets
from collections.abc import Sequence
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.policy import EmailPolicy
from functools import lru_cache

_MAX_LINE = 78  # policy.default's max_line_length: the longest 7bit body line it keeps
_BASE64_LINE = _MAX_LINE // 4 * 4  # 76 characters a line (57 bytes), as set_content writes


class _ClassPerName(HeaderRegistry):
    """The header registry, keeping the class it makes for a header name (the stock one makes a
    new class on every lookup: every header set, counted or parsed)."""

    def __init__(self):
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name):
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


class _ComposingPolicy(EmailPolicy):
    """policy.default, except that an ASCII header value is stored as given, not parsed."""

    def header_store_parse(self, name, value):
        plain = isinstance(value, str) and not hasattr(value, "name")
        if plain and value.isascii() and value.isprintable():  # no line break, tab, control
            return (name, value)
        return super().header_store_parse(name, value)  # refuses a line break, as it did

    def header_fetch_parse(self, name, value):
        """The value read back, parsed as policy.default parses it: a value read again (the
        writer reads Content-Type and Content-Transfer-Encoding several times; every message
        has the same From) is parsed once."""
        if hasattr(value, "name"):
            return value
        return _parsed(self.header_factory, name, "".join(value.splitlines()))


@lru_cache(maxsize=512)
def _parsed(factory: HeaderRegistry, name: str, value: str):
    return factory(name, value)  # a header object is immutable: every message may share it


COMPOSING = _ComposingPolicy(header_factory=_ClassPerName())


def alternative_email(headers: Sequence[tuple[str, str]], text: str, html: str,
                      language: str) -> EmailMessage:
    """`headers` in order, then the MIME headers and `Content-Language`; the body a
    multipart/alternative of `text` and `html`, both UTF-8."""
    email = EmailMessage(policy=COMPOSING)
    for name, value in headers:
        email[name] = value
    parts = [_text_part("plain", text), _text_part("html", html)]
    email["MIME-Version"] = "1.0"
    email["Content-Type"] = f'multipart/alternative; boundary="{_boundary(parts)}"'
    email["Content-Language"] = language
    email.set_payload(parts)
    return email


def _text_part(subtype: str, content: str) -> EmailMessage:
    """The part as `set_content` encodes it — 7bit or 8bit when every line is short, else the
    shorter of base64 and quoted-printable for its first lines — with the encoders in C."""
    lines = content.encode("utf-8").splitlines()
    body = b"\n".join(lines) + b"\n"
    part = EmailMessage(policy=COMPOSING)
    part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
    if max((len(line) for line in lines), default=0) <= _MAX_LINE:
        part["Content-Transfer-Encoding"] = "7bit" if body.isascii() else "8bit"
        part.set_payload(body.decode("ascii", "surrogateescape"))  # as set_content keeps 8bit
        return part
    sniff = b"\n".join(lines[:10]) + b"\n"
    if len(binascii.b2a_qp(sniff, istext=True)) > len(binascii.b2a_base64(sniff)):
        encoded = binascii.b2a_base64(body, newline=False).decode("ascii")
        part["Content-Transfer-Encoding"] = "base64"
        part.set_payload("".join([encoded[i:i + _BASE64_LINE] + "\n"
                                  for i in range(0, len(encoded), _BASE64_LINE)]))
    else:
        part["Content-Transfer-Encoding"] = "quoted-printable"
        part.set_payload(binascii.b2a_qp(body, istext=True).decode("ascii"))
    return part


def _boundary(parts: list[EmailMessage]) -> str:
    """A boundary no part contains (base64 never has '=_'; a 7bit part might, however rarely):
    the process's own while it is not contained, so that every message's Content-Type is one
    value, parsed once."""
    boundary = _BOUNDARY
    while any(boundary in part.get_payload() for part in parts):
        boundary = f"=_{secrets.token_hex(12)}"
    return boundary


_BOUNDARY = f"=_{secrets.token_hex(12)}"
