"""Staff password hashing with Argon2id (argon2-cffi): memory-hard, so a stolen hash costs an
attacker memory as well as time per guess. The library's defaults follow RFC 9106's recommended
low-memory profile; its encoded hash carries the parameters and salt."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError


class Argon2Passwords:
    """PasswordHasher port on argon2-cffi."""

    def __init__(self, hasher: PasswordHasher | None = None):
        self._hasher = hasher or PasswordHasher()

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password: str, stored: str) -> bool:
        try:
            return self._hasher.verify(stored, password)
        except (VerificationError, ValueError):
            # A wrong password, or a stored value that is no Argon2 hash (empty: no password set;
            # non-ASCII text): either way the sign-in fails the same way (InvalidHashError and
            # UnicodeEncodeError are ValueErrors).
            return False

    def needs_rehash(self, stored: str) -> bool:
        return self._hasher.check_needs_rehash(stored)
