"""Who wrote a message: the one mailbox in From that we can answer, or nobody."""
from __future__ import annotations

import re
from email import errors, policy
from email.message import Message
from email.parser import BytesHeaderParser

from . import mail_structure
from .mail_charsets import decode_bytes, decode_header_value, raw_header

_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_COMMENT = re.compile(r"\([^()]*\)")
_ADDR_SPEC = re.compile(r"^[^@\s<>,;:\"()]+@[^@\s<>,;:\"()]+\.[^@\s<>,;:\"()]+$")
_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?")


def sender(message: Message) -> tuple[str, str]:
    """(display name, address) of the one mailbox in From, or ("", "") when there is not exactly
    one unambiguous mailbox we can answer. The lenient `parseaddr` reads `victim@qq.com
    <attacker@evil.com>` as the victim; here the angle-bracketed address is the mailbox, as RFC
    5322 says, and a From with two candidate addresses has none. Encoded words in quoted names
    (QQMail, Foxmail) are fine: quoted strings and comments are set aside before looking for the
    address. A message with more than one From header has no sender either: RFC 5322 allows
    one, and a DMARC pass vouches for one — we cannot know which."""
    if _from_headers(message) != 1:
        return "", ""
    raw = " ".join(_decoded_8bit(raw_header(message, "From")).split())
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
    address = answerable(address)
    if not address:
        return "", ""
    name = decode_header_value(name_part.strip('"').replace('\\"', '"'))
    return name, address


_FROM_LINE = re.compile(r"from[ \t]*:", re.I)


def _from_headers(message: Message) -> int:
    """How many From headers the message has. `From :` (RFC 5322's obsolete syntax, which an
    MTA and its DMARC check may read as a From) counts too, though the parser takes it for an
    mbox envelope line or for the start of the body."""
    count = sum(1 for key, _ in message.raw_items() if key.strip().lower() == "from")
    stray = [message.get_unixfrom() or ""]
    for defect in message.defects:
        if isinstance(defect, errors.MisplacedEnvelopeHeaderDefect):
            stray.append(str(defect.line))
        elif isinstance(defect, errors.MissingHeaderBodySeparatorDefect):
            payload = mail_structure.payload(message)
            stray.append(payload if isinstance(payload, str) else "")
    return count + sum(1 for line in stray if _FROM_LINE.match(line))


def answerable(address: str) -> str:
    """The address in the lower-case ASCII form we send to, or "" when we cannot send to it.

    Acknowledgments go out without SMTPUTF8 (SES and most servers cannot deliver to a non-ASCII
    mailbox name), as on the form: a non-ASCII local part is no address, an internationalised
    domain is written in punycode. RFC 2047 forbids encoded words in an address, so one there is
    no address either (decoded, `王喆` would be a non-ASCII local part)."""
    if not _ADDR_SPEC.match(address) or _ENCODED_WORD.search(address):
        return ""
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        return ""
    try:
        domain = domain.lower().encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    return f"{local}@{domain}".lower()


def _decoded_8bit(raw: str) -> str:
    """The header with raw 8-bit bytes (surrogate escapes from the parser) read as text
    (UTF-8, else GB18030 …): undecoded, they would pass for an address and crash every encoder
    downstream (hashes, SQLite, Firestore)."""
    if not any("\udc80" <= ch <= "\udcff" for ch in raw):
        return raw
    return decode_bytes(raw.encode("utf-8", "surrogateescape"), None)[0]


def sender_domain(raw: bytes) -> str:
    """The (punycode) domain of the one answerable From mailbox of a raw message, "" without one:
    what the receiving server's SPF and DKIM verdicts must be aligned with."""
    return sender(BytesHeaderParser(policy=policy.default).parsebytes(raw))[1].rpartition("@")[2]
