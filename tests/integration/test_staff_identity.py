"""Signed-in people mapped to staff records: real IAP-style assertions (verified over loopback),
on every store (SQLite and the Firestore emulator)."""
from __future__ import annotations

import dataclasses

import pytest

from shared.domain.errors import NotSignedIn, NotStaff
from shared.domain.staff import Role
from shared.services.staff_identity import StaffIdentity
from tests.support.iap_keys import SigningKey, serving_public_keys, verifier_for
from tests.support.staff_builders import staff_member

IAP_KEY = SigningKey("iap-key-1")


@pytest.fixture(scope="module")
def verifier():
    with serving_public_keys(IAP_KEY) as url:
        yield verifier_for(url)


def test_an_active_member_is_found_by_the_verified_email_in_any_letter_case(store, verifier):
    member = staff_member(roles={Role.SUPERVISOR}, email="Wang.Wu@Example.com")
    store.put_staff(member)
    signed_in = IAP_KEY.assertion(email="accounts.google.com:wang.wu@example.COM")
    assert StaffIdentity(store, verifier).member(signed_in) == member


def test_a_person_without_a_staff_record_is_not_staff(store, verifier):
    store.put_staff(staff_member(email="desk@example.com"))
    with pytest.raises(NotStaff):
        StaffIdentity(store, verifier).member(IAP_KEY.assertion(email="stranger@example.com"))


def test_a_deactivated_member_is_not_staff(store, verifier):
    member = staff_member(email="left@example.com")
    store.put_staff(dataclasses.replace(member, active=False))
    with pytest.raises(NotStaff):
        StaffIdentity(store, verifier).member(IAP_KEY.assertion(email="left@example.com"))


def test_a_staff_address_in_an_assertion_that_does_not_verify_is_not_signed_in(store, verifier):
    member = staff_member(email="desk@example.com")
    store.put_staff(member)
    expired = IAP_KEY.assertion(email="desk@example.com", iat=1_000_000, exp=1_000_600)
    with pytest.raises(NotSignedIn):
        StaffIdentity(store, verifier).member(expired)
