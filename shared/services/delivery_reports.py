"""Delivery status notifications (RFC 3464): which of our messages failed, and for whom."""
from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

from .mail_structure import content_type, parameter, payload


@dataclass(frozen=True)
class DeliveryReport:
    """A DSN (multipart/report; report-type=delivery-status)."""

    failed: bool
    recipients: list[str]
    status: str
    original_message_ids: list[str]


def message_ids(value: str) -> list[str]:
    """The `<id@host>` tokens of a Message-ID, In-Reply-To or References value, in order: printable
    ASCII without an encoded word (one such as `<=?utf-8?Q?=0D=0ABcc:...?=@x>` becomes a line
    break when a reply's In-Reply-To is written), others are no Message-ID."""
    return [found for found in re.findall(r"<[\x21-\x3b\x3d\x3f-\x7e]+>", value or "")
            if "=?" not in found]


def delivery_report(message: Message) -> DeliveryReport | None:
    """The DSN a multipart/report carries, or None when it reports something else."""
    if parameter(message, "report-type").lower() != "delivery-status":
        return None
    actions, recipients, status, originals = [], [], "", []
    for part in message.walk():
        ctype = content_type(part)
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
    body = payload(part)
    if isinstance(body, list):  # the parser split it into header blocks
        pairs = []
        for block in body:
            pairs += [(k.lower(), str(v)) for k, v in block.raw_items()]
        return pairs
    text = body if isinstance(body, str) else ""
    return [(k.strip().lower(), v.strip()) for k, _, v in
            (line.partition(":") for line in text.splitlines()) if v]


def _original_ids(part: Message) -> list[str]:
    body = payload(part)
    if isinstance(body, list) and body:
        return message_ids(next((str(v) for k, v in body[0].raw_items()
                                 if k.lower() == "message-id"), ""))
    text = body if isinstance(body, str) else ""
    match = re.search(r"^Message-ID:\s*(<[^>]+>)", text, re.IGNORECASE | re.MULTILINE)
    return [match.group(1)] if match else []
