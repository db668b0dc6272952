"""The respondent told of the outcome without the reporter's identity (R20; 「并通知相关用户」), and
corrective actions (纠正措施, 《纠正措施程序》) recorded with an owner and a due date and tracked to
done.

The respondent's notice carries a copy of the decision the reporter was told (`sent`, else the
working `record`), cut to what concerns the respondent (`for_respondent`): never the reporter's
name, address, phone, description, access code or reply token. Corrective actions live on the
case as `case.corrective_actions`, at most `MAX_CORRECTIVE_ACTIONS`, each {"id", "text", "owner",
"due_on", "done_on", "done_note", "recorded_by"} (days as YYYY-MM-DD, "" until done).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .cases import Case, EventType, ReporterIdentity
from .commands import Command, CommandName
from .decision_commands import staff_id
from .decisions import Measure

C = CommandName

MAX_CORRECTIVE_ACTIONS = 20  # the case document stays bounded
# What the respondent is told was done: to their content or account, and what a seller carries
# out. Compensation (the platform pays the reporter), an apology, staff discipline and the
# platform's own corrective action are not theirs to read.
RESPONDENT_MEASURES = frozenset({Measure.CONTENT_REMOVED, Measure.ACCOUNT_WARNED,
                                 Measure.ACCOUNT_RESTRICTED, Measure.ACCOUNT_SUSPENDED,
                                 Measure.ACCOUNT_CLOSED, Measure.REFUND, Measure.REPLACEMENT,
                                 Measure.REPAIR})
# The decision's texts the respondent's notice shows (the redress is the reporter's: the notice
# says how the respondent may contest instead).
_SHOWN_REASONS = ("decided", "scope", "duration", "facts", "automation", "ground")
MIN_NAME = 2  # a one-character "name" would match everywhere


def told_decision(case: Case) -> dict:
    """The decision the reporter was told (`sent`), else the working record; {} without one."""
    return case.decision.get("sent") or case.decision.get("record") or {}


def for_respondent(record: dict) -> dict:
    """The decision as the respondent reads it: the outcome, the measures that concern them,
    what was decided (scope, duration), the facts, the grounds and whether it was automated."""
    reasons = record.get("reasons", {})
    return {
        "outcome": record.get("outcome", ""),
        "measures": [dict(m) for m in record.get("measures", [])
                     if m.get("measure") in RESPONDENT_MEASURES],
        "facts_found": record.get("facts_found", ""),
        "grounds": record.get("grounds", ""),
        "automated": bool(record.get("automated", False)),
        "reasons": {key: reasons[key] for key in _SHOWN_REASONS if reasons.get(key)},
    }


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _texts(item)]
    if isinstance(value, list):
        return [text for item in value for text in _texts(item)]
    return []


def names_reporter(value, identity: ReporterIdentity | None) -> bool:
    """Whether any text in `value` (a string, or a record of them) holds the reporter's name,
    email address or phone number (digits compared without spaces or hyphens)."""
    if identity is None:
        return False
    texts = _texts(value)
    plain = [text.casefold() for text in texts]
    digits = ["".join(ch for ch in text if ch.isdigit()) for text in texts]
    name, email = identity.name.strip().casefold(), identity.email.strip().casefold()
    phone = "".join(ch for ch in identity.phone if ch.isdigit())[-11:]
    return any((len(name) >= MIN_NAME and name in text) or (email and email in text)
               for text in plain) or bool(phone) and any(phone in text for text in digits)


@dataclass(frozen=True)
class NotifyRespondent(Command):
    """Staff tell the respondent the outcome (the reason is their optional note); the event keeps
    the address masked (`address`) and the language. Refused without a decision, or when the
    decision's words name the reporter (`decision_names_reporter`, checked by the service against
    the private record, which the notice itself never sees)."""

    address: str = ""  # masked
    language: str = "zh-CN"
    decision_names_reporter: bool = False

    name, event = C.NOTIFY_RESPONDENT, EventType.RESPONDENT_NOTIFIED

    def details(self, case: Case) -> dict:
        return {"to": self.address, "language": self.language}

    def refusal_on(self, case: Case) -> tuple[str, str]:
        if not told_decision(case):
            return "no_decision", "the case has no decision to tell"
        if self.decision_names_reporter:
            return "decision_names_reporter", "the decision's words name the reporter"
        return "", ""


@dataclass(frozen=True)
class RecordCorrectiveAction(Command):
    """A corrective action (the reason is what is to be done), owned by a staff member, due on a
    day."""

    owner: str = ""
    due_on: date | None = None

    name, event, needs_reason = C.RECORD_CORRECTIVE_ACTION, EventType.CORRECTIVE_ACTION_RECORDED, True

    def details(self, case: Case) -> dict:
        return {"action_id": _next_id(case), "owner": self.owner,
                "due_on": self.due_on.isoformat() if self.due_on else ""}

    def change(self, case: Case) -> None:
        case.corrective_actions = [*case.corrective_actions, {
            "id": _next_id(case), "text": self.reason.strip(), "owner": self.owner,
            "due_on": self.due_on.isoformat() if self.due_on else "", "done_on": "",
            "done_note": "", "recorded_by": staff_id(self.actor)}]

    def refusal(self) -> str:
        if super().refusal():
            return super().refusal()
        return "" if self.owner and self.due_on else f"{self.name} needs an owner and a due day"

    def refusal_on(self, case: Case) -> tuple[str, str]:
        if len(case.corrective_actions) >= MAX_CORRECTIVE_ACTIONS:
            return "too_many_corrective_actions", "the case holds as many corrective actions as it may"
        return "", ""


@dataclass(frozen=True)
class CompleteCorrectiveAction(Command):
    """The action is done (the reason says how), on `done_on`; once."""

    action_id: str = ""
    done_on: date | None = None

    name, event, needs_reason = C.COMPLETE_CORRECTIVE_ACTION, EventType.CORRECTIVE_ACTION_DONE, True

    def details(self, case: Case) -> dict:
        return {"action_id": self.action_id,
                "done_on": self.done_on.isoformat() if self.done_on else ""}

    def change(self, case: Case) -> None:
        case.corrective_actions = [
            {**action, "done_on": self.done_on.isoformat(), "done_note": self.reason.strip()}
            if action["id"] == self.action_id else action for action in case.corrective_actions]

    def refusal(self) -> str:
        if super().refusal():
            return super().refusal()
        return "" if self.done_on else f"{self.name} needs the day it was done"

    def refusal_on(self, case: Case) -> tuple[str, str]:
        action = corrective_action(case, self.action_id)
        if action is None:
            return "no_such_corrective_action", f"no corrective action {self.action_id}"
        if action["done_on"]:
            return "corrective_action_done", f"corrective action {self.action_id} is done already"
        return "", ""


def corrective_action(case: Case, action_id: str) -> dict | None:
    return next((a for a in case.corrective_actions if a["id"] == action_id), None)


def _next_id(case: Case) -> str:
    """Ids are 1, 2, ...: actions are never removed, so the count gives the next one."""
    return str(len(case.corrective_actions) + 1)


def next_corrective_due(case: Case) -> date | None:
    """The earliest due day of the case's open corrective actions (for the deadline sweep that
    reminds owners, issue 10), or None."""
    open_days = [a["due_on"] for a in case.corrective_actions if not a["done_on"] and a["due_on"]]
    return date.fromisoformat(min(open_days)) if open_days else None

