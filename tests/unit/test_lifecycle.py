"""The lifecycle table, cell by cell: every status against every command."""
from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.case_flags import CaseFlags, Litigation
from shared.domain.case_updates import ClassifyCase, RecordConfidentialRead
from shared.domain.cases import REPORTER, SYSTEM, EventType, Kind, Severity, Status, staff_actor
from shared.domain.commands import (
    AcceptCase,
    AskReporter,
    AssignCase,
    CommandName,
    RejectCase,
    SetSeverity,
)
from shared.domain.decision_commands import AppealDecision, CloseCase, DecideAppeal
from shared.domain.errors import CommandRefused, TransitionNotAllowed
from shared.domain.lifecycle import COMMANDS, TRANSITIONS, allowed_commands, apply
from shared.domain.review_reasons import RejectionReason
from tests.support.builders import a_case, a_decision_record

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
CLERK = staff_actor("zhang.wei")
CLIENT = "198.51.100.7"
REVIEW_WITHIN = timedelta(hours=30)  # not the default, so a rule ignoring the command shows
DECIDE_WITHIN = timedelta(days=20)  # likewise
DECISION_DUE = NOW + timedelta(days=10)
EXTENDED = DECISION_DUE + timedelta(days=7)


def a_command(name: CommandName):
    """A well-formed command of each kind, given by an actor allowed to give it."""
    actor = REPORTER if name in (CommandName.APPEAL_DECISION, CommandName.RATE_HANDLING) else CLERK
    extra = {CommandName.ASSIGN_CASE: {"assignee": "li.na", "department": "billing"},
             CommandName.SET_SEVERITY: {"severity": Severity.HOT},
             CommandName.REOPEN_CASE: {"review_within": REVIEW_WITHIN},
             CommandName.ACCEPT_CASE: {"decide_within": DECIDE_WITHIN},
             CommandName.CLASSIFY_CASE: {"category": "billing"},
             CommandName.REFER_OUT: {"referred_on": date(2026, 11, 29)},
             CommandName.DRAFT_DECISION: {"decision": a_decision_record()},
             CommandName.APPEAL_DECISION: {"lodged_at": NOW},
             CommandName.DRAFT_REPLY: {"reply_id": "r2"},
             CommandName.APPROVE_REPLY: {"reply_id": "r1"},
             CommandName.SEND_BACK_REPLY: {"reply_id": "r1"},
             CommandName.RECORD_CORRECTIVE_ACTION: {"owner": "li.na", "due_on": date(2026, 12, 5)},
             CommandName.COMPLETE_CORRECTIVE_ACTION: {"action_id": "1",
                                                      "done_on": date(2026, 11, 30)},
             CommandName.RATE_HANDLING: {"rating": 4, "outbox_id": "o1"},
             CommandName.REQUEST_EXTENSION: {"working_days": 5},
             CommandName.APPROVE_EXTENSION: {"decision_due_at": EXTENDED, "decided_at": NOW},
             CommandName.RECORD_CONTACT: {"at": NOW},
             CommandName.RECORD_MATERIALS_COMPLETE: {"at": NOW, "due": NOW + timedelta(days=14)},
             CommandName.RELEASE_HELD_REPORT: {"review_within": REVIEW_WITHIN, "at": NOW},
             }.get(name, {})
    return COMMANDS[name](actor=actor, reason=f"because of {name}", client=CLIENT, **extra)


