"""Case numbers: unique, human-friendly, not sequential (R2).

Format: a kind prefix (TS 投诉 / JB 举报), the receipt date in the platform's time zone, six random
Crockford symbols and a check symbol, e.g. ``TS-20261128-4F7KQ2-X``. Thirty random bits a day per kind
make collisions rare; the store's create-if-absent write turns the rare one into a retry. No counter
document, so intake never serializes on one hot record.
"""
from __future__ import annotations

import re
from datetime import date

from . import crockford
from .cases import Kind

PREFIXES = {Kind.COMPLAINT: "TS", Kind.REPORT: "JB"}
_PATTERN = re.compile(r"^(TS|JB)(\d{8})([0-9A-Z]{6})([0-9A-Z])$")
RANDOM_SYMBOLS = 6


def new_case_number(kind: Kind, day: date) -> str:
    """A fresh random case number for a case of `kind` received on `day` (local date)."""
    prefix = PREFIXES[kind]
    stamp = day.strftime("%Y%m%d")
    body = crockford.random_symbols(RANDOM_SYMBOLS)
    check = crockford.check_symbol(prefix + stamp + body)
    return f"{prefix}-{stamp}-{body}-{check}"


def parse_case_number(text: str) -> str | None:
    """The canonical form of a typed case number, or None when it cannot be one of ours."""
    compact = text.strip().upper().replace("-", "").replace(" ", "")
    if len(compact) != 2 + 8 + RANDOM_SYMBOLS + 1:
        return None
    prefix, tail = compact[:2], compact[2:]
    if not crockford.is_crockford(tail):
        return None
    tail = crockford.normalize(tail)
    stamp, rest = tail[:8], tail[8:]
    match = _PATTERN.match(prefix + stamp + rest)
    if not match:
        return None
    body, check = rest[:-1], rest[-1]
    if crockford.check_symbol(prefix + stamp + body) != check:
        return None
    return f"{prefix}-{stamp}-{body}-{check}"
