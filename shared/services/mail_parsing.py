"""Reading inbound email: whatever the client, encoding or damage, get the text a person wrote.

Standard library `email` with the modern policy for the structure; our own decoding for text,
because mail labelled gb2312 is usually GBK or GB18030, labels are often wrong, and headers arrive
as raw 8-bit bytes or broken RFC 2047 words. Nothing here raises on content: problems become
`notes`, and the body text is never dropped.
"""
from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import quopri
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses

from .html_text import html_to_text

# Labels that lie: decode them as the superset that GBK/GB18030 mail really is.
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
                    "euc-cn": "gb18030", "gb_2312-80": "gb18030", "chinese": "gb18030",
                    "x-euc-cn": "gb18030", "big5": "big5hkscs", "ks_c_5601-1987": "cp949",
                    "iso-8859-1": "cp1252", "us-ascii": "utf-8", "ascii": "utf-8",
                    "unknown-8bit": "utf-8", "x-unknown": "utf-8", "utf8": "utf-8"}
_FALLBACKS = ("utf-8", "gb18030", "big5hkscs", "cp1252")
_NOT_MAIL_CODECS = {"raw-unicode-escape", "unicode-escape", "punycode", "idna", "undefined",
                    "raw_unicode_escape", "unicode_escape"}
MAX_PARTS = 100
MAX_HEADER_CHARS = 2000


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    message_id: str
    subject: str
    from_name: str
    from_address: str
    recipients: list[str]
    in_reply_to: list[str]
    references: list[str]
    text: str
    html: str
    attachments: list[MailAttachment]
    headers: dict[str, str]
    content_hash: str
    size: int
    notes: list[str] = field(default_factory=list)
    text_from_html: bool = False  # an HTML-only message, turned into text
    delivery_report: DeliveryReport | None = None

    @property
    def dedup_key(self) -> str:
        """One key per distinct message: its Message-ID, or its content when it has none."""
        if self.message_id:
            return message_key(self.message_id)
        return "sha256:" + self.content_hash


@dataclass(frozen=True)
class DeliveryReport:
    """A DSN (multipart/report; report-type=delivery-status)."""

    failed: bool
    recipients: list[str]
    status: str
    original_message_ids: list[str]


def message_key(message_id: str) -> str:
    return "mid:" + hashlib.sha256(message_id.strip().lower().encode()).hexdigest()


def _text_codec(label: str) -> str | None:
    """The codec for a charset label, or None when it names no text encoding we trust in mail
    (unknown names, `undefined`, and the escape codecs that "succeed" with mangled text)."""
    name = _CHARSET_ALIASES.get(label, label)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_MAIL_CODECS:
        return None
    return info.name


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, bool]:
    """Text from bytes in a declared charset; (text, clean) where clean is False when the label
    was unknown or wrong and a fallback was needed."""
    label = (charset or "").strip().strip('"\'').lower()
    declared = _text_codec(label) if label else None
    candidates = [declared] if declared else []
    candidates += [c for c in _FALLBACKS if c not in candidates]
    for index, candidate in enumerate(candidates):
        try:
            text = data.decode(candidate)
        except (UnicodeError, ValueError, LookupError):
            continue
        return text, index == 0 and (declared is not None or not label)
    return data.decode("utf-8", errors="replace"), False  # unreachable: cp1252 nearly always works


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(?<=\?=)\s+(?==\?)")


def _decode_word(match: re.Match) -> str:
    charset, encoding, payload = match.group(1).split("*")[0], match.group(2).upper(), match.group(3)
    try:
        if encoding == "B":
            data = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
        else:
            data = quopri.decodestring(payload.replace("_", " ").encode("ascii"), header=True)
    except (ValueError, binascii.Error):
        return match.group(0)  # a broken word stays as it was written
    return decode_bytes(data, charset)[0]


