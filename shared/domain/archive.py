"""The archive (R18): a closed case kept read-only with everything that happened, and its export
as one document for a regulator or a court (each export recorded).

A closed case is archived once its appeal window is over (the deadline sweep does it; until then
a supervisor, `ArchiveClosedCase`). Inside the window it is refused (`appeal_window_open`) unless
the supervisor forces it with a reason — the person could no longer appeal a case that is only
read. Replies still waiting for approval would never leave an archived case: refused too
(`replies_waiting`), forced or not. Once archived, the lifecycle table allows only what records a
read: notes, reveals, confidentiality, confidential reads and exports.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .cases import Case, EventType
from .commands import ArchiveCase, Command, CommandName

C = CommandName

EXPORT_WHATS = ("case", "raw_mail")  # the whole case as one document; one raw email


@dataclass(frozen=True)
class ArchiveClosedCase(ArchiveCase):
    """A supervisor archives a closed case at `at`; `force` (with a reason) archives it before
    its appeal window closed."""

    at: datetime | None = None
    force: bool = False

    def details(self, case: Case) -> dict:
        if not self.force:
            return {}
        until = case.appeal_until.isoformat() if case.appeal_until else ""
        return {"forced": True, "appeal_until": until}

    def refusal(self) -> str:
        if super().refusal():
            return super().refusal()
        if self.at is None:
            return f"{self.name} needs the time it is given"
        if self.force and not self.reason.strip():
            return f"{self.name} before the appeal window closed needs a reason"
        return ""

    def refusal_on(self, case: Case) -> tuple[str, str]:
        if case.replies:
            return "replies_waiting", "replies waiting for approval would never be sent"
        if any(not action.get("done_on") for action in case.corrective_actions):
            return "corrective_actions_open", "open corrective actions could never be completed"
        if not self.force and case.appeal_until is not None and self.at < case.appeal_until:
            return "appeal_window_open", f"the person may appeal until {case.appeal_until}"
        return "", ""


@dataclass(frozen=True)
class RecordExport(Command):
    """Something of the case left the system as a file (`what`): the whole case as one document
    (`format`, `language`, the events it holds up to `through_seq`, this one's included), or one
    of its raw emails (`raw_key`, its place `index` in the case's list). Allowed in every status:
    an archived case is exported too."""

    what: str = "case"
    format: str = "html"
    language: str = ""
    index: int = 0
    raw_key: str = ""

    name, event = C.RECORD_EXPORT, EventType.CASE_EXPORTED

    def details(self, case: Case) -> dict:
        if self.what == "raw_mail":
            return {"exported": self.what, "index": self.index, "raw": self.raw_key}
        return {"exported": self.what, "format": self.format, "language": self.language,
                "through_seq": case.event_count + 1}

    def refusal(self) -> str:
        if super().refusal():
            return super().refusal()
        return "" if self.what in EXPORT_WHATS else f"{self.name} of {self.what!r}: unknown"
