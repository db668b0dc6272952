"""What waits on a case for someone's approval (R12, R13): replies to the reporter waiting for
the service centre, a drafted decision waiting for its approval (and, above the threshold, a
leader's approval of its compensation first), an extension of the decision deadline waiting for a
leader. The approvals inbox lists the cases where any of these waits: `awaits_approval` is what
the stores index (the `approval` queue, oldest received first), `waiting` what the inbox shows.
"""
from __future__ import annotations

from dataclasses import dataclass

from .cases import Case, Status
from .decision_commands import compensation_fen
from .extensions import REQUESTED

REPLY, DECISION, COMPENSATION, EXTENSION = "reply", "decision", "compensation", "extension"


def awaits_approval(case: Case) -> bool:
    """Whether anything on the case waits for an approval (the stores' `approval` queue)."""
    return bool(case.replies) or case.status is Status.DECISION_DRAFTED \
        or case.extension.get("state") == REQUESTED


@dataclass(frozen=True)
class Waiting:
    """One thing waiting on a case: what (REPLY, DECISION, COMPENSATION, EXTENSION), who asked,
    when (ISO text as stored, or ""), and its particulars (a reply's id, an amount, days)."""

    what: str
    by: str = ""
    since: str = ""
    reply_id: str = ""
    amount_fen: int = 0
    working_days: int = 0
    leader_first: bool = False  # a decision whose compensation waits for a leader first


def waiting(case: Case, leader_threshold_fen: int) -> list[Waiting]:
    """Everything waiting on the case for an approval, whoever gives it."""
    found = [Waiting(REPLY, r.get("drafted_by", ""), r.get("drafted_at", ""), r.get("id", ""))
             for r in case.replies]
    if case.status is Status.DECISION_DRAFTED:
        amount = compensation_fen(case)
        drafted_by = case.decision.get("drafted_by", "")
        leader_first = amount > leader_threshold_fen and \
            case.decision.get("compensation_approved_fen", 0) < amount
        if leader_first:
            found.append(Waiting(COMPENSATION, drafted_by, amount_fen=amount))
        found.append(Waiting(DECISION, drafted_by, amount_fen=amount, leader_first=leader_first))
    if case.extension.get("state") == REQUESTED:
        found.append(Waiting(EXTENSION, case.extension.get("requested_by", ""),
                             case.extension.get("requested_at", ""),
                             working_days=case.extension.get("working_days", 0)))
    return found
