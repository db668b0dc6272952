"""The case lifecycle: one table of (status, command) → status, and `apply`, the only code that
changes a case's status or severity.

Every command names its actor (`SYSTEM`, `REPORTER` or `staff_actor(id)`) and a reason, and is
recorded as one past-tense event carrying both. A command the current status does not allow
raises `TransitionNotAllowed` and changes nothing. Roles (a supervisor approves, R12; someone
other than the decider reviews an appeal, R16) need staff accounts and are checked by the services
that come with them; here only the kind of actor is checked.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from .cases import REPORTER, SYSTEM, Case, EventType, Severity, Status, TimelineEvent
from .errors import CommandRefused, TransitionNotAllowed


class CommandName(StrEnum):
    ACCEPT_CASE = "accept_case"
    REJECT_CASE = "reject_case"
    REOPEN_CASE = "reopen_case"
    ASSIGN_CASE = "assign_case"
    START_WORK = "start_work"
    ASK_REPORTER = "ask_reporter"
    REPORTER_ANSWERED = "reporter_answered"
    DRAFT_DECISION = "draft_decision"
    APPROVE_DECISION = "approve_decision"
    SEND_BACK = "send_back"
    CLOSE_CASE = "close_case"
    APPEAL_DECISION = "appeal_decision"
    DECIDE_APPEAL = "decide_appeal"
    ARCHIVE_CASE = "archive_case"
    SET_SEVERITY = "set_severity"


S, C = Status, CommandName

# Open: work on the case is not finished, so its severity still matters (R8, R9).
OPEN_STATUSES = frozenset({S.RECEIVED, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_REPORTER,
                           S.DECISION_DRAFTED, S.DECISION_APPROVED, S.APPEALED})

TRANSITIONS: dict[tuple[Status, CommandName], Status] = {
    (S.RECEIVED, C.ACCEPT_CASE): S.ACCEPTED,  # initial review (R6)
    (S.RECEIVED, C.REJECT_CASE): S.REJECTED,  # with the reason told to the person (R6)
    (S.REJECTED, C.REOPEN_CASE): S.RECEIVED,  # a supervisor overrules the rejection
    (S.ACCEPTED, C.ASSIGN_CASE): S.ASSIGNED,  # R10
    (S.ASSIGNED, C.ASSIGN_CASE): S.ASSIGNED,  # re-assignment, e.g. on recusal
    (S.IN_PROGRESS, C.ASSIGN_CASE): S.ASSIGNED,
    (S.ASSIGNED, C.START_WORK): S.IN_PROGRESS,
    (S.IN_PROGRESS, C.ASK_REPORTER): S.AWAITING_REPORTER,  # R11
    (S.AWAITING_REPORTER, C.REPORTER_ANSWERED): S.IN_PROGRESS,
    (S.IN_PROGRESS, C.DRAFT_DECISION): S.DECISION_DRAFTED,
    (S.DECISION_DRAFTED, C.APPROVE_DECISION): S.DECISION_APPROVED,  # R12
    (S.DECISION_DRAFTED, C.SEND_BACK): S.IN_PROGRESS,
    (S.DECISION_APPROVED, C.CLOSE_CASE): S.CLOSED,  # the result is told to the person (R15)
    (S.CLOSED, C.APPEAL_DECISION): S.APPEALED,  # R16
    (S.APPEALED, C.DECIDE_APPEAL): S.CLOSED,
    (S.CLOSED, C.ARCHIVE_CASE): S.ARCHIVED,  # R18
    # Severity changes in any open status and leaves the status as it is (R8).
    **{(status, C.SET_SEVERITY): status for status in OPEN_STATUSES},
}

STAFF, SYSTEM_OR_STAFF = frozenset({"staff"}), frozenset({"system", "staff"})
ANYONE = frozenset({"system", "reporter", "staff"})


def actor_kind(actor: str) -> str:
    """`system`, `reporter` or `staff`; empty for a name that is none of them."""
    if actor in (SYSTEM, REPORTER):
        return actor
    if actor.startswith("staff:") and actor.removeprefix("staff:").strip():
        return "staff"
    return ""


@dataclass(frozen=True)
class Command:
    """Something someone asks of a case. Subclasses name themselves, their event, who may give
    them and whether they need a reason."""

    actor: str
    reason: str = ""

    name: ClassVar[CommandName]
    event: ClassVar[EventType]
    actors: ClassVar[frozenset[str]] = STAFF
    needs_reason: ClassVar[bool] = False

    def details(self, case: Case) -> dict:
        """What the event records besides the move from one status to another."""
        return {}

    def change(self, case: Case) -> None:
        """Changes to the case besides its status."""

    def refusal(self) -> str:
        """Why this command cannot be given at all, whatever the case's status; empty if it can."""
        if actor_kind(self.actor) not in self.actors:
            return f"{self.name} cannot be given by {self.actor or 'nobody'}"
        if self.needs_reason and not self.reason.strip():
            return f"{self.name} needs a reason"
        return ""


