"""One walk over a message's MIME tree: the text a person wrote, the HTML, the attachments and
any delivery report. Problems become notes; nothing here raises on content."""
from __future__ import annotations

from dataclasses import dataclass
from email.message import Message

from .delivery_reports import DeliveryReport, delivery_report
from .html_text import html_to_text
from .mail_charsets import decode_bytes, decode_header_value, decode_text, header_parameter, raw_header
from .mail_structure import content_charset, content_disposition, content_type, source_bytes
from .mail_structure import payload as source_payload

MAX_PARTS = 100


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    data: bytes


class MailBody:
    """Walks the MIME tree once, collecting text, HTML, attachments and any DSN."""

    def __init__(self, notes: list[str]):
        self.notes = notes
        self.plain: list[str] = []
        self.html = ""
        self.attachments: list[MailAttachment] = []
        self.report: DeliveryReport | None = None
        self.parts = 0

    def walk(self, message: Message) -> None:
        if content_type(message) == "multipart/report":
            self.report = delivery_report(message)
        self._visit(message)

    def _visit(self, part: Message) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            if self.parts == MAX_PARTS + 1:
                self.notes.append(f"only the first {MAX_PARTS} MIME parts were read")
            return
        ctype = content_type(part)
        if ctype in ("message/delivery-status", "text/rfc822-headers"):
            return  # read by delivery_report
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
        data = source_bytes(inner)  # an inner message too broken to write back: as parsed
        subject = decode_header_value(raw_header(inner, "Subject")) or "forwarded"
        self.attachments.append(MailAttachment(f"{subject[:80]}.eml", "message/rfc822", data))

    def _part(self, part: Message, ctype: str) -> None:
        disposition = content_disposition(part)
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
        text, note = decode_text(data, content_charset(part))
        if note and data:
            self.notes.append(f"text: {note}")
        return text

    @property
    def html_only(self) -> bool:
        """The message had HTML and no plain text of its own."""
        return bool(self.html) and not any(t.strip() for t in self.plain)

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
        payload = source_payload(part)
        return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else None
    return data


def _filename(part: Message) -> str:
    for header, parameter in (("Content-Disposition", "filename"), ("Content-Type", "name")):
        name = header_parameter(raw_header(part, header), parameter)
        if name:
            return name
    return ""
