"""Commands of the decision (R12–R16): the handler drafts it, a leader approves compensation above
the threshold, a supervisor approves it (or sends it back) and the case closes with its notice;
the person may appeal once, and the appeal is decided by people other than the original deciders.

The current decision lives on the case as `case.decision`: {"record": `Decision.to_record()`,
"drafted_by", "approved_by", "compensation_approved_by", "compensation_approved_fen", "round"}
(staff ids, amounts in fen, round 0 for the decision and 1 for the appeal's), and, once the person
was told one, "sent" (that record) and "sent_round": what the status page and any later notice show,
while an appeal's new draft waits. Each draft's whole record is also kept in its `decision_drafted`
event, so the timeline holds every version.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .cases import Case, EventType
from .commands import SYSTEM_OR_STAFF, Command, CommandName, actor_kind
from .decisions import DEFAULT_LEADER_THRESHOLD_FEN, Decision, missing_closure_report

C = CommandName


def staff_id(actor: str) -> str:
    """The member's id of a staff actor (`staff:<id>`); "" for the system or the reporter."""
    return actor.removeprefix("staff:") if actor_kind(actor) == "staff" else ""


def compensation_fen(case: Case) -> int:
    """The compensation the case's current decision pays, in fen (0 without a decision)."""
    record = case.decision.get("record")
    return Decision.from_record(record).compensation_fen if record else 0


def _decider_refusal(case: Case, actor: str) -> tuple[str, str]:
    """An appeal is reviewed by someone other than the original deciders (R16)."""
    if case.appeal_round and staff_id(actor) in case.deciders:
        return "original_decider", f"{staff_id(actor)} decided the case the appeal is against"
    return "", ""


@dataclass(frozen=True)
class DraftDecision(Command):
    """The handler's draft (a checked `Decision` record); it replaces any earlier draft and any
    approval given to it."""

    decision: dict = field(default_factory=dict)

    name, event = C.DRAFT_DECISION, EventType.DECISION_DRAFTED

    def details(self, case: Case) -> dict:
        return {"decision": self.decision, "round": case.appeal_round}

    def change(self, case: Case) -> None:
        sent = {key: case.decision[key] for key in ("sent", "sent_round") if key in case.decision}
        case.decision = {"record": self.decision, "drafted_by": staff_id(self.actor),
                         "approved_by": "", "compensation_approved_by": "",
                         "compensation_approved_fen": 0, "round": case.appeal_round, **sent}

    def refusal(self) -> str:
        return super().refusal() or ("" if self.decision else f"{self.name} needs a decision")

    def refusal_on(self, case: Case) -> tuple[str, str]:
        return _decider_refusal(case, self.actor)


@dataclass(frozen=True)
class ApproveCompensation(Command):
    """A leader approves the compensation of the draft, above the threshold (R13)."""

    name, event = C.APPROVE_COMPENSATION, EventType.COMPENSATION_APPROVED

    def details(self, case: Case) -> dict:
        return {"amount_fen": compensation_fen(case)}

    def change(self, case: Case) -> None:
        case.decision = {**case.decision, "compensation_approved_by": staff_id(self.actor),
                         "compensation_approved_fen": compensation_fen(case)}

    def refusal_on(self, case: Case) -> tuple[str, str]:
        if not compensation_fen(case):
            return "no_compensation", "the draft pays no compensation"
        return _decider_refusal(case, self.actor)


@dataclass(frozen=True)
class ApproveDecision(Command):
    """The service centre approves the draft (R12): not its own drafter's approval, and, when the
    compensation is above `leader_threshold_fen`, only after a leader approved that amount."""

    leader_threshold_fen: int = DEFAULT_LEADER_THRESHOLD_FEN

    name, event = C.APPROVE_DECISION, EventType.DECISION_APPROVED

    def details(self, case: Case) -> dict:
        return {"drafted_by": case.decision.get("drafted_by", "")}

    def change(self, case: Case) -> None:
        case.decision = {**case.decision, "approved_by": staff_id(self.actor)}

    def refusal_on(self, case: Case) -> tuple[str, str]:
        if staff_id(self.actor) == case.decision.get("drafted_by"):
            return "own_draft", "a draft is approved by someone other than who drafted it"
        amount = compensation_fen(case)
        if amount > self.leader_threshold_fen and (
                case.decision.get("compensation_approved_fen", 0) < amount):
            return "leader_approval_needed", "the compensation needs a leader's approval first"
        missing = missing_closure_report(case.decision.get("record", {}), case.severity)
        if missing:  # R9: a major case closes with its cause and prevention, a hot one a summary
            return "closure_report_needed", f"the closure report needs: {', '.join(missing)}"
        return _decider_refusal(case, self.actor)


