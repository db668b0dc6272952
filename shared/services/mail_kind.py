"""Complaint or report? A guess from what the sender wrote, for cases opened by email.

The form asks; email cannot. People usually say which in the subject (「投诉门店客服」,
「举报诈骗账号」), sometimes only in the first lines. Staff correct a wrong guess later.
"""
from __future__ import annotations

import re

from shared.domain.cases import Kind

_WORDS = {
    Kind.COMPLAINT: re.compile(r"投诉|投訴|\bcomplain", re.I),
    Kind.REPORT: re.compile(r"举报|舉報|\breport", re.I),
}
TEXT_START = 300  # characters of the text read when the subject says neither


def guess_kind(subject: str, text: str, fallback: Kind) -> Kind:
    """The kind the subject names, else the one the start of the text names, else `fallback`.
    A subject or start that names both (「投诉举报中心」) is ambiguous: `fallback`."""
    for words in (subject, text[:TEXT_START]):
        named = [kind for kind, pattern in _WORDS.items() if pattern.search(words)]
        if len(named) == 1:
            return named[0]
        if named:
            return fallback
    return fallback
