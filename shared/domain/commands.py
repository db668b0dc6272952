"""Lifecycle commands: what someone asks of a case, who asked and why.

Each command names itself, the past-tense event that records it, the kinds of actor who may give it
and whether it needs a reason. `lifecycle.TRANSITIONS` says in which statuses it is allowed and
`lifecycle.apply` carries it out. The commands that move a case are here; those that leave its
status as it is (classification, notes, messages, referrals, reveals, confidentiality) are in
`case_updates.py`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import ClassVar

from .cases import REPORTER, SYSTEM, Case, EventType, Severity
from .decision_clock import DecisionClock
from .review_reasons import RejectionReason

# The decision is due this long after acceptance (R10, R13): a default without a setting until
# the deadlines issue counts working days and lets a department extend it once.
DECISION_WITHIN = timedelta(days=15)


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
    # Leaving the status as it is (`case_updates.py`)
    CLASSIFY_CASE = "classify_case"
    ADD_NOTE = "add_note"
    MESSAGE_REPORTER = "message_reporter"
    REFER_OUT = "refer_out"
    REVEAL_IDENTITY = "reveal_identity"
    SET_CONFIDENTIALITY = "set_confidentiality"
    RECORD_CONFIDENTIAL_READ = "record_confidential_read"
    # Decisions and after (issue 9): `decision_commands.py`, `replies.py`, `respondents.py`,
    # `follow_up.py`, `report_marks.py`, `archive.py`
    DRAFT_REPLY = "draft_reply"
    APPROVE_REPLY = "approve_reply"
    SEND_BACK_REPLY = "send_back_reply"
    APPROVE_COMPENSATION = "approve_compensation"
    NOTIFY_RESPONDENT = "notify_respondent"
    RECORD_CORRECTIVE_ACTION = "record_corrective_action"
    COMPLETE_CORRECTIVE_ACTION = "complete_corrective_action"
    RATE_HANDLING = "rate_handling"
    RECORD_FOLLOW_UP = "record_follow_up"
    MARK_REPORT = "mark_report"
    RECORD_REWARD = "record_reward"
    RECORD_EXPORT = "record_export"
    # The decision deadline's one extension (R13, `extensions.py`)
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    REFUSE_EXTENSION = "refuse_extension"
    # The first-contact and compensation clocks (`contact_clocks.py`)
    RECORD_CONTACT = "record_contact"
    RECORD_MATERIALS_COMPLETE = "record_materials_complete"
    SET_MATTER = "set_matter"  # R8's count rule: `count_rules.py`
    # Public disclosure of a major case after a redaction review (R22, `disclosures.py`)
    PROPOSE_DISCLOSURE = "propose_disclosure"
    APPROVE_DISCLOSURE = "approve_disclosure"
    REFUSE_DISCLOSURE = "refuse_disclosure"
    WITHDRAW_DISCLOSURE = "withdraw_disclosure"
    # The misuse policy (R21, DSA Art. 23, `misuse.py`)
    RELEASE_HELD_REPORT = "release_held_report"
    LIFT_MISUSE_STANDING = "lift_misuse_standing"


C = CommandName  # short names for the class bodies below

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
    them and whether they need a reason. `client` is the address a staff command came from: its
    event keeps it as `data["from"]` (R20)."""

    actor: str
    reason: str = ""
    client: str = ""

    name: ClassVar[CommandName]
    event: ClassVar[EventType]
    actors: ClassVar[frozenset[str]] = STAFF
    needs_reason: ClassVar[bool] = False

    def details(self, case: Case) -> dict:
        """What the event records besides the move from one status to another."""
        return {}

    def change(self, case: Case) -> None:
        """Changes to the case besides its status."""

    def refusal_on(self, case: Case) -> tuple[str, str]:
        """(code, why) when a rule of this case refuses the command (e.g. the drafter approving
        their own draft); ("", "") when it may be given. Checked after the status and `refusal`."""
        return "", ""

    def refusal(self) -> str:
        """Why this command cannot be given at all, whatever the case's status; empty if it can."""
        if actor_kind(self.actor) not in self.actors:
            return f"{self.name} cannot be given by {self.actor or 'nobody'}"
        if self.needs_reason and not self.reason.strip():
            return f"{self.name} needs a reason"
        return ""


@dataclass(frozen=True)
class AcceptCase(Command):
    """The initial review found the case valid (R6); its decision is due `decide_within` later."""

    decide_within: timedelta = DECISION_WITHIN

    name, event = C.ACCEPT_CASE, EventType.CASE_ACCEPTED


@dataclass(frozen=True)
class RejectCase(Command):
    """Not admissible (R6), on one of the fixed grounds; the reason (text) is told to the person
    with the ground's words and is required for `other`. A duplicate names the other case, and
    `same_reporter` says whether its number may be told (it is the person's own case)."""

    ground: RejectionReason = RejectionReason.OTHER
    duplicate_of: str = ""
    same_reporter: bool = False

    name, event = C.REJECT_CASE, EventType.CASE_REJECTED

    def details(self, case: Case) -> dict:
        if self.ground != RejectionReason.DUPLICATE:
            return {"ground": self.ground.value}
        return {"ground": self.ground.value, "duplicate_of": self.duplicate_of,
                "same_reporter": self.same_reporter}

    def refusal(self) -> str:
        if super().refusal():
            return super().refusal()
        if self.ground == RejectionReason.OTHER and not self.reason.strip():
            return f"{self.name} needs a reason"
        if self.ground == RejectionReason.DUPLICATE and not self.duplicate_of.strip():
            return f"{self.name} as a duplicate needs the other case's number"
        return ""


@dataclass(frozen=True)
class ReopenCase(Command):
    """The initial review starts again, within the policy's time limit (the service passes the
    setting; the default is the policies' 24 hours, R6)."""

    review_within: timedelta = timedelta(hours=24)

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

    def refusal_on(self, case: Case) -> tuple[str, str]:
        # An appeal is reviewed by someone other than the original deciders (R16).
        if case.appeal_round and self.assignee.strip() in case.deciders:
            return "original_decider", f"{self.assignee} decided the case the appeal is against"
        return "", ""


@dataclass(frozen=True)
class StartWork(Command):
    name, event = C.START_WORK, EventType.WORK_STARTED


@dataclass(frozen=True)
class AskReporter(Command):
    """The reason is the question put to the person (R11). It pauses the decision clock
    (`decision_clock.py`) unless `decision_clock.pauses` is off."""

    decision_clock: DecisionClock = DecisionClock()

    name, event, needs_reason = C.ASK_REPORTER, EventType.INFORMATION_REQUESTED, True


@dataclass(frozen=True)
class ReporterAnswered(Command):
    """The reporter answered on the status page or by email (system), or by phone (staff). A
    paused decision clock resumes, counting the wait on `decision_clock`'s calendar."""

    decision_clock: DecisionClock = DecisionClock()

    name, event, actors = C.REPORTER_ANSWERED, EventType.REPORTER_ANSWERED, ANYONE


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
