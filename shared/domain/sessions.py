"""Staff sessions of the local sign-in: a random bearer token handed to the client once, of which
only the SHA-256 is stored, so a copy of the store signs nobody in."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from .errors import DomainError, NotSignedIn

__all__ = ["NotSignedIn", "Session", "SignInFailed", "new_token", "token_hash"]

TOKEN_BYTES = 32  # 256 bits: not guessable, so a fast hash (no salt, no KDF) is enough to store it


def new_token() -> str:
    """A fresh random session token (URL-safe text)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The form under which a token is stored and looked up (SHA-256, hex)."""
    # surrogatepass: a token comes from a request header; odd text hashes (and fails), never crashes
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Session:
    """A signed-in staff member's session. `token` is set only on the session that sign-in
    returns (the client's one copy); stores keep `token_hash` and never the token."""

    token_hash: str
    staff_id: str
    created_at: datetime
    expires_at: datetime
    client: str = ""
    token: str = field(default="", repr=False, compare=False)

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


class SignInFailed(DomainError):
    """Wrong email or password, or a member who may not sign in: deliberately one error."""
