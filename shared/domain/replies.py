"""Replies to the reporter drafted by a handler and approved by the service centre before they
leave (R12). A draft waits on the case (`case.replies`: {"id", "text", "question", "drafted_by",
"drafted_at"}); approving it removes it and sends it (as `reporter_messaged`, or as
`information_requested` for a question); sending it back removes it with a comment."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .cases import Case, EventType
from .commands import Command, CommandName
from .decision_commands import staff_id

C = CommandName
MAX_WAITING = 5  # drafts waiting at once: the case document stays bounded


def waiting_reply(case: Case, reply_id: str) -> dict | None:
    return next((reply for reply in case.replies if reply.get("id") == reply_id), None)


@dataclass(frozen=True)
class DraftReply(Command):
    """A reply (the reason is its text), or a question when `question` (R11)."""

    reply_id: str = ""
    question: bool = False
    drafted_at: datetime | None = None

    name, event, needs_reason = C.DRAFT_REPLY, EventType.REPLY_DRAFTED, True

    def details(self, case: Case) -> dict:
        return {"reply_id": self.reply_id, "question": self.question}

    def change(self, case: Case) -> None:
        at = self.drafted_at.isoformat() if self.drafted_at else ""
        case.replies = [*case.replies, {"id": self.reply_id, "text": self.reason.strip(),
                                        "question": self.question,
                                        "drafted_by": staff_id(self.actor), "drafted_at": at}]

    def refusal(self) -> str:
        return super().refusal() or ("" if self.reply_id else f"{self.name} needs an id")

    def refusal_on(self, case: Case) -> tuple[str, str]:
        if len(case.replies) >= MAX_WAITING:
            return "too_many_drafts", f"{MAX_WAITING} replies are waiting for approval already"
        return "", ""


@dataclass(frozen=True)
class _DecideOnReply(Command):
    reply_id: str = ""

    def details(self, case: Case) -> dict:
        reply = waiting_reply(case, self.reply_id) or {}
        return {"reply_id": self.reply_id, "drafted_by": reply.get("drafted_by", ""),
                "question": reply.get("question", False)}

    def change(self, case: Case) -> None:
        case.replies = [reply for reply in case.replies if reply.get("id") != self.reply_id]

    def refusal_on(self, case: Case) -> tuple[str, str]:
        reply = waiting_reply(case, self.reply_id)
        if reply is None:
            return "no_such_reply", f"no reply {self.reply_id[:40]!r} is waiting"
        return "", ""


@dataclass(frozen=True)
class ApproveReply(_DecideOnReply):
    """Approved by someone other than its drafter; the service sends it in the same change."""

    name, event = C.APPROVE_REPLY, EventType.REPLY_APPROVED

    def refusal_on(self, case: Case) -> tuple[str, str]:
        code, why = super().refusal_on(case)
        if not code and waiting_reply(case, self.reply_id)["drafted_by"] == staff_id(self.actor):
            return "own_draft", "a reply is approved by someone other than who drafted it"
        return code, why


@dataclass(frozen=True)
class SendBackReply(_DecideOnReply):
    """Not sent: back to the handler with a comment (the reason)."""

    name, event, needs_reason = C.SEND_BACK_REPLY, EventType.REPLY_SENT_BACK, True
