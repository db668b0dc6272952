"""Reading inbound email: whatever the client, encoding or damage, get the text a person wrote.

Standard library `email` with the modern policy for the structure; our own decoding for text
(`mail_charsets`), the sender (`mail_sender`), the MIME walk (`mail_body`) and delivery reports
(`delivery_reports`). Nothing here raises on content: problems become `notes`, and the body text
is never dropped.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email.message import EmailMessage

from shared.domain.typed_text import without_controls

from .delivery_reports import DeliveryReport, message_ids
from .mail_body import MailAttachment, MailBody
from .mail_bounds import bounded_message
from .mail_charsets import decode_bytes, decode_header_value, raw_header
from .mail_sender import sender
from .mail_structure import addresses

__all__ = ["DeliveryReport", "MailAttachment", "ParsedMail", "decode_bytes", "decode_header_value",
           "message_key", "parse_mail"]

_HEADERS = ("Message-ID", "Subject", "From", "Reply-To", "Return-Path", "Auto-Submitted",
            "Precedence", "X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id",
            "List-Unsubscribe", "Sender", "In-Reply-To", "References", "To", "Cc", "Delivered-To",
            "X-Original-To", "Content-Type")
MAX_REFERENCES = 50  # the newest: threading looks each up


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


def message_key(message_id: str) -> str:
    """The `mail_index` key of a Message-ID (case and surrounding space do not matter)."""
    # surrogatepass: raw 8-bit bytes in a header hash, never crash (found by fuzzing)
    return "mid:" + hashlib.sha256(message_id.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()


def _one_line(subject: str) -> str:
    """The subject as a case's subject and a reply's: no controls or direction overrides (they
    would turn the case number of `Re: … [JB-…]` round), line breaks and tabs as spaces."""
    return without_controls(subject).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse raw RFC 5322 bytes. Never raises for content reasons."""
    notes: list[str] = []
    try:
        message, stopped = bounded_message(raw)  # bounded time and memory (`mail_bounds`)
        if stopped:
            notes.append(stopped)
    except Exception as exc:  # pragma: no cover - the parser is lenient, but be sure
        notes.append(f"unparseable message: {type(exc).__name__}")
        message = EmailMessage()
        message.set_content(raw.decode("utf-8", "replace"))
    if message.defects:
        kinds = sorted({type(d).__name__ for d in message.defects})
        notes.append("malformed MIME: " + ", ".join(kinds)[:300])
    headers = {name: decode_header_value(raw_header(message, name)) for name in _HEADERS}
    headers = {k: v for k, v in headers.items() if v or raw_header(message, k) != ""}
    if "\ufffd" in headers.get("Subject", ""):  # a gateway cut it mid-character, or worse
        notes.append("subject: bytes that are no text in its charset are shown as U+FFFD")
    from_name, from_address = sender(message)
    recipients = [addr.lower() for addr in addresses(
        [raw_header(message, h) for h in ("To", "Cc", "Delivered-To", "X-Original-To")])]
    body = MailBody(notes)
    body.walk(message)
    return ParsedMail(
        message_id=(message_ids(headers.get("Message-ID", "")) or [""])[0],
        subject=_one_line(headers.get("Subject", "")),
        from_name=from_name,
        from_address=from_address.lower(),
        recipients=recipients,
        in_reply_to=message_ids(headers.get("In-Reply-To", "")),
        # From the raw header: the decoded one is cut to its first 2 000 characters, and the
        # parent's id is at the end of a long thread's References.
        references=message_ids(raw_header(message, "References"))[-MAX_REFERENCES:],
        text=without_controls(body.text()),
        html=body.html,
        attachments=body.attachments,
        headers=headers,
        content_hash=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        notes=notes,
        text_from_html=body.html_only,
        delivery_report=body.report,
    )