def decode_header_value(raw: str) -> str:
    """A header's text: each RFC 2047 word in its (mislabelled) charset, broken words kept
    literally, raw 8-bit bytes decoded as UTF-8 or GB18030."""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):  # raw 8-bit header bytes
        raw = decode_bytes(raw.encode("utf-8", "surrogateescape"), None)[0]
    raw = raw[: MAX_HEADER_CHARS * 4]  # after decoding: never cut a multi-byte character
    text = _ENCODED_WORD.sub(_decode_word, _BETWEEN_WORDS.sub("", raw))
    return re.sub(r"\s+", " ", text).strip()[:MAX_HEADER_CHARS]


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_COMMENT = re.compile(r"\([^()]*\)")
_ADDR_SPEC = re.compile(r"^[^@\s<>,;:\"()]+@[^@\s<>,;:\"()]+\.[^@\s<>,;:\"()]+$")


def _sender(message: Message) -> tuple[str, str]:
    """(display name, address) of the one mailbox in From, or ("", "") when there is not exactly
    one unambiguous mailbox. The lenient `parseaddr` reads `victim@qq.com <attacker@evil.com>`
    as the victim; here the angle-bracketed address is the mailbox, as RFC 5322 says, and a From
    with two candidate addresses has none. Encoded words in quoted names (QQMail, Foxmail) are
    fine: quoted strings and comments are set aside before looking for the address."""
    raw = " ".join(_raw_header(message, "From").split())
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


def _raw_header(message: Message, name: str) -> str:
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return ""


def _ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse raw RFC 5322 bytes. Never raises for content reasons."""
    notes: list[str] = []
    try:
        message = message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # pragma: no cover - the parser is lenient, but be sure
        notes.append(f"unparseable message: {type(exc).__name__}")
        message = EmailMessage()
        message.set_content(raw.decode("utf-8", "replace"))
    if message.defects:
        kinds = sorted({type(d).__name__ for d in message.defects})
        notes.append("malformed MIME: " + ", ".join(kinds)[:300])
    headers = {name: decode_header_value(_raw_header(message, name)) for name in (
        "Message-ID", "Subject", "From", "Reply-To", "Return-Path", "Auto-Submitted", "Precedence",
        "X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id", "List-Unsubscribe",
        "Sender", "In-Reply-To", "References", "To", "Cc", "Delivered-To", "X-Original-To",
        "Content-Type")}
    headers = {k: v for k, v in headers.items() if v or _raw_header(message, k) != ""}
    from_name, from_address = _sender(message)
    recipients = [addr.lower() for _, addr in getaddresses(
        [_raw_header(message, h) for h in ("To", "Cc", "Delivered-To", "X-Original-To")]) if addr]
    body = _Body(notes)
    body.walk(message)
    text = body.text()
    return ParsedMail(
        message_id=(_ids(headers.get("Message-ID", "")) or [""])[0],
        subject=headers.get("Subject", ""),
        from_name=from_name,
        from_address=from_address.lower(),
        recipients=recipients,
        in_reply_to=_ids(headers.get("In-Reply-To", "")),
        references=_ids(headers.get("References", "")),
        text=text,
        html=body.html,
        attachments=body.attachments,
        headers=headers,
        content_hash=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        notes=notes,
        text_from_html=bool(body.html) and not any(t.strip() for t in body.plain),
        delivery_report=body.report,
    )


class _Body:
    """Walks the MIME tree once, collecting text, HTML, attachments and any DSN."""

    def __init__(self, notes: list[str]):
        self.notes = notes
        self.plain: list[str] = []
        self.html = ""
        self.attachments: list[MailAttachment] = []
        self.report: DeliveryReport | None = None
        self.parts = 0

    def walk(self, message: Message) -> None:
        if message.get_content_type() == "multipart/report":
            self.report = _delivery_report(message)
        self._visit(message)

    def _visit(self, part: Message) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            if self.parts == MAX_PARTS + 1:
                self.notes.append(f"only the first {MAX_PARTS} MIME parts were read")
            return
        ctype = part.get_content_type()
        if ctype in ("message/delivery-status", "text/rfc822-headers"):
            return  # read by _delivery_report
        if ctype == "message/rfc822":
            self._forwarded(part)
        elif part.is_multipart():
            for child in part.get_payload():
                self._visit(child)
        else:
            self._part(part, ctype)

    def _forwarded(self, part: Message) -> None:
        """A message forwarded as an attachment stays one .eml file: its body is evidence, not
        the sender's own words."""
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else None
        if not isinstance(inner, Message):
            return
        try:
            data = inner.as_bytes(policy=policy.default.clone(linesep="\r\n"))
        except Exception:  # an inner message too broken to write back: keep its source bytes
            data = str(inner).encode("utf-8", "surrogateescape")
        subject = decode_header_value(_raw_header(inner, "Subject")) or "forwarded"
        self.attachments.append(MailAttachment(f"{subject[:80]}.eml", "message/rfc822", data))

    def _part(self, part: Message, ctype: str) -> None:
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part)
        if ctype in ("text/plain", "text/html") and (disposition != "attachment" or
                                                     (not filename and ctype == "text/plain")):
            # Inline text is the body even when a client gave it a file name.
            text = self._decode(part)
            if ctype == "text/plain":
                self.plain.append(text)
            elif not self.html:
                self.html = text
            return
        data = _payload(part)
        if data is None:
            self.notes.append(f"unreadable part {ctype}")
            return
        self.attachments.append(MailAttachment(filename or f"part-{self.parts}", ctype, data))

    def _decode(self, part: Message) -> str:
        data = _payload(part) or b""
        text, clean = decode_bytes(data, part.get_content_charset())
        if not clean and data:
            self.notes.append(f"text decoded with a fallback (declared {part.get_content_charset()!r})")
        return text

    def text(self) -> str:
        text = "\n\n".join(t.strip() for t in self.plain if t.strip())
        if not text and self.html:
            text = html_to_text(self.html)
        if not text:  # no body at all: a text file attached is the next best thing
            for attachment in self.attachments:
                if attachment.content_type == "text/plain":
                    text = decode_bytes(attachment.data, None)[0]
                    break
        return text.replace("\r\n", "\n").strip()


