"""Who the console offers to assign a case to: active handlers and supervisors, by department,
shown only to members who may assign or reassign (both stores)."""
from __future__ import annotations

import pytest

from shared.domain.permissions import Forbidden
from shared.domain.staff import Requester, Role
from shared.services.assignable_staff import AssignableStaff
from tests.support.staff_builders import staff_member


def test_active_handlers_and_supervisors_are_offered_to_those_who_assign(store):
    def put(*roles, **fields):
        member = staff_member(roles=roles, **fields)
        store.put_staff(member)
        return member

    handler = put(Role.HANDLER, department="运营部", display_name="乙")
    supervisor = put(Role.SUPERVISOR, department="客服中心", display_name="甲")
    put(Role.HANDLER, department="运营部", active=False)
    put(Role.CLERK, department="客服中心")
    offered = AssignableStaff(store).members(Requester(supervisor, "test"))
    assert [m["id"] for m in offered] == [supervisor.id, handler.id]  # by department
    assert offered[1] == {"id": handler.id, "display_name": "乙", "department": "运营部"}
    leader = put(Role.LEADER)  # reassigns
    assert len(AssignableStaff(store).members(Requester(leader, "test"))) == 2
    with pytest.raises(Forbidden):
        AssignableStaff(store).members(Requester(put(Role.CLERK), "test"))