def a_case_in(status: Status):
    """A case in `status` whose own rules let every command through: a decision (with 100 yuan
    of compensation) drafted by someone else, a reply of someone else's waiting, an appeal window
    still open, a corrective action not done, a decision deadline with an extension someone else
    asked for (a request for one finds none waiting: `a_command_for`)."""
    return a_case("TS-20261128-ABCDEF-0", datetime(2026, 11, 28, 12, 30, tzinfo=UTC),
                  status=status, appeal_until=NOW + timedelta(days=1),
                  decision={"record": a_decision_record(compensation_fen=10_000),
                            "drafted_by": "li.na", "approved_by": "chen.supervisor"},
                  replies=[{"id": "r1", "text": "t", "question": False, "drafted_by": "li.na"}],
                  corrective_actions=[{"id": "1", "text": "t", "owner": "li.na",
                                       "due_on": "2026-12-01", "done_on": "", "done_note": "",
                                       "recorded_by": "li.na"}],
                  decision_due_at=DECISION_DUE,
                  extension={"state": "requested", "working_days": 5, "requested_by": "li.na"},
                  # a disclosure proposed by someone else (R22)
                  disclosure={"state": "proposed", "what": "w", "cause": "c", "measures": "m",
                              "proposed_by": "li.na"})


def recording(case):
    """The events `apply` records on the case, whichever way the case keeps its timeline."""
    recorded, record = [], case.record

    def spy(event):
        recorded.append(event)
        record(event)

    case.record = spy
    return recorded


CELLS = [(status, name) for status in Status for name in CommandName]


def deadlines_after(case, command, target: Status) -> tuple:
    """(review_due_at, next_due_at, decision_due_at) the rule next to the table gives after a
    move."""
    name = command.name
    if name in (CommandName.REOPEN_CASE, CommandName.RELEASE_HELD_REPORT):
        # the initial review starts again (a released report: now), as long as it is set
        restarted = NOW + REVIEW_WITHIN
        return restarted, restarted, case.decision_due_at
    if name == CommandName.ACCEPT_CASE:  # the review is done; the sweep looks at once and
        return case.review_due_at, NOW, NOW + DECIDE_WITHIN  # places the decision's moments
    if name == CommandName.APPROVE_EXTENSION:  # the new deadline, looked at at once
        return case.review_due_at, NOW, EXTENDED
    if target != case.status and target == Status.CLOSED:  # looked at again to archive it
        appeal_until = getattr(command, "appeal_until", None)  # the window it opens, if any
        # Without one (final), the sweep reads it at once and sets when it is archived.
        return case.review_due_at, appeal_until or NOW, case.decision_due_at
    if target != case.status and target == Status.ARCHIVED:  # the sweep sets the identity's
        return case.review_due_at, NOW, case.decision_due_at  # purge (retention) at once
    if target != case.status and target == Status.REJECTED:
        return case.review_due_at, None, case.decision_due_at
    return case.review_due_at, case.next_due_at, case.decision_due_at


@pytest.mark.parametrize("status, name", CELLS, ids=[f"{s}-{n}" for s, n in CELLS])
def test_every_cell_of_the_table(status, name):
    case = a_case_in(status)
    if name == CommandName.REQUEST_EXTENSION:
        case.extension = {}  # none asked for yet
    if name == CommandName.PROPOSE_DISCLOSURE:
        case.disclosure = {}  # none proposed yet
    if "disclosure" in name:
        case.severity = Severity.MAJOR  # only a major case is disclosed
    if name == CommandName.RELEASE_HELD_REPORT:
        case.misuse_hold = {"until": (NOW + timedelta(days=30)).isoformat()}  # held (R21)
    before = copy.deepcopy(case)
    recorded = recording(case)
    command = a_command(name)
    target = TRANSITIONS.get((status, name))
    if target is None:
        with pytest.raises(TransitionNotAllowed) as refused:
            apply(case, command, NOW)
        assert (refused.value.status, refused.value.command) == (status.value, name.value)
        del case.record
        assert case == before and recorded == []
        return
    deadlines = deadlines_after(before, command, target)
    event = apply(case, command, NOW)
    assert case.status == target
    assert (case.review_due_at, case.next_due_at, case.decision_due_at) == deadlines
    assert recorded == [event]
    assert event.type == command.event and event.at == NOW
    assert event.actor == CLERK or (name in (CommandName.APPEAL_DECISION, CommandName.RATE_HANDLING)
                                    and event.actor == REPORTER)
    assert event.text == f"because of {name}"
    assert (event.data["status_from"], event.data["status_to"]) == (status.value, target.value)
    # Every staff event says where the member acted from (R20); the reporter's does not.
    assert event.data.get("from") == (None if event.actor == REPORTER else CLIENT)


