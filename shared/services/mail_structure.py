"""A MIME part's type, disposition, charset and raw source, read so that no content raises.

The standard library decodes RFC 2231 parameters with the charset they name when asked for a
part's type or disposition, and writes a message back by re-folding its headers; with a charset
like `utf-16` or `gb2312\\0`, or raw 8-bit bytes in a header, both raise (UnicodeDecodeError,
ValueError "embedded null character", UnicodeEncodeError). Found by fuzzing (`tests/unit/
test_mail_fuzz.py`). Each accessor here asks the standard library first and, when it raises,
reads the raw header itself (`header_parameter`, the one rule for mail parameters)."""
from __future__ import annotations

import re
from email import policy
from email.message import Message
from email.utils import getaddresses

from .mail_charsets import header_parameter, raw_header

_TYPE = re.compile(r"^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)/([!#$%&'*+.^_`|~0-9A-Za-z-]+)")
# Headers written as they came: refolding a long address header costs seconds (a From of 1 000
# encoded words, 16 KB, took 3 s; fuzzing found a message whose forwarded parts took 51 s),
# and a forwarded message is evidence, kept as it was.
_AS_RECEIVED = policy.default.clone(linesep="\r\n", refold_source="none")
MAX_WRITTEN_DEPTH = 20  # deeper than any mail client nests; the writer recurses per level
_ADDRESS = re.compile(r"[^\s<>,;:\"()]+@[^\s<>,;:\"()]+")


def content_type(part: Message) -> str:
    """The part's type, lower case (`text/plain` when missing or unreadable, as RFC 2045 says)."""
    try:
        return part.get_content_type()
    except Exception:  # the standard library read a parameter in a charset that cannot be
        match = _TYPE.match(raw_header(part, "Content-Type"))
        return f"{match.group(1)}/{match.group(2)}".lower() if match else "text/plain"


def content_disposition(part: Message) -> str:
    """`inline`, `attachment`, another token, or "" when there is none."""
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        return raw_header(part, "Content-Disposition").split(";")[0].strip().lower()


def content_charset(part: Message) -> str | None:
    """The charset parameter of the part's Content-Type, read as every other mail parameter."""
    return header_parameter(raw_header(part, "Content-Type"), "charset") or None


def parameter(part: Message, name: str) -> str:
    """One parameter of the part's Content-Type ("" when absent)."""
    return header_parameter(raw_header(part, "Content-Type"), name) or ""


def payload(part: Message):
    """The part's payload as parsed: its parts (a list) or its text. The library's
    `get_payload()` decodes text holding raw 8-bit bytes with the part's charset, and raises
    for a charset such as `undefined` (found by fuzzing); then the text as parsed."""
    try:
        return part.get_payload()
    except Exception:
        return part.__dict__.get("_payload")


def source_bytes(message: Message) -> bytes:
    """A message written back as bytes: by the standard library (headers as received) when it can, else its
    headers and bodies as they were parsed (surrogates, which stand for raw 8-bit bytes or came
    out of broken words, kept as bytes rather than refused). A deeply nested message goes
    straight to the second way, which keeps no stack: the library's writer recurses per level."""
    if _depth(message) <= MAX_WRITTEN_DEPTH:
        try:
            return message.as_bytes(policy=_AS_RECEIVED)
        except Exception:  # a header it cannot fold again, a charset it cannot encode
            pass
    out, pending = [], [message]
    while pending:
        item = pending.pop()
        if isinstance(item, bytes):
            out.append(item)
            continue
        head = "".join(f"{name}: {value}\r\n" for name, value in item.raw_items())
        out.append(head.encode("utf-8", "surrogatepass") + b"\r\n")
        body = payload(item)
        if isinstance(body, list):
            for part in reversed([p for p in body if isinstance(p, Message)]):
                pending += [b"\r\n", part]
        else:
            out.append(str(body or "").encode("utf-8", "surrogatepass"))
    return b"".join(out)


def _depth(message: Message) -> int:
    deepest, pending = 0, [(message, 1)]
    while pending:
        item, depth = pending.pop()
        deepest = max(deepest, depth)
        body = payload(item)
        if isinstance(body, list) and depth <= MAX_WRITTEN_DEPTH:
            pending += [(part, depth + 1) for part in body if isinstance(part, Message)]
    return deepest


def addresses(values: list[str]) -> list[str]:
    """The addresses in some address headers, as `getaddresses` reads them; when it raises on
    what it was given, every `local@domain` token."""
    try:
        return [address for _, address in getaddresses(values) if address]
    except Exception:
        return [match for value in values for match in _ADDRESS.findall(value)]
