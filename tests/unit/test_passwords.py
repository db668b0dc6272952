"""Staff passwords through the PasswordHasher port on real Argon2id."""
from __future__ import annotations

from argon2 import PasswordHasher

from shared.adapters.passwords import Argon2Passwords

PASSWORD = "correct horse 电池 staple"


def test_the_right_password_verifies_and_a_wrong_one_does_not():
    passwords = Argon2Passwords()
    stored = passwords.hash(PASSWORD)
    assert passwords.verify(PASSWORD, stored)
    assert not passwords.verify(PASSWORD + " ", stored)
    assert not passwords.verify("", stored)


def test_the_hash_is_memory_hard_salted_and_holds_no_password():
    passwords = Argon2Passwords()
    first, second = passwords.hash(PASSWORD), passwords.hash(PASSWORD)
    assert first.startswith("$argon2id$") and "m=65536" in first  # 64 MiB per guess
    assert PASSWORD not in first and "staple" not in first
    assert first != second  # a fresh salt each time


def test_a_missing_or_malformed_stored_hash_never_verifies():
    passwords = Argon2Passwords()
    assert not passwords.verify(PASSWORD, "")
    assert not passwords.verify(PASSWORD, PASSWORD)


def test_a_hash_made_with_weaker_parameters_needs_rehashing():
    weak = Argon2Passwords(PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))
    passwords = Argon2Passwords()
    old = weak.hash(PASSWORD)
    assert passwords.verify(PASSWORD, old)  # still signs in ...
    assert passwords.needs_rehash(old)  # ... and is then hashed again
    assert not passwords.needs_rehash(passwords.hash(PASSWORD))