@dataclass(frozen=True)
class SendBack(Command):
    """The service centre sends the draft back with a comment (the reason); it stays as the
    handler's draft, no longer approved by anyone."""

    name, event, needs_reason = C.SEND_BACK, EventType.DECISION_SENT_BACK, True

    def refusal_on(self, case: Case) -> tuple[str, str]:
        return _decider_refusal(case, self.actor)  # nor may they steer the appeal's draft

    def change(self, case: Case) -> None:
        case.decision = {**case.decision, "approved_by": "", "compensation_approved_by": "",
                         "compensation_approved_fen": 0}


@dataclass(frozen=True)
class CloseCase(Command):
    """Given with the approval, once the closure notice is queued; the person may appeal until
    `appeal_until` (R16)."""

    appeal_until: datetime | None = None

    name, event, actors = C.CLOSE_CASE, EventType.CASE_CLOSED, SYSTEM_OR_STAFF

    def details(self, case: Case) -> dict:
        until = self.appeal_until.isoformat() if self.appeal_until else ""
        return {"outcome": case.decision.get("record", {}).get("outcome", ""),
                "appeal_until": until}

    def change(self, case: Case) -> None:
        case.appeal_until = self.appeal_until
        _sent(case)


def _sent(case: Case) -> None:
    """The decision the person is told becomes the one they see (`sent`), whatever is drafted
    later (an appeal's draft is not theirs to read until it is approved); without the closure
    report (R9), which is the organisation's own."""
    told = {k: v for k, v in case.decision.get("record", {}).items() if k != "closure_report"}
    case.decision = {**case.decision, "sent": told, "sent_round": case.appeal_round}


@dataclass(frozen=True)
class AppealDecision(Command):
    """The person asks for a review (R16), `lodged_at` within the window; staff may register an
    appeal made by phone or letter. Once only: the appeal's decision is final. The case leaves its
    handler: a supervisor assigns it to someone who did not decide it."""

    lodged_at: datetime | None = None

    name, event, actors = C.APPEAL_DECISION, EventType.APPEAL_LODGED, frozenset({"reporter", "staff"})
    needs_reason = True

    def details(self, case: Case) -> dict:
        # When the person lodged it: a letter registered days later keeps its own date (R16).
        return {"lodged_at": self.lodged_at.isoformat() if self.lodged_at else ""}

    def change(self, case: Case) -> None:
        decided = (case.decision.get("drafted_by", ""), case.decision.get("approved_by", ""),
                   case.decision.get("compensation_approved_by", ""))
        case.deciders = tuple(dict.fromkeys(one for one in decided if one))
        case.appeal_round = 1
        case.assignee = ""

    def refusal(self) -> str:
        if super().refusal():
            return super().refusal()
        return "" if self.lodged_at else f"{self.name} needs the time it was lodged"

    def refusal_on(self, case: Case) -> tuple[str, str]:
        if case.appeal_round:
            return "appeal_final", "the decision on the appeal is final"
        if case.appeal_until is None or self.lodged_at > case.appeal_until:
            return "appeal_window_closed", "the appeal window closed"
        return "", ""


@dataclass(frozen=True)
class DecideAppeal(Command):
    """Given with the approval of the appeal's decision: its notice is queued, and it is final."""

    name, event = C.DECIDE_APPEAL, EventType.APPEAL_DECIDED

    def details(self, case: Case) -> dict:
        return {"outcome": case.decision.get("record", {}).get("outcome", "")}

    def change(self, case: Case) -> None:
        case.appeal_until = None
        _sent(case)
