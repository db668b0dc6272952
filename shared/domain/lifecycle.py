"""The case lifecycle: one table of (status, command) → status, and `apply`, the only code that
changes a case's status, severity or deadlines.

Every command (`commands.py`) names its actor (`SYSTEM`, `REPORTER` or `staff_actor(id)`) and a
reason, and is recorded as one past-tense event carrying both. A command the current status does
not allow raises `TransitionNotAllowed` and changes nothing. Roles (a supervisor approves, R12;
someone other than the decider reviews an appeal, R16) need staff accounts and are checked by the
services that come with them; here only the kind of actor is checked.
"""
from __future__ import annotations

from datetime import datetime

from .cases import Case, Status, TimelineEvent
from .commands import Command, CommandName, ReopenCase
from .errors import CommandRefused, TransitionNotAllowed

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

# The sweep acts on `next_due_at`, so a move must set it. Entering one of these statuses stops the
# clock: a rejected, closed or archived case has nothing left to do by a deadline, and an accepted
# case's initial review (the only deadline so far) is done; the decision deadlines of a later
# issue will set it for accepted cases. Reopening restarts the initial review, as long as before.
CLOCK_STOPS = frozenset({S.ACCEPTED, S.REJECTED, S.CLOSED, S.ARCHIVED})


def _move_deadlines(case: Case, command: Command, target: Status, now: datetime) -> None:
    """Set the deadlines the move leaves the case with (the rule above)."""
    if isinstance(command, ReopenCase):
        case.review_due_at = case.next_due_at = now + command.review_within
    elif target != case.status and target in CLOCK_STOPS:
        case.next_due_at = None


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
    _move_deadlines(case, command, target, now)
    case.status = target
    case.record(event)
    return event
