"""The case lifecycle: one table of (status, command) → status, and `apply`, the only code that
changes a case's status, severity, classification, confidentiality or deadlines.

Every command (`commands.py`, `case_updates.py`) names its actor (`SYSTEM`, `REPORTER` or
`staff_actor(id)`) and a reason, and is recorded as one past-tense event carrying both (and, for
staff, `data["from"]`, the client address). A command the current status does not allow raises
`TransitionNotAllowed` and changes nothing. Roles and need-to-know are the services' check
(`permissions.py`, `case_access.py`); here only the kind of actor is checked.
"""
from __future__ import annotations

from datetime import datetime

from .archive import RecordExport
from .case_updates import (
    AddNote,
    ClassifyCase,
    MessageReporter,
    RecordConfidentialRead,
    ReferOut,
    RevealIdentity,
    SetConfidentiality,
)
from .cases import Case, Status, TimelineEvent
from .commands import (
    AcceptCase,
    ArchiveCase,
    AskReporter,
    AssignCase,
    Command,
    CommandName,
    RejectCase,
    ReopenCase,
    ReporterAnswered,
    SetSeverity,
    StartWork,
    actor_kind,
)
from .contact_clocks import RecordContact, RecordMaterialsComplete, keep_look
from .decision_clock import DecisionClock, follow
from .decision_commands import (
    AppealDecision,
    ApproveCompensation,
    ApproveDecision,
    CloseCase,
    DecideAppeal,
    DraftDecision,
    SendBack,
)
from .disclosures import ApproveDisclosure, ProposeDisclosure, RefuseDisclosure, WithdrawDisclosure
from .errors import CommandRefused, TransitionNotAllowed
from .extensions import ApproveExtension, RefuseExtension, RequestExtension
from .follow_up import RateHandling, RecordFollowUp
from .matters import SetMatter
from .misuse import LiftMisuseStanding, ReleaseHeldReport, held_refusal
from .replies import ApproveReply, DraftReply, SendBackReply
from .report_marks import MarkReport, RecordReward
from .respondents import CompleteCorrectiveAction, NotifyRespondent, RecordCorrectiveAction

S, C = Status, CommandName

# Open: work on the case is not finished, so its severity still matters (R8, R9).
OPEN_STATUSES = frozenset({S.RECEIVED, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_REPORTER,
                           S.DECISION_DRAFTED, S.DECISION_APPROVED, S.APPEALED})
# Not archived: what is done about a case (messages, referrals) may come after its decision or
# its rejection, but an archived case is a record (R18) and only read.
NOT_ARCHIVED = frozenset(Status) - {S.ARCHIVED}
# Before the decision is approved: its deadline may still be extended (R13).
DECIDING = (S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_REPORTER, S.DECISION_DRAFTED)

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
    (S.DECISION_DRAFTED, C.APPROVE_COMPENSATION): S.DECISION_DRAFTED,  # a leader, R13
    (S.DECISION_APPROVED, C.CLOSE_CASE): S.CLOSED,  # the result is told to the person (R15)
    (S.CLOSED, C.APPEAL_DECISION): S.APPEALED,  # R16
    (S.APPEALED, C.ASSIGN_CASE): S.ASSIGNED,  # to someone who did not decide it; then as before
    (S.DECISION_APPROVED, C.DECIDE_APPEAL): S.CLOSED,  # the appeal's decision, final
    (S.CLOSED, C.ARCHIVE_CASE): S.ARCHIVED,  # R18
    # Leaving the status as it is. Severity and classification change while the case is open (R7,
    # R8); messages and referrals until it is archived; notes, reveals, confidentiality and the
    # record of a read in any status (a read of an archived case is audited too).
    **{(status, C.SET_SEVERITY): status for status in OPEN_STATUSES},
    **{(status, C.CLASSIFY_CASE): status for status in OPEN_STATUSES},
    **{(status, C.MESSAGE_REPORTER): status for status in NOT_ARCHIVED},
    **{(status, C.REFER_OUT): status for status in NOT_ARCHIVED},
    **{(status, C.ADD_NOTE): status for status in Status},
    **{(status, C.REVEAL_IDENTITY): status for status in Status},
    **{(status, C.SET_CONFIDENTIALITY): status for status in Status},
    **{(status, C.RECORD_CONFIDENTIAL_READ): status for status in Status},
    # Decisions and after (issue 9): replies wait for approval while the case is not archived;
    # the respondent is told, and the reporter rates, once it is closed; corrective actions and
    # marks until it is archived; rewards on a closed case; an export is recorded in any status.
    **{(status, C.DRAFT_REPLY): status for status in NOT_ARCHIVED},
    **{(status, C.APPROVE_REPLY): status for status in NOT_ARCHIVED},
    **{(status, C.SEND_BACK_REPLY): status for status in NOT_ARCHIVED},
    (S.CLOSED, C.NOTIFY_RESPONDENT): S.CLOSED,
    **{(status, C.RECORD_CORRECTIVE_ACTION): status for status in NOT_ARCHIVED},
    **{(status, C.COMPLETE_CORRECTIVE_ACTION): status for status in NOT_ARCHIVED},
    (S.CLOSED, C.RATE_HANDLING): S.CLOSED,
    (S.CLOSED, C.RECORD_FOLLOW_UP): S.CLOSED,
    (S.APPEALED, C.RECORD_FOLLOW_UP): S.APPEALED,
    **{(status, C.MARK_REPORT): status for status in NOT_ARCHIVED},
    (S.CLOSED, C.RECORD_REWARD): S.CLOSED,
    **{(status, C.RECORD_EXPORT): status for status in Status},
    # The decision deadline's one extension (R13), while the decision is not yet approved.
    **{(status, command): status for status in DECIDING for command in
       (C.REQUEST_EXTENSION, C.APPROVE_EXTENSION, C.REFUSE_EXTENSION)},
    # The first-contact and compensation clocks (R13): a contact is recorded until the case is
    # archived; a compensation claim's materials are complete while the case is being worked on.
    **{(status, C.RECORD_CONTACT): status for status in NOT_ARCHIVED},
    **{(status, C.RECORD_MATERIALS_COMPLETE): status
       for status in (S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.AWAITING_REPORTER)},
    # R8's count rule: what matter a case is about, until it is archived (`matters.py`).
    **{(status, C.SET_MATTER): status for status in NOT_ARCHIVED},
    # Public disclosure of a major case (R22): once it is decided (its summary tells the cause
    # and the measures); an archived case is only read, but what was published of it can always
    # be withdrawn.
    **{(status, command): status for status in (S.CLOSED, S.APPEALED)
       for command in (C.PROPOSE_DISCLOSURE, C.APPROVE_DISCLOSURE, C.REFUSE_DISCLOSURE)},
    **{(status, C.WITHDRAW_DISCLOSURE): status for status in (S.CLOSED, S.APPEALED, S.ARCHIVED)},
    # The misuse policy (R21, `misuse.py`): a held report is released before it is reviewed; the
    # reporter's standing is lifted from any of their cases not archived.
    (S.RECEIVED, C.RELEASE_HELD_REPORT): S.RECEIVED,
    **{(status, C.LIFT_MISUSE_STANDING): status for status in NOT_ARCHIVED},
}

