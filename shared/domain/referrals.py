"""Referral out: a case passed to an authority outside the platform. Seed policy:
「涉及法律问题的,应当及时报送有关部门处理。」 The referral is recorded on the case (which authority,
on which day, their reference); it is for staff, not told to the reporter by itself."""
from __future__ import annotations

from enum import StrEnum


class Authority(StrEnum):
    PUBLIC_SECURITY = "public_security"  # 公安机关
    CAC = "cac"  # 网信部门 (Cyberspace Administration)
    MARKET_REGULATOR = "market_regulator"  # 市场监督管理部门
    COURT = "court"  # 人民法院
    PROCURATORATE = "procuratorate"  # 人民检察院
    OTHER = "other"  # named in the referral's note