def _payload(part: Message) -> bytes | None:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        return None
    if data is None:
        payload = part.get_payload()
        return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else None
    return data


def _filename(part: Message) -> str:
    raw = part.get_param("filename", header="content-disposition") or part.get_param("name")
    if raw is None:
        return ""
    if isinstance(raw, tuple):  # RFC 2231: (charset, language, value)
        charset, _, value = raw
        data = value.encode("latin-1", "surrogateescape") if isinstance(value, str) else value
        return decode_bytes(data, charset)[0]
    return decode_header_value(str(raw))


def _delivery_report(message: Message) -> DeliveryReport | None:
    if (message.get_param("report-type") or "").lower() != "delivery-status":
        return None
    actions, recipients, status, originals = [], [], "", []
    for part in message.walk():
        ctype = part.get_content_type()
        if ctype == "message/delivery-status":
            fields = _dsn_fields(part)
            actions += [v.lower() for k, v in fields if k == "action"]
            recipients += [v.split(";")[-1].strip() for k, v in fields if k == "final-recipient"]
            status = next((v for k, v in fields if k == "status"), status)
        elif ctype in ("message/rfc822", "text/rfc822-headers"):
            originals += _original_ids(part)
    failed = any(a == "failed" for a in actions)
    return DeliveryReport(failed, recipients, status, originals)


def _dsn_fields(part: Message) -> list[tuple[str, str]]:
    payload = part.get_payload()
    if isinstance(payload, list):  # the parser split it into header blocks
        pairs = []
        for block in payload:
            pairs += [(k.lower(), str(v)) for k, v in block.items()]
        return pairs
    text = payload if isinstance(payload, str) else ""
    return [(k.strip().lower(), v.strip()) for k, _, v in
            (line.partition(":") for line in text.splitlines()) if v]


def _original_ids(part: Message) -> list[str]:
    payload = part.get_payload()
    if isinstance(payload, list) and payload:
        return _ids(str(payload[0].get("Message-ID", "")))
    text = payload if isinstance(payload, str) else ""
    match = re.search(r"^Message-ID:\s*(<[^>]+>)", text, re.IGNORECASE | re.MULTILINE)
    return [match.group(1)] if match else []
