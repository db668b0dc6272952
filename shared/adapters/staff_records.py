"""Staff members as stored documents, the same shape in both stores (the password hash is kept
beside the document, never in the member)."""
from __future__ import annotations

from shared.domain.staff import StaffMember


def staff_to_record(member: StaffMember) -> dict:
    return {"id": member.id, "email": member.email, "email_key": member.email_key,
            "display_name": member.display_name, "roles": sorted(r.value for r in member.roles),
            "department": member.department, "conflicts": list(member.conflicts),
            "active": member.active}


def staff_from_record(record: dict) -> StaffMember:
    return StaffMember(id=record["id"], email=record["email"], display_name=record["display_name"],
                       roles=frozenset(record["roles"]), department=record.get("department", ""),
                       conflicts=tuple(record.get("conflicts", ())),
                       active=record.get("active", True))
