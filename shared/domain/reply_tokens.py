"""Reply tokens: every message we send carries a per-case reply address,
`report+<case>.<token>@domain`, the token an HMAC of the case number. A reply to it joins that
case even when the mail client drops In-Reply-To and References (QQMail does)."""
from __future__ import annotations

import base64
import hashlib
import hmac

from .access_codes import code_from_digest
from .case_numbers import parse_case_number

TOKEN_CHARS = 16  # 80 bits


def _mac(key: bytes, purpose: str, case_number: str) -> bytes:
    return hmac.new(key, f"{purpose}:{case_number}".encode(), hashlib.sha256).digest()


def reply_token(key: bytes, case_number: str) -> str:
    return base64.b32encode(_mac(key, "reply", case_number)).decode().lower()[:TOKEN_CHARS]


def reply_address(report_address: str, key: bytes, case_number: str) -> str:
    local, _, domain = report_address.partition("@")
    compact = case_number.replace("-", "").lower()
    return f"{local}+{compact}.{reply_token(key, case_number)}@{domain}"


def case_from_reply_address(address: str, report_address: str, key: bytes) -> str | None:
    """The case a reply address belongs to, or None when it is not a valid one of ours."""
    local, _, domain = address.strip().lower().partition("@")
    base_local, _, base_domain = report_address.lower().partition("@")
    if domain != base_domain or not local.startswith(base_local + "+"):
        return None
    compact, _, token = local[len(base_local) + 1 :].partition(".")
    number = parse_case_number(compact)
    given = token.encode("utf-8", "surrogatepass")  # any text: compare_digest refuses non-ASCII str
    if number is None or not hmac.compare_digest(given, reply_token(key, number).encode()):
        return None
    return number


def derived_access_code(key: bytes, case_number: str) -> str:
    """The access code of a case opened by email. Such a reporter never sees a receipt page, so the
    acknowledgment must carry the code; deriving it means the clear code is never stored."""
    return code_from_digest(_mac(key, "access", case_number))