def test_every_command_is_in_the_table_and_the_ones_that_stay_are_where_they_should_be():
    assert set(COMMANDS) == set(CommandName) == {name for _, name in TRANSITIONS}
    staying = {name for (status, name), target in TRANSITIONS.items() if status == target
               and name != CommandName.ASSIGN_CASE}
    assert staying == {CommandName.SET_SEVERITY, CommandName.CLASSIFY_CASE,
                       CommandName.MESSAGE_REPORTER, CommandName.REFER_OUT, CommandName.ADD_NOTE,
                       CommandName.REVEAL_IDENTITY, CommandName.SET_CONFIDENTIALITY,
                       CommandName.RECORD_CONFIDENTIAL_READ, CommandName.DRAFT_REPLY,
                       CommandName.APPROVE_REPLY, CommandName.SEND_BACK_REPLY,
                       CommandName.APPROVE_COMPENSATION, CommandName.NOTIFY_RESPONDENT,
                       CommandName.RECORD_CORRECTIVE_ACTION,
                       CommandName.COMPLETE_CORRECTIVE_ACTION, CommandName.RATE_HANDLING,
                       CommandName.RECORD_FOLLOW_UP, CommandName.MARK_REPORT,
                       CommandName.RECORD_REWARD, CommandName.RECORD_EXPORT,
                       CommandName.REQUEST_EXTENSION, CommandName.APPROVE_EXTENSION,
                       CommandName.REFUSE_EXTENSION,
                       CommandName.RECORD_CONTACT, CommandName.RECORD_MATERIALS_COMPLETE,
                       CommandName.SET_MATTER, CommandName.PROPOSE_DISCLOSURE,
                       CommandName.APPROVE_DISCLOSURE, CommandName.REFUSE_DISCLOSURE,
                       CommandName.WITHDRAW_DISCLOSURE, CommandName.RELEASE_HELD_REPORT,
                       CommandName.LIFT_MISUSE_STANDING}
    # a read of an archived case is recorded too; an archived case is no longer classified
    assert (Status.ARCHIVED, CommandName.RECORD_CONFIDENTIAL_READ) in TRANSITIONS
    assert (Status.ARCHIVED, CommandName.MESSAGE_REPORTER) not in TRANSITIONS
    assert (Status.CLOSED, CommandName.CLASSIFY_CASE) not in TRANSITIONS


def test_the_table_covers_the_lifecycle_the_next_issues_need():
    decision = {"decision": a_decision_record()}
    handler, supervisor, reviewer = (staff_actor(n) for n in ("li.na", "chen.jing", "wang.fang"))
    walk = [(AcceptCase, CLERK, {}), (AssignCase, CLERK, {"department": "billing"}),
            (COMMANDS["start_work"], handler, {}), (AskReporter, handler, {}),
            (COMMANDS["reporter_answered"], handler, {}),
            (COMMANDS["draft_decision"], handler, decision), (COMMANDS["send_back"], supervisor, {}),
            (COMMANDS["draft_decision"], handler, decision),
            (COMMANDS["approve_decision"], supervisor, {}),
            (CloseCase, supervisor, {"appeal_until": NOW + timedelta(days=1)}),
            (AppealDecision, REPORTER, {"lodged_at": NOW}),
            (AssignCase, CLERK, {"assignee": "wang.fang"}), (COMMANDS["start_work"], reviewer, {}),
            (COMMANDS["draft_decision"], reviewer, decision),
            (COMMANDS["approve_decision"], staff_actor("zhou.min"), {}),
            (COMMANDS["decide_appeal"], staff_actor("zhou.min"), {}),
            (COMMANDS["archive_case"], CLERK, {})]
    case = a_case_in(Status.RECEIVED)
    statuses = []
    for command, actor, extra in walk:
        apply(case, command(actor=actor, reason="r", **extra), NOW)
        statuses.append(case.status.value)
    assert statuses == ["accepted", "assigned", "in_progress", "awaiting_reporter", "in_progress",
                        "decision_drafted", "in_progress", "decision_drafted", "decision_approved",
                        "closed", "appealed", "assigned", "in_progress", "decision_drafted",
                        "decision_approved", "closed", "archived"]
    assert case.deciders == ("li.na", "chen.jing") and case.appeal_until is None


