"""Who is asking: the active staff member behind a verified identity. The identity provider says
who a person is; only our staff records say whether that person may act here."""
from __future__ import annotations

from shared.domain.errors import NotStaff
from shared.domain.ports import IdentityVerifier, StaffStore
from shared.domain.staff import StaffMember


class StaffIdentity:
    """Turns a signed identity assertion into the staff member it names."""

    def __init__(self, staff: StaffStore, verifier: IdentityVerifier):
        self._staff = staff
        self._verifier = verifier

    def member(self, assertion: str) -> StaffMember:
        """The active member the assertion names. Raises NotSignedIn for an assertion that does
        not verify, NotStaff for a verified person who is not (or no longer) staff."""
        return active_member(self._staff, self._verifier.verified_email(assertion))


def active_member(staff: StaffStore, email: str) -> StaffMember:
    """The active member with this address (any letter case). Raises NotStaff when there is none
    or they were deactivated: a Google account alone grants nothing."""
    member = staff.staff_by_email(email)
    if member is None or not member.active:
        raise NotStaff("not an active staff member")  # the same answer: no one learns who exists
    return member
