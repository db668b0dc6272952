"""Form tokens: each rendering of the hosted form carries a random token, so that the same form
sent twice (a double click, a reload, Back and submit, a resubmission after a lost answer) opens
one case and shows one receipt.

The token itself never leaves the form page and its POST body: a URL ends up in request logs and
history, and whoever holds the token may be shown the receipt. Everything after the POST uses the
form's receipt id (`receipt_id`), an HMAC of the token with the server's secret: the receipt link
carries it, the case registered from the form carries it as a unique key (`form_key`), and the
case's access code is derived from it (`form_access_code`), so the clear code is never stored.
The id is one-way: from a link read in a log nobody learns the token (to post the form again) or
the code (the server's secret derives it, and the receipt page shows it only to the browser that
posted the form).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from .access_codes import code_from_digest

TOKEN_BYTES = 16  # 128 bits: unguessable, so holding one proves you sent that form
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_form_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_form_token(text: str) -> bool:
    """Whether `text` looks like a form token or a receipt id (URL-safe, 16 to 64 symbols)."""
    return bool(_TOKEN.match(text or ""))


def receipt_id(key: bytes, token: str) -> str:
    """The public name of the form that carried `token`: what its receipt link and its case hold.
    43 URL-safe symbols (a SHA-256 HMAC); the token cannot be recovered from it."""
    digest = hmac.new(key, f"receipt:{token}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def form_key(receipt: str) -> str:
    """The unique key the case registered from the form with this receipt id carries."""
    return "form:" + receipt


def form_access_code(key: bytes, receipt: str) -> str:
    """The access code of the case registered from the form with this receipt id."""
    return code_from_digest(hmac.new(key, f"form-access:{receipt}".encode(), hashlib.sha256).digest())
