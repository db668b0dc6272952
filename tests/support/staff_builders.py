"""Builders for staff members in tests."""
from __future__ import annotations

import uuid

from shared.domain.staff import Role, StaffMember


def staff_member(roles=(Role.HANDLER,), **overrides) -> StaffMember:
    """A member with a fresh id and address, holding `roles`."""
    tag = uuid.uuid4().hex[:8]
    fields = dict(id=f"s-{tag}", email=f"Handler.{tag}@Example.com", display_name="李四",
                  roles=frozenset(roles), department="customer-service", conflicts=("张三",))
    fields.update(overrides)
    return StaffMember(**fields)
