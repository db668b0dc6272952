"""Masking the reporter's identity for staff who do not need it (R20): lists show no identity at
all, a case view shows it masked, and only a reveal (an audited command) shows it in clear."""
from __future__ import annotations

from .cases import ReporterIdentity

LONG_PHONE = 11  # a mainland mobile number; shorter ones keep only their last 2 digits


def mask_name(name: str) -> str:
    """The first character and `**`: 王小明 → 王**, John Smith → J**."""
    name = (name or "").strip()
    return f"{name[0]}**" if name else ""


def mask_email(email: str) -> str:
    """The local part's first character, `***@` and the domain: wang@qq.com → w***@qq.com."""
    email = (email or "").strip()
    local, at, domain = email.rpartition("@")
    if not at or not local:
        return mask_name(email).replace("**", "***")
    return f"{local[0]}***@{domain}"


def mask_phone(phone: str) -> str:
    """The first 3 and last 4 characters around `****` (13812345678 → 138****5678); a shorter
    number shows only its last 2 (12345678 → ******78). Spaces and hyphens are dropped first."""
    digits = "".join(ch for ch in (phone or "") if ch not in " -\u3000")
    if len(digits) >= LONG_PHONE:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) <= 2:
        return "*" * len(digits)
    return "*" * (len(digits) - 2) + digits[-2:]


def masked_identity(identity: ReporterIdentity | None, anonymous: bool) -> dict:
    """What a case view shows of its reporter: masked, and nothing of an anonymous one."""
    if identity is None or anonymous:
        return {"name": "", "email": "", "phone": "", "anonymous": anonymous}
    return {"name": mask_name(identity.name), "email": mask_email(identity.email),
            "phone": mask_phone(identity.phone), "anonymous": False}
