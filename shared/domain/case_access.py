"""Need-to-know on one case, on top of the role table (`permissions.py`), and what a member may
do to a case now (role table ∩ lifecycle table ∩ need-to-know), for staff screens.

Who sees a case: clerks, supervisors, leaders and auditors see every case; a handler sees the
cases assigned to them and to their department. A confidential case is seen only by its assignee
(a handler), supervisors and auditors; a leader decides its extension on the request alone
(`ON_THE_REQUEST_ALONE`). Nobody sees a case about their own conduct (R23). A handler
messages the reporter, records their answer, reveals their identity and marks the case
confidential only on a case assigned to them; only the assignee, whatever their roles, takes a
case up (`start_work`). Every other action the table allows works on every case the member sees.
"""
from __future__ import annotations

from .cases import Case, Status
from .commands import CommandName
from .contact_clocks import COMPENSATION, running
from .disclosures import DISCLOSURE_ACTIONS
from .disclosures import open_to as disclosure_open_to
from .extensions import open_to
from .lifecycle import TRANSITIONS
from .permissions import PERMISSIONS, Action, Forbidden
from .staff import Role, StaffMember

C = CommandName

SEE_ALL = frozenset({Role.CLERK, Role.SUPERVISOR, Role.LEADER, Role.AUDITOR})
SEE_CONFIDENTIAL = frozenset({Role.SUPERVISOR, Role.AUDITOR})  # and the case's assignee
ASSIGNEE_ACTIONS = frozenset({Action.MESSAGE_REPORTER, Action.RECORD_REPORTER_ANSWER,
                              Action.REVEAL_IDENTITY, Action.MARK_CONFIDENTIAL,
                              Action.DRAFT_DECISION, Action.NOTIFY_RESPONDENT, Action.MARK_REPORT,
                              Action.TRACK_CORRECTIVE_ACTION, Action.RECORD_CONTACT,
                              Action.RECORD_MATERIALS_COMPLETE, Action.REQUEST_EXTENSION})
ASSIGNEE_ONLY = frozenset({Action.START_WORK})
# Decided on a request alone, without the case's content: a leader approves or refuses the
# decision deadline's extension of a confidential case they may not read (R13), seeing only the
# request and the deadline (`ExtensionView`).
ON_THE_REQUEST_ALONE = frozenset({Action.APPROVE_EXTENSION})

# What staff do to a case, by the name `StaffCases` gives it: the action of the role table and
# the lifecycle command it gives (None: no command, e.g. the chain check).
CASE_ACTIONS: dict[str, tuple[Action, CommandName | None]] = {
    "accept": (Action.INITIAL_REVIEW, C.ACCEPT_CASE),
    "reject": (Action.INITIAL_REVIEW, C.REJECT_CASE),
    "reopen": (Action.REOPEN, C.REOPEN_CASE),
    "classify": (Action.CLASSIFY, C.CLASSIFY_CASE),
    "set_severity": (Action.SET_SEVERITY, C.SET_SEVERITY),
    "assign": (Action.ASSIGN, C.ASSIGN_CASE),  # `reassign` once it was assigned
    "start_work": (Action.START_WORK, C.START_WORK),
    "add_note": (Action.ADD_NOTE, C.ADD_NOTE),
    "message_reporter": (Action.MESSAGE_REPORTER, C.MESSAGE_REPORTER),
    "request_information": (Action.MESSAGE_REPORTER, C.ASK_REPORTER),
    "record_reporter_answer": (Action.RECORD_REPORTER_ANSWER, C.REPORTER_ANSWERED),
    "refer_out": (Action.REFER_OUT, C.REFER_OUT),
    "reveal_identity": (Action.REVEAL_IDENTITY, C.REVEAL_IDENTITY),
    "set_confidential": (Action.MARK_CONFIDENTIAL, C.SET_CONFIDENTIALITY),
    "audit": (Action.READ_AUDIT_CHAIN, None),
    # Decisions and after (issue 9)
    "draft_decision": (Action.DRAFT_DECISION, C.DRAFT_DECISION),
    "approve_compensation": (Action.APPROVE_COMPENSATION, C.APPROVE_COMPENSATION),
    "approve_decision": (Action.APPROVE_DECISION, C.APPROVE_DECISION),
    "send_back": (Action.APPROVE_DECISION, C.SEND_BACK),
    "approve_reply": (Action.APPROVE_REPLY, C.APPROVE_REPLY),
    "send_back_reply": (Action.APPROVE_REPLY, C.SEND_BACK_REPLY),
    "notify_respondent": (Action.NOTIFY_RESPONDENT, C.NOTIFY_RESPONDENT),
    "record_corrective_action": (Action.TRACK_CORRECTIVE_ACTION, C.RECORD_CORRECTIVE_ACTION),
    "complete_corrective_action": (Action.TRACK_CORRECTIVE_ACTION, C.COMPLETE_CORRECTIVE_ACTION),
    "register_appeal": (Action.REGISTER_APPEAL, C.APPEAL_DECISION),
    "record_follow_up": (Action.RECORD_FOLLOW_UP, C.RECORD_FOLLOW_UP),
    "mark_report": (Action.MARK_REPORT, C.MARK_REPORT),
    "record_reward": (Action.RECORD_REWARD, C.RECORD_REWARD),
    "archive": (Action.ARCHIVE_CASE, C.ARCHIVE_CASE),
    "export": (Action.EXPORT_CASE, C.RECORD_EXPORT),
    "request_extension": (Action.REQUEST_EXTENSION, C.REQUEST_EXTENSION),
    "approve_extension": (Action.APPROVE_EXTENSION, C.APPROVE_EXTENSION),
    "refuse_extension": (Action.APPROVE_EXTENSION, C.REFUSE_EXTENSION),
    # The first-contact and compensation clocks (R13)
    "record_contact": (Action.RECORD_CONTACT, C.RECORD_CONTACT),
    "record_materials_complete": (Action.RECORD_MATERIALS_COMPLETE, C.RECORD_MATERIALS_COMPLETE),
    "set_matter": (Action.CLASSIFY, C.SET_MATTER),  # R8's count rule (`matters.py`)
    # Public disclosure of a major case (R22, `disclosures.py`)
    "propose_disclosure": (Action.PROPOSE_DISCLOSURE, C.PROPOSE_DISCLOSURE),
    "approve_disclosure": (Action.REVIEW_DISCLOSURE, C.APPROVE_DISCLOSURE),
    "refuse_disclosure": (Action.REVIEW_DISCLOSURE, C.REFUSE_DISCLOSURE),
    "withdraw_disclosure": (Action.REVIEW_DISCLOSURE, C.WITHDRAW_DISCLOSURE),
    # The misuse policy (R21): a held report released (lifting the reporter's standing is
    # offered where it is shown, beside the reporter: `console/misuse_panel.py`)
    "release_held_report": (Action.MANAGE_MISUSE, C.RELEASE_HELD_REPORT),
}