def test_a_rejected_case_can_be_reopened_for_review():
    case = a_case_in(Status.RECEIVED)
    apply(case, RejectCase(actor=CLERK, reason="与本平台无关"), NOW)
    moving = [name for name in allowed_commands(case.status)
              if TRANSITIONS[(case.status, name)] != case.status]
    assert moving == [CommandName.REOPEN_CASE]
    event = apply(case, COMMANDS["reopen_case"](actor=staff_actor("supervisor.chen"),
                                                reason="初审有误"), NOW)
    assert case.status == Status.RECEIVED
    assert (event.type, event.actor) == (EventType.CASE_REOPENED, "staff:supervisor.chen")
    assert case.review_due_at == case.next_due_at == NOW + timedelta(hours=24)


def test_assignment_names_the_handler_and_department_and_reassignment_replaces_them():
    case = a_case_in(Status.ACCEPTED)
    apply(case, AssignCase(actor=CLERK, assignee="li.na", department="billing"), NOW)
    assert (case.status, case.assignee, case.department) == (Status.ASSIGNED, "li.na", "billing")
    event = apply(case, AssignCase(actor=CLERK, reason="李娜回避：投诉涉及本人",
                                   department="customer_service"), NOW)
    assert (case.assignee, case.department) == ("", "customer_service")
    assert (event.type, event.text) == (EventType.CASE_ASSIGNED, "李娜回避：投诉涉及本人")


def test_severity_is_set_with_its_old_and_new_value_and_only_while_the_case_is_open():
    case = a_case_in(Status.IN_PROGRESS)
    event = apply(case, SetSeverity(actor=SYSTEM, reason="3 complaints about one matter in a month",
                                    severity=Severity.HOT), NOW)
    assert case.severity == Severity.HOT and case.status == Status.IN_PROGRESS
    assert (event.data["severity_from"], event.data["severity_to"]) == ("general", "hot")
    assert event.actor == SYSTEM
    closed = a_case_in(Status.CLOSED)
    with pytest.raises(TransitionNotAllowed):
        apply(closed, SetSeverity(actor=CLERK, reason="r", severity=Severity.MAJOR), NOW)
    assert closed.severity == Severity.GENERAL


@pytest.mark.parametrize("command", [
    RejectCase(actor=CLERK, reason="  "),  # the reason is told to the person (R6)
    AcceptCase(actor=REPORTER),  # the person does not review their own case
    AcceptCase(actor="staff:"),  # a staff actor without an id
    AcceptCase(actor=""),
    AssignCase(actor=CLERK, reason="r"),  # to nobody
    AppealDecision(actor=SYSTEM, reason="r", lodged_at=NOW),  # only the person (or staff) appeals
    AppealDecision(actor=REPORTER, reason="r"),  # when
])
def test_a_malformed_command_is_refused_and_changes_nothing(command):
    case = a_case_in(Status.RECEIVED if command.name != CommandName.ASSIGN_CASE else Status.ACCEPTED)
    if command.name == CommandName.APPEAL_DECISION:
        case = a_case_in(Status.CLOSED)
    before = copy.deepcopy(case)
    with pytest.raises(CommandRefused):
        apply(case, command, NOW)
    assert case == before


