"""Access codes: the reporter's key to their case, like a receipt (R20).

Sixteen random Crockford symbols (80 bits) in groups of four. The code is shown once and stored only
as a hash. With 80 random bits a fast hash is enough: there is nothing to guess from a leaked hash
that brute force could reach, and the case number salts it.
"""
from __future__ import annotations

import hashlib
import hmac

from . import crockford

SYMBOLS = 16


def new_access_code() -> str:
    return _grouped(crockford.random_symbols(SYMBOLS))


def code_from_digest(digest: bytes) -> str:
    """The access code a MAC spells: its first 16 bytes, one Crockford symbol each (the low five
    bits). Codes derived this way (email cases, forms) are never stored in clear."""
    return _grouped("".join(crockford.ALPHABET[b % 32] for b in digest[:SYMBOLS]))


def _grouped(symbols: str) -> str:
    return "-".join(symbols[i : i + 4] for i in range(0, SYMBOLS, 4))


def hash_access_code(case_number: str, code: str) -> str:
    normalized = crockford.normalize(code)
    # surrogatepass: whatever text a caller passes hashes (and fails to match), never raises
    return hashlib.sha256(f"{case_number}:{normalized}".encode("utf-8", "surrogatepass")).hexdigest()


def access_code_matches(case_number: str, code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_access_code(case_number, code), stored_hash)