def assign_action(case: Case) -> Action:
    """Assigning an accepted case is `assign`; moving an assigned one is `reassign`."""
    return Action.ASSIGN if case.status == Status.ACCEPTED else Action.REASSIGN


def _roles(member: StaffMember, action: Action) -> frozenset[Role]:
    """The member's roles that allow the action (none for an inactive member)."""
    return member.roles & PERMISSIONS[action] if member.active else frozenset()


def may_see(member: StaffMember, case: Case) -> bool:
    """Whether the member may read the case's content at all."""
    if not _roles(member, Action.READ_CASE) or member.id == case.about_staff:
        return False
    if case.confidential:
        return bool(_roles(member, Action.READ_CONFIDENTIAL_CASE)) and (
            bool(member.roles & SEE_CONFIDENTIAL) or case.assignee == member.id)
    return bool(member.roles & SEE_ALL) or case.assignee == member.id or (
        bool(member.department) and case.department == member.department)


def may(member: StaffMember, action: Action, case: Case) -> bool:
    """Whether the member may take `action` on this case (roles and need-to-know, not status)."""
    roles = _roles(member, action)
    if not roles:
        return False
    if not may_see(member, case):
        return (action in ON_THE_REQUEST_ALONE and case.confidential
                and member.id != case.about_staff)
    if action in ASSIGNEE_ONLY:
        return case.assignee == member.id
    if action in ASSIGNEE_ACTIONS and roles == {Role.HANDLER}:
        return case.assignee == member.id
    return True


def check(member: StaffMember, action: Action, case: Case) -> None:
    """Raise Forbidden unless the member may take the action on this case, naming the action,
    or `read_confidential_case` when the case is confidential and that is what they lack."""
    if not may(member, action, case):
        locked_out = case.confidential and not may_see(member, case)
        raise Forbidden(Action.READ_CONFIDENTIAL_CASE if locked_out else action, member.id)


def allowed_actions(member: StaffMember, case: Case) -> list[str]:
    """What the member may do to the case now, by `CASE_ACTIONS` name, in its order."""
    allowed = []
    for name, (action, command) in CASE_ACTIONS.items():
        action = assign_action(case) if name == "assign" else action
        if command is not None and (case.status, command) not in TRANSITIONS:
            continue
        if name == "reveal_identity" and case.anonymous:
            continue  # nothing to reveal
        if name in ("approve_reply", "send_back_reply") and not case.replies:
            continue  # nothing waits
        if name == "complete_corrective_action" and all(
                a.get("done_on") for a in case.corrective_actions):
            continue  # nothing open
        if name == "request_extension" and not open_to(case)[0]:
            continue  # no deadline of its own, or extended, or one waits
        if name in ("approve_extension", "refuse_extension") and not open_to(case)[1]:
            continue  # nothing waits
        if name == "record_materials_complete" and any(
                clock.name == COMPENSATION for clock in running(case)):
            continue  # recorded already, not yet decided
        if name in DISCLOSURE_ACTIONS and name not in disclosure_open_to(case, member.id):
            continue  # not major, nothing waits, or their own proposal
        if name == "release_held_report" and (not case.misuse_hold
                                               or case.misuse_hold.get("released_at")):
            continue  # never held, or released already
        if may(member, action, case):
            allowed.append(name)
    return allowed
