"""Who wrote a message: the one mailbox in From, or nobody."""
from __future__ import annotations

import re
from email.message import Message

from .mail_charsets import decode_header_value, raw_header

_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_COMMENT = re.compile(r"\([^()]*\)")
_ADDR_SPEC = re.compile(r"^[^@\s<>,;:\"()]+@[^@\s<>,;:\"()]+\.[^@\s<>,;:\"()]+$")


def sender(message: Message) -> tuple[str, str]:
    """(display name, address) of the one mailbox in From, or ("", "") when there is not exactly
    one unambiguous mailbox. The lenient `parseaddr` reads `victim@qq.com <attacker@evil.com>`
    as the victim; here the angle-bracketed address is the mailbox, as RFC 5322 says, and a From
    with two candidate addresses has none. Encoded words in quoted names (QQMail, Foxmail) are
    fine: quoted strings and comments are set aside before looking for the address."""
    raw = " ".join(raw_header(message, "From").split())
    bare = _COMMENT.sub(" ", _QUOTED.sub('""', raw))
    angles = re.findall(r"<([^<>]*)>", bare)
    if len(angles) > 1 or bare.count("<") != len(angles):
        return "", ""
    if angles:
        address = angles[0].strip()
        name_part = raw[: raw.rfind("<")].strip()
    else:
        address, name_part = bare.strip(), ""
        comment = _COMMENT.search(raw)
        name_part = comment.group(0)[1:-1] if comment else ""
    if not _ADDR_SPEC.match(address):
        return "", ""
    name = decode_header_value(name_part.strip('"').replace('\\"', '"'))
    return name, address.lower()
