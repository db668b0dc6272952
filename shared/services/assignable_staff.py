"""Who a case may be assigned to (R10), for the console's assignment form to offer: the active
members holding the handler or supervisor role, with their department. Only members who may
assign or reassign see the list; whether a particular member may take a particular case
(recusal, R23) is the assignment command's own check when it is given."""
from __future__ import annotations

from shared.domain.permissions import Action, Forbidden, allowed
from shared.domain.ports import StaffStore
from shared.domain.staff import Requester, Role

ASSIGNABLE_ROLES = frozenset({Role.HANDLER, Role.SUPERVISOR})


class AssignableStaff:
    """`members(who)` (`Services.assignable_staff`)."""

    def __init__(self, store: StaffStore):
        self._store = store

    def members(self, who: Requester) -> list[dict]:
        """`[{id, display_name, department}]` by department and name. Raises Forbidden for a
        member who may neither assign nor reassign."""
        if not (allowed(who.member, Action.ASSIGN) or allowed(who.member, Action.REASSIGN)):
            raise Forbidden(Action.ASSIGN, who.member.id)
        found = [m for m in self._store.list_staff() if m.active and m.roles & ASSIGNABLE_ROLES]
        return [{"id": m.id, "display_name": m.display_name, "department": m.department}
                for m in sorted(found, key=lambda m: (m.department, m.display_name, m.id))]
