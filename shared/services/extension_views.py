"""What a leader sees of a decision deadline's extension (R13) on a case they may not read.

A confidential case is read only by its assignee, supervisors and auditors; its extension is
approved by a leader. The leader decides on the request alone: the case number and status, the
current decision deadline (and whether it is a guess or stands still for the reporter), and the
request itself — working days, reason, who asked and when — never the subject, description,
reporter or timeline. A member who may read the case gets its full `CaseView` instead.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from shared.domain.case_access import allowed_actions
from shared.domain.cases import Case
from shared.domain.provisional_deadlines import DECISION, shown_provisional
from shared.domain.staff import StaffMember

from .case_views import iso

EXTENSION_ACTIONS = ("approve_extension", "refuse_extension")


@dataclass(frozen=True)
class ExtensionView:
    """The extension request of a case, as a leader who may not read the case sees it."""

    number: str
    status: str
    confidential: bool
    decision_due_at: str | None
    decision_due_provisional: bool
    decision_paused_at: str | None
    extension: dict
    allowed_actions: list[str]

    @classmethod
    def of(cls, case: Case, member: StaffMember) -> ExtensionView:
        return cls(number=case.number, status=case.status.value, confidential=case.confidential,
                   decision_due_at=iso(case.decision_due_at),
                   decision_due_provisional=DECISION in shown_provisional(case),
                   decision_paused_at=iso(case.decision_paused_at),
                   extension=dict(case.extension),
                   allowed_actions=[a for a in allowed_actions(member, case)
                                    if a in EXTENSION_ACTIONS])

    def as_dict(self) -> dict:
        return asdict(self)
