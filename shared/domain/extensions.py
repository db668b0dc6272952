"""Extending the decision deadline (R13: "a department may extend it once, with a reason, approved
by a leader").

The handler or a supervisor asks for `working_days` more with a reason (`RequestExtension`); a
leader other than the one who asked approves (`ApproveExtension`, which moves `decision_due_at`)
or refuses it with a reason (`RefuseExtension`). Once one was approved the case has used its
extension (`extension_used`); a refused request uses nothing, and a new one may be made. All of
it only while the decision is not yet approved (`lifecycle.TRANSITIONS`) and the case has a
decision deadline of its own. The request lives on the case as `case.extension` (plain values):
{"working_days", "reason", "requested_by", "requested_at", "state": requested | approved |
refused, and once decided "decided_by", "decided_at", with "due_from"/"due_to" when approved or
"refusal" when refused}.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .cases import Case, EventType
from .commands import Command, CommandName
from .decision_clock import deciding
from .decision_commands import staff_id

C = CommandName
MAX_EXTENSION_WORKING_DAYS = 30  # an extension longer than two ordinary decision periods is not one
REQUESTED, APPROVED, REFUSED = "requested", "approved", "refused"


def _pending(case: Case) -> bool:
    return case.extension.get("state") == REQUESTED


def open_to(case: Case) -> tuple[bool, bool]:
    """(whether an extension may be asked for, whether one waits for a leader): for staff
    screens, which offer only what would not be refused."""
    return not RequestExtension("").refusal_on(case)[0], _pending(case)


def _decider_refusal(case: Case, actor: str) -> tuple[str, str]:
    """A leader decides a request that is waiting, and not one they made themselves."""
    if not _pending(case):
        return "no_extension_requested", "no extension of the decision deadline is waiting"
    if staff_id(actor) == case.extension.get("requested_by"):
        return "own_request", "an extension is approved by someone other than who asked for it"
    return "", ""


@dataclass(frozen=True)
class RequestExtension(Command):
    """Ask for `working_days` more to decide; the reason is told to the reporter if approved."""

    working_days: int = 0
    requested_at: datetime | None = None

    name, event, needs_reason = C.REQUEST_EXTENSION, EventType.EXTENSION_REQUESTED, True

    def details(self, case: Case) -> dict:
        return {"working_days": self.working_days,
                "due_at": case.decision_due_at.isoformat() if case.decision_due_at else ""}

    def change(self, case: Case) -> None:
        case.extension = {"working_days": self.working_days, "reason": self.reason.strip(),
                          "requested_by": staff_id(self.actor), "state": REQUESTED,
                          "requested_at": self.requested_at.isoformat()
                          if self.requested_at else ""}

    def refusal(self) -> str:
        if super().refusal():
            return super().refusal()
        if not 1 <= self.working_days <= MAX_EXTENSION_WORKING_DAYS:
            return f"{self.name} is 1 to {MAX_EXTENSION_WORKING_DAYS} working days"
        return ""

    def refusal_on(self, case: Case) -> tuple[str, str]:
        if case.extension.get("state") == APPROVED:
            return "extension_used", "the decision deadline was extended once already"
        if _pending(case):
            return "extension_pending", "an extension is waiting for a leader already"
        if not deciding(case):
            return "no_decision_deadline", "the case has no decision deadline to extend"
        return "", ""


@dataclass(frozen=True)
class ApproveExtension(Command):
    """A leader approves the waiting request: the decision is now due `decision_due_at` (the
    service counts it on the calendar from the current deadline). The event's text is the
    request's reason, as the reporter is told it."""

    decision_due_at: datetime | None = None
    decided_at: datetime | None = None

    name, event = C.APPROVE_EXTENSION, EventType.EXTENSION_APPROVED

    def details(self, case: Case) -> dict:
        return {"working_days": case.extension.get("working_days", 0),
                "reason": case.extension.get("reason", ""),
                "requested_by": case.extension.get("requested_by", ""),
                "due_from": case.decision_due_at.isoformat() if case.decision_due_at else "",
                "due_to": self.decision_due_at.isoformat() if self.decision_due_at else ""}

    def change(self, case: Case) -> None:
        before = case.decision_due_at
        case.extension = {**case.extension, "state": APPROVED, "decided_by": staff_id(self.actor),
                          "decided_at": self.decided_at.isoformat() if self.decided_at else "",
                          "due_from": before.isoformat(),
                          "due_to": self.decision_due_at.isoformat()}
        case.decision_due_at = self.decision_due_at
        # The sweep looks at once and counts the new deadline's reminder with its own rules (a
        # paused clock keeps it still until the answer).
        case.next_due_at = self.decided_at or case.next_due_at

    def refusal_on(self, case: Case) -> tuple[str, str]:
        code, why = _decider_refusal(case, self.actor)
        if code:
            return code, why
        if (not deciding(case) or self.decision_due_at is None
                or self.decision_due_at <= case.decision_due_at):
            return "no_decision_deadline", "the new deadline must come after the current one"
        return "", ""


@dataclass(frozen=True)
class RefuseExtension(Command):
    """A leader refuses the waiting request, with a reason (for staff: the reporter is told
    nothing, as nothing changed for them)."""

    decided_at: datetime | None = None

    name, event, needs_reason = C.REFUSE_EXTENSION, EventType.EXTENSION_REFUSED, True

    def details(self, case: Case) -> dict:
        return {"working_days": case.extension.get("working_days", 0),
                "requested_by": case.extension.get("requested_by", "")}

    def change(self, case: Case) -> None:
        case.extension = {**case.extension, "state": REFUSED, "decided_by": staff_id(self.actor),
                          "decided_at": self.decided_at.isoformat() if self.decided_at else "",
                          "refusal": self.reason.strip()}

    def refusal_on(self, case: Case) -> tuple[str, str]:
        return _decider_refusal(case, self.actor)
