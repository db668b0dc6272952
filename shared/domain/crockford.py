"""Crockford base-32: the alphabet for case numbers and access codes.

Humans read these aloud and type them from paper, so decoding forgives case, hyphens, spaces and the
look-alikes Crockford maps (O→0, I/L→1). The check character is ours, not Crockford's mod-37 one:
Crockford's extra check symbols (* ~ $ = U) are awkward in URLs and on the phone, so we use a
weighted sum modulo 32 with odd weights, which catches every single-character mistake.
"""
from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
_VALUES.update({"O": 0, "I": 1, "L": 1})


def random_symbols(count: int) -> str:
    """`count` random symbols, 5 bits of entropy each."""
    return "".join(secrets.choice(ALPHABET) for _ in range(count))


def normalize(text: str) -> str:
    """Upper-case, drop separators, and map look-alikes to their canonical symbol."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -_\t")
    return "".join(ALPHABET[_VALUES[ch]] if ch in _VALUES else ch for ch in cleaned)


def check_symbol(symbols: str) -> str:
    """The check character for already-normalized Crockford symbols (digits allowed)."""
    total = sum((2 * i + 1) * _VALUES[ch] for i, ch in enumerate(symbols))
    return ALPHABET[total % 32]


def is_crockford(text: str) -> bool:
    return all(ch in _VALUES for ch in text)
