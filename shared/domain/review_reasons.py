"""Why a case is not accepted at the initial review (R6): a fixed list, told to the person in
words (`rejection_grounds` in templates/i18n/*.json)."""
from __future__ import annotations

from enum import StrEnum


class RejectionReason(StrEnum):
    NOT_ABOUT_PLATFORM = "not_about_platform"  # 与本平台无关
    PRIVATE_DISPUTE = "private_dispute"  # 「个人恩怨等私人问题」
    NO_FACTS = "no_facts"  # a report must be specific and give evidence (R3)
    DUPLICATE = "duplicate"  # of another case, named by its number
    ANONYMOUS_COMPLAINT = "anonymous_complaint"  # complaints need a name and contact (R3)
    OTHER = "other"  # the words are the staff member's own text
