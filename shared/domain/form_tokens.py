"""Form tokens: each rendering of the hosted form carries a random token, so that the same form
sent twice (a double click, a reload, Back and submit, a resubmission after a lost answer) opens
one case and shows one receipt.

The token is registered with the case as a unique key (`form_key`); a second registration with it
is refused and finds the first case. The case's access code is derived from the token with the
server's secret (`form_access_code`), so whoever holds the token — the person whose browser sent
the form — can be shown the receipt again, code included, while the clear code is never stored.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from .crockford import ALPHABET

TOKEN_BYTES = 16  # 128 bits: unguessable, so holding one proves you sent that form
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_form_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_form_token(text: str) -> bool:
    return bool(_TOKEN.match(text or ""))


def form_key(token: str) -> str:
    """The unique key the case registered from this form carries."""
    return "form:" + token


def form_access_code(key: bytes, token: str) -> str:
    """The access code of the case registered from the form that carried `token`."""
    digest = hmac.new(key, f"form-access:{token}".encode(), hashlib.sha256).digest()
    symbols = "".join(ALPHABET[b % 32] for b in digest[:16])
    return "-".join(symbols[i : i + 4] for i in range(0, 16, 4))
