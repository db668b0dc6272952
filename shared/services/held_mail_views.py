"""Held mail as the staff API shows it (JSON-ready dicts): an entry in the queue, its resolution,
and the decoded message — what a person needs to decide what to do with it, every attachment
listed by a name that can be shown safely (no path, control or direction characters) but none
opened here."""
from __future__ import annotations

from datetime import UTC, datetime
from email import policy
from email.parser import BytesHeaderParser

from shared.domain.held_mail import HeldEntry, Resolution

from .attachments import attachment_name
from .mail_charsets import decode_header_value, raw_header
from .mail_parsing import ParsedMail

MAX_SHOWN_TEXT = 100_000  # as much as a case keeps of a message


def time_view(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC (`2026-11-28T12:30:00Z`)."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def entry_view(entry: HeldEntry) -> dict:
    """An entry of the queue: who sent what when, why it was held, and how it was settled."""
    mail = entry.mail
    return {"id": mail.id, "received_at": time_view(mail.received_at), "sender": mail.sender,
            "subject": mail.subject, "reason": mail.reason, "open": entry.open,
            "resolution": resolution_view(entry.resolution)}


def resolution_view(resolution: Resolution | None) -> dict | None:
    if resolution is None:
        return None
    return {"action": resolution.action.value, "case_number": resolution.case_number or None,
            "reason": resolution.reason, "by": resolution.staff_id,
            "at": time_view(resolution.at), "from": resolution.client}


def message_view(raw: bytes, mail: ParsedMail) -> dict:
    """The message as the mail parser decodes it (GB18030 for mislabelled Chinese, RFC 2047
    words, 8-bit headers): headers, the text body, the attachments by name, type and size."""
    date = decode_header_value(raw_header(BytesHeaderParser(policy=policy.default).parsebytes(raw),
                                          "Date"))
    return {
        "from": mail.headers.get("From", ""),
        "from_address": mail.from_address,
        "to": mail.headers.get("To", ""),
        "date": date,
        "subject": mail.subject,
        "message_id": mail.message_id,
        "text": mail.text[:MAX_SHOWN_TEXT],
        "text_truncated": len(mail.text) > MAX_SHOWN_TEXT,
        "html_only": mail.text_from_html,
        "attachments": [{"name": attachment_name(part.filename), "content_type": part.content_type,
                         "size": len(part.data)} for part in mail.attachments],
        "notes": list(mail.notes),
        "size": len(raw),
    }
