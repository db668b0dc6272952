"""Trim the quoted history from a reply, so the timeline shows what the person just wrote.
The full message is always kept as the raw .eml of record. A forwarded message is not history:
it is evidence, and stays."""
from __future__ import annotations

import re

# Lines where quoted history starts, in the clients our reporters use.
_MARKERS = [
    r"^-{2,}\s*原始邮件\s*-{2,}",  # QQMail, Foxmail
    r"^-{2,}\s*Original Message\s*-{2,}",  # Outlook, Foxmail (en)
    r"^在\s*.{4,80}写道[:：]\s*$",  # Apple Mail, Gmail, 163 (zh)
    r"^On\s.{4,200}wrote:\s*$",  # Gmail, Apple Mail (en)
    r"^(发件人|From)\s*[:：].+\n(发送时间|日期|Sent|Date)\s*[:：]",  # Outlook, 163 headers block
    r"^_{10,}\s*$",  # Outlook's rule line
    r"^发自我的(iPhone|iPad|手机)",  # phone signatures close the new text
    r"^Sent from my (iPhone|iPad|phone)",
]
_PATTERN = re.compile("|".join(f"(?:{m})" for m in _MARKERS), re.MULTILINE | re.IGNORECASE)


def trim_quoted(text: str) -> str:
    """The new part of a reply: up to the first history marker, without '>' lines."""
    match = _PATTERN.search(text)
    head = text[: match.start()] if match else text
    lines = [line for line in head.splitlines() if not line.lstrip().startswith(">")]
    trimmed = "\n".join(lines).strip()
    return trimmed or text.strip()
