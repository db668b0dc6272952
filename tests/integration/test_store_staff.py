"""Staff storage, one contract on every store (SQLite and the Firestore emulator)."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from shared.adapters.sqlite_store import SqliteCaseStore
from shared.domain.staff import Role, StaffEmailTaken
from tests.support.staff_builders import staff_member


def test_a_member_reads_back_as_written(store):
    member = staff_member(roles={Role.HANDLER, Role.SUPERVISOR}, conflicts=("张三", "acct-42"))
    store.put_staff(member, password_hash="$argon2id$stored")
    assert store.get_staff(member.id) == member
    assert store.staff_password_hash(member.id) == "$argon2id$stored"
    assert store.get_staff("nobody") is None
    assert store.staff_password_hash("nobody") == ""


def test_a_member_is_found_by_email_in_any_letter_case(store):
    member = staff_member(email="Li.Si@Example.COM")
    store.put_staff(member)
    assert store.staff_by_email("li.si@example.com") == member
    assert store.staff_by_email(" LI.SI@EXAMPLE.COM ") == member
    assert store.staff_by_email("li.si@example.org") is None


def test_an_email_belongs_to_one_member_only(store):
    first = staff_member(email="desk@example.com")
    store.put_staff(first)
    second = staff_member(email="DESK@example.com")
    with pytest.raises(StaffEmailTaken):
        store.put_staff(second, password_hash="$argon2id$x")
    assert store.get_staff(second.id) is None  # nothing written
    assert store.staff_by_email("desk@example.com") == first


def test_replacing_a_member_keeps_the_password_unless_a_new_one_is_given(store):
    member = staff_member()
    store.put_staff(member, password_hash="$argon2id$first")
    promoted = dataclasses.replace(member, roles=frozenset({Role.LEADER}), active=False)
    store.put_staff(promoted)
    assert store.get_staff(member.id) == promoted
    assert store.staff_password_hash(member.id) == "$argon2id$first"
    store.put_staff(promoted, password_hash="$argon2id$second")
    assert store.staff_password_hash(member.id) == "$argon2id$second"


def test_a_changed_email_frees_the_old_one(store):
    member = staff_member(email="old@example.com")
    store.put_staff(member)
    moved = dataclasses.replace(member, email="new@example.com")
    store.put_staff(moved)
    assert store.staff_by_email("new@example.com") == moved
    assert store.staff_by_email("old@example.com") is None
    newcomer = staff_member(email="Old@example.com")
    store.put_staff(newcomer)
    assert store.staff_by_email("old@example.com") == newcomer


def test_every_member_is_listed_by_id(store):
    assert store.list_staff() == []
    members = [staff_member(id=f"s-{n}", roles={role}) for n, role in zip((3, 1, 2), Role)]
    for member in members:
        store.put_staff(member)
    assert store.list_staff() == sorted(members, key=lambda m: m.id)


FIRST_VERSION_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "first_version.sqlite3"


def test_a_file_of_the_first_version_gains_the_staff_table(tmp_path):
    path = tmp_path / "old.sqlite3"
    shutil.copyfile(FIRST_VERSION_FILE, path)
    store = SqliteCaseStore(path)
    member = staff_member()
    store.put_staff(member, password_hash="$argon2id$x")
    assert SqliteCaseStore(path).staff_by_email(member.email) == member  # reopened: no rerun
