"""Satisfaction follow-up (R17): the reporter's rating from the closure notice's link, and the
follow-up calls staff record (回访记录).

The case keeps the latest rating and the follow-up task in `case.follow_up`: {"rating" (1-5),
"comment", "rated_at" (ISO time), "outbox_id" (the notice whose link was used), "round" (0 for
the closure notice, 1 for the appeal's), "rated_notices" (every notice rated: each link rates
once), "task_open", "task_opened_at", and, once staff called, "calls" (the number of follow-up
calls recorded) and "last_call" ({"outcome", "by"})}. A rating of `UNSATISFIED_AT_MOST` or
less opens a follow-up task for the service centre (`follow_up_needed`, one event), unless one
is open already; a recorded call that `closes_task` closes it. The task's queue reads the open
ones oldest first (`task_opened_at`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .cases import SYSTEM, Case, EventType, TimelineEvent
from .commands import Command, CommandName
from .decision_commands import staff_id

C = CommandName

LOWEST, HIGHEST = 1, 5
UNSATISFIED_AT_MOST = 2  # a rating of 1 or 2 comes back to the service centre (R17)
MAX_COMMENT = 2000
MAX_RATED_NOTICES = 10  # the closure notice and the appeal's: bounded far above


class CallOutcome(StrEnum):
    """How a follow-up call went."""

    SATISFIED = "satisfied"
    UNSATISFIED = "unsatisfied"
    UNREACHABLE = "unreachable"  # nobody answered, or the number is wrong
    OTHER = "other"


def task_open(case: Case) -> bool:
    return bool(case.follow_up.get("task_open"))


def task_opened_at(case: Case) -> datetime | None:
    """When the case's open follow-up task opened (the follow-up queue is oldest first by it);
    None without an open task."""
    opened = case.follow_up.get("task_opened_at") if task_open(case) else None
    return datetime.fromisoformat(opened) if opened else None


@dataclass(frozen=True)
class RateHandling(Command):
    """The reporter rates the handling 1-5 from a notice's link (`outbox_id`); the reason is
    their comment. Each notice's link rates once (`already_rated`)."""

    rating: int = 0
    outbox_id: str = ""
    round: int = 0

    name, event, actors = C.RATE_HANDLING, EventType.HANDLING_RATED, frozenset({"reporter"})

    def details(self, case: Case) -> dict:
        return {"rating": self.rating, "outbox_id": self.outbox_id, "round": self.round}

    def refusal(self) -> str:
        if super().refusal():
            return super().refusal()
        if isinstance(self.rating, bool) or not isinstance(self.rating, int) \
                or not LOWEST <= self.rating <= HIGHEST:
            return f"{self.name} needs a rating from {LOWEST} to {HIGHEST}"
        if len(self.reason) > MAX_COMMENT:
            return f"{self.name}: the comment is longer than {MAX_COMMENT} characters"
        return "" if self.outbox_id else f"{self.name} needs the notice it rates"

    def refusal_on(self, case: Case) -> tuple[str, str]:
        rated = case.follow_up.get("rated_notices", [])
        if self.outbox_id in rated:
            return "already_rated", "this notice's link was used to rate the handling already"
        if len(rated) >= MAX_RATED_NOTICES:
            return "already_rated", "the handling of this case was rated already"
        return "", ""

    def change(self, case: Case) -> None:
        rated = [*case.follow_up.get("rated_notices", []), self.outbox_id]
        case.follow_up = {**case.follow_up, "rating": self.rating, "comment": self.reason.strip(),
                          "outbox_id": self.outbox_id, "round": self.round,
                          "rated_notices": rated}


def rated(case: Case, now: datetime) -> None:
    """Complete a rating just applied: its time, and for an unsatisfied one the follow-up task
    for the service centre (one `follow_up_needed` event; none while a task is open)."""
    case.follow_up = {**case.follow_up, "rated_at": now.isoformat()}
    if case.follow_up.get("rating", HIGHEST) > UNSATISFIED_AT_MOST or task_open(case):
        return
    case.follow_up = {**case.follow_up, "task_open": True, "task_opened_at": now.isoformat()}
    case.record(TimelineEvent(EventType.FOLLOW_UP_NEEDED, now, actor=SYSTEM,
                              text="the reporter rated the handling unsatisfactory",
                              data={"rating": case.follow_up["rating"],
                                    "outbox_id": case.follow_up.get("outbox_id", "")}))


@dataclass(frozen=True)
class RecordFollowUp(Command):
    """A follow-up call (回访) by staff: its outcome and a note (the reason). `closes_task` closes
    the open follow-up task (refused when there is none: `no_follow_up_task`)."""

    outcome: CallOutcome = CallOutcome.OTHER
    closes_task: bool = False

    name, event, needs_reason = C.RECORD_FOLLOW_UP, EventType.FOLLOW_UP_RECORDED, True

    def details(self, case: Case) -> dict:
        return {"outcome": self.outcome.value, "closes_task": self.closes_task}

    def refusal_on(self, case: Case) -> tuple[str, str]:
        if self.closes_task and not task_open(case):
            return "no_follow_up_task", "the case has no open follow-up task to close"
        return "", ""

    def change(self, case: Case) -> None:
        follow_up = {**case.follow_up, "calls": case.follow_up.get("calls", 0) + 1,
                     "last_call": {"outcome": self.outcome.value, "by": staff_id(self.actor)}}
        if self.closes_task:
            follow_up = {**follow_up, "task_open": False, "task_closed_by": staff_id(self.actor)}
            follow_up.pop("task_opened_at", None)
        case.follow_up = follow_up