def test_accepting_sets_the_decision_due_and_has_the_sweep_look_at_once():
    case = a_case_in(Status.RECEIVED)
    apply(case, AcceptCase(actor=CLERK), NOW)
    assert (case.decision_due_at, case.next_due_at) == (NOW + timedelta(days=15), NOW)
    apply(case, AssignCase(actor=CLERK, department="billing"), NOW + timedelta(days=1))
    assert case.next_due_at == NOW  # assignment leaves it
    late = a_case_in(Status.RECEIVED)  # accepted after its first week: looked at at once too,
    accepted = late.received_at + timedelta(days=8)  # not first at its decision deadline
    apply(late, AcceptCase(actor=CLERK), accepted)
    assert late.next_due_at == accepted


@pytest.mark.parametrize("ground, extra, refused", [
    (RejectionReason.NO_FACTS, {}, False),  # a ground from the list needs no text
    (RejectionReason.OTHER, {"reason": " "}, True),  # other needs its words
    (RejectionReason.DUPLICATE, {}, True),  # a duplicate names the other case
    (RejectionReason.DUPLICATE, {"duplicate_of": "TS-20261128-ABCDEG-0"}, False),
])
def test_a_rejection_names_its_ground(ground, extra, refused):
    case = a_case_in(Status.RECEIVED)
    command = RejectCase(actor=CLERK, ground=ground, **extra)
    if refused:
        with pytest.raises(CommandRefused):
            apply(case, command, NOW)
        assert case.status == Status.RECEIVED
        return
    event = apply(case, command, NOW)
    assert event.data["ground"] == ground.value and event.public
    assert event.data.get("duplicate_of", "") == extra.get("duplicate_of", "")


def test_classifying_records_what_changed_from_what_to_what():
    case = a_case_in(Status.IN_PROGRESS)
    flags = CaseFlags(litigation=Litigation.LIKELY, collective_size=4)
    event = apply(case, ClassifyCase(actor=CLERK, reason="媒体已关注", client=CLIENT,
                                     kind=Kind.REPORT, category="fraud", flags=flags), NOW)
    assert (case.kind, case.category, case.flags) == (Kind.REPORT, "fraud", flags)
    assert {k: v for k, v in event.data.items() if k.endswith(("_from", "_to"))} == {
        "status_from": "in_progress", "status_to": "in_progress",
        "kind_from": "complaint", "kind_to": "report", "category_from": "service",
        "category_to": "fraud", "flags_from": {},
        "flags_to": {"litigation": "likely", "collective_size": 4}}
    assert case.severity == Severity.GENERAL  # the flags' severity is the service's next command
    with pytest.raises(CommandRefused):
        apply(case, ClassifyCase(actor=CLERK, reason="nothing"), NOW)


def test_only_staff_record_reads_and_only_staff_events_carry_a_client():
    archived = a_case_in(Status.ARCHIVED)
    with pytest.raises(CommandRefused):
        apply(archived, RecordConfidentialRead(actor=REPORTER), NOW)
    event = apply(archived, RecordConfidentialRead(actor=CLERK), NOW)
    assert event.data["from"] == "" and event.data["read"] == "view"
    by_system = apply(a_case_in(Status.RECEIVED),
                      SetSeverity(actor=SYSTEM, reason="r", severity=Severity.HOT), NOW)
    assert "from" not in by_system.data


def test_a_closed_case_is_next_looked_at_when_its_appeal_window_ends_and_a_final_one_at_once():
    case = a_case_in(Status.DECISION_APPROVED)
    until = NOW + timedelta(days=183)
    apply(case, CloseCase(actor=CLERK, appeal_until=until), NOW)
    assert (case.status, case.next_due_at) == (Status.CLOSED, until)  # the sweep archives it then
    final = a_case_in(Status.DECISION_APPROVED)
    apply(final, DecideAppeal(actor=CLERK), NOW)
    # No window: the sweep reads it at once and sets when it is archived (its own policy).
    assert (final.status, final.appeal_until, final.next_due_at) == (Status.CLOSED, None, NOW)