@dataclass(frozen=True)
class AcceptCase(Command):
    name, event = C.ACCEPT_CASE, EventType.CASE_ACCEPTED


@dataclass(frozen=True)
class RejectCase(Command):
    name, event, needs_reason = C.REJECT_CASE, EventType.CASE_REJECTED, True


@dataclass(frozen=True)
class ReopenCase(Command):
    name, event, needs_reason = C.REOPEN_CASE, EventType.CASE_REOPENED, True


@dataclass(frozen=True)
class AssignCase(Command):
    """To a department, a handler, or both (R10); automatic routing may assign too."""

    assignee: str = ""  # a staff id
    department: str = ""

    name, event, actors = C.ASSIGN_CASE, EventType.CASE_ASSIGNED, SYSTEM_OR_STAFF

    def details(self, case: Case) -> dict:
        return {"assignee": self.assignee, "department": self.department}

    def change(self, case: Case) -> None:
        # A new department without a named handler leaves the case to that department's queue.
        case.assignee, case.department = self.assignee.strip(), self.department.strip()

    def refusal(self) -> str:
        if super().refusal() or self.assignee.strip() or self.department.strip():
            return super().refusal()
        return f"{self.name} needs an assignee or a department"


@dataclass(frozen=True)
class StartWork(Command):
    name, event = C.START_WORK, EventType.WORK_STARTED


@dataclass(frozen=True)
class AskReporter(Command):
    """The reason is the question put to the person (R11)."""

    name, event, needs_reason = C.ASK_REPORTER, EventType.INFORMATION_REQUESTED, True


@dataclass(frozen=True)
class ReporterAnswered(Command):
    """The reporter answered on the status page or by email (system), or by phone (staff)."""

    name, event, actors = C.REPORTER_ANSWERED, EventType.REPORTER_ANSWERED, ANYONE


@dataclass(frozen=True)
class DraftDecision(Command):
    name, event = C.DRAFT_DECISION, EventType.DECISION_DRAFTED


@dataclass(frozen=True)
class ApproveDecision(Command):
    name, event = C.APPROVE_DECISION, EventType.DECISION_APPROVED


@dataclass(frozen=True)
class SendBack(Command):
    name, event, needs_reason = C.SEND_BACK, EventType.DECISION_SENT_BACK, True


@dataclass(frozen=True)
class CloseCase(Command):
    """Given once the closure notice is queued; the system may give it."""

    name, event, actors = C.CLOSE_CASE, EventType.CASE_CLOSED, SYSTEM_OR_STAFF


@dataclass(frozen=True)
class AppealDecision(Command):
    """The person asks for a review (R16); staff may register an appeal made by phone or letter."""

    name, event, actors = C.APPEAL_DECISION, EventType.APPEAL_LODGED, frozenset({"reporter", "staff"})
    needs_reason = True


@dataclass(frozen=True)
class DecideAppeal(Command):
    name, event, needs_reason = C.DECIDE_APPEAL, EventType.APPEAL_DECIDED, True


@dataclass(frozen=True)
class ArchiveCase(Command):
    name, event, actors = C.ARCHIVE_CASE, EventType.CASE_ARCHIVED, SYSTEM_OR_STAFF


@dataclass(frozen=True)
class SetSeverity(Command):
    """By hand (the service centre) or by the time and count rules (system) (R8)."""

    severity: Severity = Severity.GENERAL

    name, event, actors = C.SET_SEVERITY, EventType.SEVERITY_SET, SYSTEM_OR_STAFF
    needs_reason = True

    def details(self, case: Case) -> dict:
        return {"severity_from": case.severity.value, "severity_to": self.severity.value}

    def change(self, case: Case) -> None:
        case.severity = self.severity


COMMANDS: dict[CommandName, type[Command]] = {
    command.name: command
    for command in (AcceptCase, RejectCase, ReopenCase, AssignCase, StartWork, AskReporter,
                    ReporterAnswered, DraftDecision, ApproveDecision, SendBack, CloseCase,
                    AppealDecision, DecideAppeal, ArchiveCase, SetSeverity)
}


def allowed_commands(status: Status) -> list[CommandName]:
    """The commands a case in `status` accepts, in the table's order (for staff screens)."""
    return [name for (source, name) in TRANSITIONS if source == status]


def apply(case: Case, command: Command, now: datetime) -> TimelineEvent:
    """Carry out `command` on `case`: move it to the table's status, make the command's other
    changes and record one event naming the actor and the reason. Raises `TransitionNotAllowed`
    or `CommandRefused` before changing anything."""
    target = TRANSITIONS.get((case.status, command.name))
    if target is None:
        raise TransitionNotAllowed(case.status.value, command.name.value)
    refusal = command.refusal()
    if refusal:
        raise CommandRefused(refusal)
    event = TimelineEvent(
        command.event, now, text=command.reason.strip(), actor=command.actor,
        data={"command": command.name.value, "status_from": case.status.value,
              "status_to": target.value, **command.details(case)},
    )
    command.change(case)
    case.status = target
    case.record(event)
    return event
