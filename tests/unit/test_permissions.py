"""The role table: docs/permissions.md equals the code's table, and every (role × action) cell of
the page is what `authorize` does."""
from __future__ import annotations

import pytest

from shared.domain.permissions import PERMISSIONS, Action, Forbidden, allowed, authorize
from shared.domain.staff import Role
from shared.settings import PROJECT_ROOT
from tests.support.staff_builders import staff_member

DOC = PROJECT_ROOT / "docs" / "permissions.md"


def _documented_table() -> dict[str, set[str]]:
    """{action: roles ticked} from the page's table (the one whose header starts `| action |`)."""
    lines = [line.strip() for line in DOC.read_text(encoding="utf-8").splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("| action |"))
    header = [cell.strip() for cell in lines[start].strip("|").split("|")]
    table = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == len(header), line
        table[cells[0].strip("`")] = {role for role, cell in zip(header[1:], cells[1:]) if cell}
        assert all(cell in ("", "✓") for cell in cells[1:]), line
    return table


DOCUMENTED = _documented_table()


def test_the_page_shows_exactly_the_code_table():
    in_code = {action.value: {role.value for role in roles} for action, roles in PERMISSIONS.items()}
    assert DOCUMENTED == in_code


def test_every_action_and_role_is_in_the_table():
    assert set(PERMISSIONS) == set(Action)
    assert set().union(*PERMISSIONS.values()) == set(Role)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_each_cell(role, action):
    member = staff_member(roles={role})
    if role.value in DOCUMENTED[action.value]:
        authorize(member, action)
        assert allowed(member, action)
    else:
        with pytest.raises(Forbidden) as refused:
            authorize(member, action)
        assert refused.value.action is action
        assert action.value in str(refused.value)


def test_several_roles_allow_what_any_of_them_allows():
    member = staff_member(roles={Role.AUDITOR, Role.ADMIN})
    authorize(member, Action.READ_AUDIT_CHAIN)
    authorize(member, Action.MANAGE_STAFF)
    with pytest.raises(Forbidden):
        authorize(member, Action.ASSIGN)


@pytest.mark.parametrize("action", list(Action))
def test_an_inactive_member_may_do_nothing(action):
    member = staff_member(roles=set(Role), active=False)
    with pytest.raises(Forbidden):
        authorize(member, action)
