"""Staff members: their address key, declared conflicts and required fields."""
from __future__ import annotations

import pytest

from shared.domain.staff import InvalidStaffMember, Role, email_key
from tests.support.staff_builders import staff_member


def test_addresses_differing_in_case_or_spaces_are_one_key():
    assert email_key(" Li.Si@Example.COM ") == email_key("li.si@example.com")
    assert staff_member(email="A@B.cn").email_key == "a@b.cn"


def test_a_declared_conflict_matches_whatever_the_case_and_spaces():
    member = staff_member(conflicts=("张三", "Acct-42"))
    assert member.declared_conflict_with(" acct-42 ")
    assert member.declared_conflict_with("张三")
    assert not member.declared_conflict_with("李四")
    assert not member.declared_conflict_with("  ")


def test_roles_are_read_from_their_names():
    assert staff_member(roles=["clerk", "auditor"]).roles == {Role.CLERK, Role.AUDITOR}
    with pytest.raises(ValueError):
        staff_member(roles=["janitor"])


@pytest.mark.parametrize("field, value", [("id", " "), ("id", "a/b"), ("email", "no-at-sign")])
def test_a_member_needs_an_id_and_an_address(field, value):
    with pytest.raises(InvalidStaffMember, match=field):
        staff_member(**{field: value})
