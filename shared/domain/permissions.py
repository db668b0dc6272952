"""Which role may do what: the one table every staff command asks (docs/permissions.md shows it).

The table grants by role only. Need-to-know on a particular case (its assigned handler, a
confidential case, a recused handler) is checked on top of it by the command that has the case.
"""
from __future__ import annotations

from enum import StrEnum

from .errors import DomainError
from .staff import Role, StaffMember


class Action(StrEnum):
    """A staff action, as the commands and the API name it."""

    REGISTER_OFFLINE_CASE = "register_offline_case"
    READ_QUEUES = "read_queues"
    READ_CASE = "read_case"
    READ_HELD_MAIL = "read_held_mail"
    ACT_ON_HELD_MAIL = "act_on_held_mail"
    INITIAL_REVIEW = "initial_review"
    REOPEN = "reopen"
    CLASSIFY = "classify"
    SET_SEVERITY = "set_severity"
    ASSIGN = "assign"
    REASSIGN = "reassign"
    START_WORK = "start_work"
    ADD_NOTE = "add_note"
    MESSAGE_REPORTER = "message_reporter"
    RECORD_REPORTER_ANSWER = "record_reporter_answer"
    REFER_OUT = "refer_out"
    REVEAL_IDENTITY = "reveal_identity"
    MARK_CONFIDENTIAL = "mark_confidential"
    READ_CONFIDENTIAL_CASE = "read_confidential_case"
    READ_AUDIT_CHAIN = "read_audit_chain"
    MANAGE_STAFF = "manage_staff"
    MANAGE_SETTINGS = "manage_settings"
    # Decisions and after (issue 9)
    DRAFT_DECISION = "draft_decision"
    APPROVE_DECISION = "approve_decision"  # also sends a draft back (R12)
    APPROVE_COMPENSATION = "approve_compensation"  # above the threshold (R13)
    APPROVE_REPLY = "approve_reply"  # a handler's reply to the reporter (R12)
    NOTIFY_RESPONDENT = "notify_respondent"
    TRACK_CORRECTIVE_ACTION = "track_corrective_action"
    REGISTER_APPEAL = "register_appeal"  # an appeal made by phone or letter (R16)
    RECORD_FOLLOW_UP = "record_follow_up"  # 回访 (R17)
    MARK_REPORT = "mark_report"  # manifestly unfounded or malicious (R21)
    RECORD_REWARD = "record_reward"  # R21
    READ_REWARD_LEDGER = "read_reward_ledger"
    ARCHIVE_CASE = "archive_case"  # R18, until the deadline sweep does it
    EXPORT_CASE = "export_case"  # one document for a regulator or a court
    # The decision deadline's one extension (R13): asked by the department, approved by a leader
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"  # also refuses it
    RECORD_CONTACT = "record_contact"  # a call or visit to the person (first contact, R13)
    RECORD_MATERIALS_COMPLETE = "record_materials_complete"  # a compensation claim's (R13)
    # Mail given up on (issue 10): no case content, so admins too (they fix the mail settings).
    READ_FAILED_MAIL = "read_failed_mail"
    RETRY_MAIL = "retry_mail"
    # The statistics bulletin (R19, issue 11): for management and oversight, not case handling.
    READ_STATISTICS = "read_statistics"
    # Public disclosure of a major case (R22): proposed by staff, the redaction reviewed by a
    # supervisor other than the proposer (who also refuses and withdraws).
    PROPOSE_DISCLOSURE = "propose_disclosure"
    REVIEW_DISCLOSURE = "review_disclosure"
    # The open major and hot cases at a glance (R9): those told of them — leaders, service centre.
    READ_MAJOR_CASE_BOARD = "read_major_case_board"
    # The misuse policy (R21, DSA Art. 23): release a held report, lift a reporter's standing.
    MANAGE_MISUSE = "manage_misuse"


_CLERK, _HANDLER, _SUPERVISOR = Role.CLERK, Role.HANDLER, Role.SUPERVISOR
_LEADER, _AUDITOR, _ADMIN = Role.LEADER, Role.AUDITOR, Role.ADMIN

