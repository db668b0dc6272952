"""Staff: the people who handle cases, their roles and the conflicts they declared (R23)."""
from __future__ import annotations

import dataclasses
from enum import StrEnum

from .errors import DomainError


class Role(StrEnum):
    """What a staff member is there for; a member may hold several."""

    CLERK = "clerk"            # registers offline cases, triages new ones
    HANDLER = "handler"        # works the cases assigned to them
    SUPERVISOR = "supervisor"  # the service centre (客服中心): approves, reassigns, sees all
    LEADER = "leader"          # major cases, approvals above thresholds
    AUDITOR = "auditor"        # read-only, sees the audit chain
    ADMIN = "admin"            # manages staff and settings


@dataclasses.dataclass(frozen=True)
class StaffMember:
    """A person who may act on cases. `conflicts` are the names or ids of people and accounts the
    member declared they must not handle; an inactive member may do nothing."""

    id: str
    email: str
    display_name: str
    roles: frozenset[Role]
    department: str = ""
    conflicts: tuple[str, ...] = ()
    active: bool = True

    def __post_init__(self) -> None:
        if not self.id.strip() or "/" in self.id:
            raise InvalidStaffMember("id")  # also a Firestore document id
        if "@" not in self.email:
            raise InvalidStaffMember("email")
        object.__setattr__(self, "roles", frozenset(Role(r) for r in self.roles))
        object.__setattr__(self, "conflicts", tuple(self.conflicts))

    @property
    def email_key(self) -> str:
        return email_key(self.email)

    def declared_conflict_with(self, party: str) -> bool:
        """Whether the member declared a conflict with this name, id or account (any case,
        surrounding spaces ignored)."""
        wanted = party.strip().casefold()
        return bool(wanted) and any(c.strip().casefold() == wanted for c in self.conflicts)


@dataclasses.dataclass(frozen=True)
class Requester:
    """Who asks a staff command and from where: the signed-in member and the client address the
    request came from (the audit record's "from where", R20)."""

    member: StaffMember
    client: str = ""

    @property
    def actor(self) -> str:
        """The actor name the member's events carry (`cases.staff_actor`)."""
        return f"staff:{self.member.id}"


def email_key(email: str) -> str:
    """The form under which an email address identifies one staff member: addresses differing
    only in case (or surrounding spaces) are the same person."""
    return email.strip().lower()


class InvalidStaffMember(DomainError):
    """A staff record with a missing or malformed field (named in the message)."""


class StaffEmailTaken(DomainError):
    """Another staff member already has this email address (compared case-insensitively)."""