COMMANDS: dict[CommandName, type[Command]] = {
    command.name: command
    for command in (AcceptCase, RejectCase, ReopenCase, AssignCase, StartWork, AskReporter,
                    ReporterAnswered, DraftDecision, ApproveDecision, SendBack, CloseCase,
                    AppealDecision, DecideAppeal, ArchiveCase, SetSeverity, ClassifyCase, AddNote,
                    MessageReporter, ReferOut, RevealIdentity, SetConfidentiality,
                    RecordConfidentialRead, DraftReply, ApproveReply, SendBackReply,
                    ApproveCompensation, NotifyRespondent, RecordCorrectiveAction,
                    CompleteCorrectiveAction, RateHandling, RecordFollowUp, MarkReport,
                    RecordReward, RecordExport, RecordContact, RecordMaterialsComplete,
                    RequestExtension, ApproveExtension, RefuseExtension,
                    SetMatter, ProposeDisclosure, ApproveDisclosure, RefuseDisclosure,
                    WithdrawDisclosure, ReleaseHeldReport, LiftMisuseStanding)
}

# The sweep acts on `next_due_at`, so a move must set it. Entering one of these statuses stops the
# clock: a rejected, closed or archived case has nothing left to do by a deadline.
CLOCK_STOPS = frozenset({S.REJECTED, S.CLOSED, S.ARCHIVED})


def _move_deadlines(case: Case, command: Command, target: Status, now: datetime) -> None:
    """Set the deadlines the move leaves the case with: accepting ends the initial review and
    sets the decision's (`decision_due_at`; the sweep looks at once); reopening restarts the
    initial review, as long as before; the statuses of `CLOCK_STOPS` clear the next deadline,
    but for a closed case's appeal window: the sweep archives it at `appeal_until` (R18); a case
    closed without one (the appeal's final decision) is read by the sweep at once, which sets
    when it is archived (`SweepPolicy.archive_final_after`); so is an archived case, for when
    its private record is purged (`SweepPolicy.identity_retention`)."""
    if isinstance(command, ReopenCase):
        case.review_due_at = case.next_due_at = now + command.review_within
    elif isinstance(command, AcceptCase):
        case.decision_due_at = now + command.decide_within
        # The sweep looks at once and places the decision's reminder, the escalations (R8) and
        # the rest with its own rules (the reminder's fraction is its setting): one read per
        # acceptance, so that an accepted case is never first read at its decision deadline.
        case.next_due_at = now
    elif target != case.status and target in CLOCK_STOPS:
        case.next_due_at = (case.appeal_until or now) if target == S.CLOSED else None
    if target != case.status and target == S.CLOSED:
        case.closed_at = now
    elif target != case.status and target == S.ARCHIVED:
        case.archived_at = now
        # The sweep reads it once and sets when its private record is purged (retention).
        case.next_due_at = now


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
    code, why = command.refusal_on(case)
    if not code:  # a report held under the misuse policy moves only once released (R21)
        code, why = held_refusal(case, command, now)
    if code:
        raise CommandRefused(why, code)
    source = case.status
    origin = {"from": command.client} if actor_kind(command.actor) == "staff" else {}
    event = TimelineEvent(
        command.event, now, text=command.reason.strip(), actor=command.actor,
        data={"command": command.name.value, "status_from": case.status.value,
              "status_to": target.value, **command.details(case), **origin},
    )
    command.change(case)
    before = case.next_due_at
    _move_deadlines(case, command, target, now)
    case.status = target
    keep_look(case, command, before, now)  # the first-contact and compensation clocks
    case.record(event)
    clock = command.decision_clock if isinstance(command, AskReporter | ReporterAnswered) else None
    follow(case, clock or DecisionClock(), source, command.actor, now)  # pause or resume it
    return event
