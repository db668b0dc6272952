"""Whom a case may be assigned to (R10) and who must stand aside (recusal, R23).

The assignee must be an active staff member holding the handler or supervisor role. Nobody
handles a case about their own conduct or about someone they declared a conflict with; a case
about a staff member's conduct goes to a supervisor, by name, from a department other than that
member's, and never to that member's department.
"""
from __future__ import annotations

from dataclasses import dataclass

from shared.domain.cases import Case
from shared.domain.errors import CommandRefused
from shared.domain.ports import StaffStore
from shared.domain.staff import Role, StaffMember

from .case_input import MAX_NAME, Checked

HANDLING_ROLES = frozenset({Role.HANDLER, Role.SUPERVISOR})


@dataclass(frozen=True)
class Assignment:
    """Who is to handle the case: a member (or none) and a department (or none)."""

    assignee: str
    department: str


def checked_assignment(staff: StaffStore, case: Case, assignee, department,
                       checked: Checked) -> Assignment:
    """The assignment asked for, its assignee looked up and checked (errors go to `checked`);
    raises CommandRefused naming the rule when recusal forbids it. Without a department, the
    case goes to the assignee's."""
    assignee = checked.text("assignee", assignee, required=False, limit=MAX_NAME)
    department = checked.text("department", department, required=False, limit=MAX_NAME)
    if not assignee and not department and not checked.errors:
        checked.fail("assignee", "required")
    member = staff.get_staff(assignee) if assignee else None
    if assignee and member is None:
        checked.fail("assignee", "unknown")
    elif member is not None and not member.active:
        checked.fail("assignee", "inactive")
    elif member is not None and not member.roles & HANDLING_ROLES:
        checked.fail("assignee", "not_a_handler")
    checked.done()
    department = department or (member.department if member else "")
    refusal = recusal(staff, case, member, department)
    if refusal:
        raise CommandRefused(refusal)
    return Assignment(assignee, department)


def recusal(staff: StaffStore, case: Case, member: StaffMember | None, department: str) -> str:
    """Why R23 forbids this assignment; empty when it does not."""
    if member is not None:
        if member.id == case.about_staff:
            return f"recusal: the case is about {member.id}'s own conduct (R23)"
        for party in (case.respondent, case.about_staff):
            if member.declared_conflict_with(party):
                return f"recusal: {member.id} declared a conflict with {party} (R23)"
    if not case.about_staff:
        return ""
    subject = staff.get_staff(case.about_staff)
    subject_department = subject.department if subject else ""
    if member is None or Role.SUPERVISOR not in member.roles:
        return ("recusal: a case about a staff member's conduct is assigned to a supervisor by "
                "name (R23)")
    if subject_department and subject_department in (member.department, department):
        return (f"recusal: a case about a staff member's conduct goes to a supervisor outside "
                f"{subject_department} (R23)")
    return ""