# Admins manage people and settings but read no cases: running the system is not handling it.
# Auditors read everything a case holds but change nothing. Only a supervisor reopens (R6).
# Clerks record an answer the reporter gave by phone: they are the ones who call.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.REGISTER_OFFLINE_CASE: frozenset({_CLERK, _SUPERVISOR}),
    Action.READ_QUEUES: frozenset({_CLERK, _HANDLER, _SUPERVISOR, _LEADER, _AUDITOR}),
    Action.READ_CASE: frozenset({_CLERK, _HANDLER, _SUPERVISOR, _LEADER, _AUDITOR}),
    Action.READ_HELD_MAIL: frozenset({_CLERK, _SUPERVISOR, _AUDITOR}),
    Action.ACT_ON_HELD_MAIL: frozenset({_CLERK, _SUPERVISOR}),
    Action.INITIAL_REVIEW: frozenset({_CLERK, _SUPERVISOR}),
    Action.REOPEN: frozenset({_SUPERVISOR}),
    Action.CLASSIFY: frozenset({_CLERK, _HANDLER, _SUPERVISOR}),
    Action.SET_SEVERITY: frozenset({_HANDLER, _SUPERVISOR, _LEADER}),
    Action.ASSIGN: frozenset({_SUPERVISOR}),
    Action.REASSIGN: frozenset({_SUPERVISOR, _LEADER}),
    Action.START_WORK: frozenset({_HANDLER, _SUPERVISOR}),
    Action.ADD_NOTE: frozenset({_CLERK, _HANDLER, _SUPERVISOR, _LEADER}),
    Action.MESSAGE_REPORTER: frozenset({_HANDLER, _SUPERVISOR}),
    Action.RECORD_REPORTER_ANSWER: frozenset({_CLERK, _HANDLER, _SUPERVISOR}),
    Action.REFER_OUT: frozenset({_HANDLER, _SUPERVISOR, _LEADER}),
    Action.REVEAL_IDENTITY: frozenset({_HANDLER, _SUPERVISOR}),
    Action.MARK_CONFIDENTIAL: frozenset({_HANDLER, _SUPERVISOR}),
    Action.READ_CONFIDENTIAL_CASE: frozenset({_HANDLER, _SUPERVISOR, _AUDITOR}),
    Action.READ_AUDIT_CHAIN: frozenset({_AUDITOR}),
    Action.MANAGE_STAFF: frozenset({_ADMIN}),
    Action.MANAGE_SETTINGS: frozenset({_ADMIN}),
    Action.DRAFT_DECISION: frozenset({_HANDLER, _SUPERVISOR}),
    Action.APPROVE_DECISION: frozenset({_SUPERVISOR}),
    Action.APPROVE_COMPENSATION: frozenset({_LEADER}),
    Action.APPROVE_REPLY: frozenset({_SUPERVISOR}),
    Action.NOTIFY_RESPONDENT: frozenset({_HANDLER, _SUPERVISOR}),
    Action.TRACK_CORRECTIVE_ACTION: frozenset({_HANDLER, _SUPERVISOR, _LEADER}),
    Action.REGISTER_APPEAL: frozenset({_CLERK, _SUPERVISOR}),
    Action.RECORD_FOLLOW_UP: frozenset({_CLERK, _SUPERVISOR}),
    Action.MARK_REPORT: frozenset({_HANDLER, _SUPERVISOR}),
    Action.RECORD_REWARD: frozenset({_SUPERVISOR, _LEADER}),
    Action.READ_REWARD_LEDGER: frozenset({_SUPERVISOR, _LEADER, _AUDITOR}),
    Action.ARCHIVE_CASE: frozenset({_SUPERVISOR}),
    Action.EXPORT_CASE: frozenset({_SUPERVISOR, _LEADER, _AUDITOR}),
    Action.REQUEST_EXTENSION: frozenset({_HANDLER, _SUPERVISOR}),
    Action.APPROVE_EXTENSION: frozenset({_LEADER}),
    Action.RECORD_CONTACT: frozenset({_CLERK, _HANDLER, _SUPERVISOR}),
    Action.RECORD_MATERIALS_COMPLETE: frozenset({_HANDLER, _SUPERVISOR}),
    Action.READ_FAILED_MAIL: frozenset({_SUPERVISOR, _ADMIN}),
    Action.RETRY_MAIL: frozenset({_SUPERVISOR, _ADMIN}),
    Action.READ_STATISTICS: frozenset({_SUPERVISOR, _LEADER, _AUDITOR}),
    Action.PROPOSE_DISCLOSURE: frozenset({_HANDLER, _SUPERVISOR, _LEADER}),
    Action.REVIEW_DISCLOSURE: frozenset({_SUPERVISOR}),
    Action.READ_MAJOR_CASE_BOARD: frozenset({_SUPERVISOR, _LEADER}),
    Action.MANAGE_MISUSE: frozenset({_SUPERVISOR}),
}


class Forbidden(DomainError):
    """A staff member tried an action none of their roles allows (or they are inactive)."""

    def __init__(self, action: Action, staff_id: str):
        super().__init__(f"{staff_id} may not {action.value}")
        self.action = action
        self.staff_id = staff_id


def allowed(staff: StaffMember, action: Action) -> bool:
    """Whether the member's roles allow the action; an inactive member is allowed nothing."""
    return staff.active and bool(staff.roles & PERMISSIONS[action])


def authorize(staff: StaffMember, action: Action) -> None:
    """Raise Forbidden, naming the action, unless the member may take it."""
    if not allowed(staff, action):
        raise Forbidden(action, staff.id)
