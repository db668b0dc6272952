"""The lifecycle table, cell by cell: every status against every command."""
from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.cases import REPORTER, SYSTEM, EventType, Severity, Status, staff_actor
from shared.domain.commands import (
    COMMANDS,
    AcceptCase,
    AppealDecision,
    AskReporter,
    AssignCase,
    CloseCase,
    CommandName,
    RejectCase,
    SetSeverity,
)
from shared.domain.errors import CommandRefused, TransitionNotAllowed
from shared.domain.lifecycle import TRANSITIONS, allowed_commands, apply
from tests.support.builders import a_case

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
CLERK = staff_actor("zhang.wei")
REVIEW_WITHIN = timedelta(hours=30)  # not the default, so a rule ignoring the command shows


def a_command(name: CommandName):
    """A well-formed command of each kind, given by an actor allowed to give it."""
    actor = REPORTER if name == CommandName.APPEAL_DECISION else CLERK
    extra = {CommandName.ASSIGN_CASE: {"assignee": "li.na", "department": "billing"},
             CommandName.SET_SEVERITY: {"severity": Severity.HOT},
             CommandName.REOPEN_CASE: {"review_within": REVIEW_WITHIN}}.get(name, {})
    return COMMANDS[name](actor=actor, reason=f"because of {name}", **extra)


def a_case_in(status: Status):
    return a_case("TS-20261128-ABCDEF-0", datetime(2026, 11, 28, 12, 30, tzinfo=UTC),
                  status=status)


def recording(case):
    """The events `apply` records on the case, whichever way the case keeps its timeline."""
    recorded, record = [], case.record

    def spy(event):
        recorded.append(event)
        record(event)

    case.record = spy
    return recorded


CELLS = [(status, name) for status in Status for name in CommandName]


def deadlines_after(case, name: CommandName, target: Status) -> tuple:
    """(review_due_at, next_due_at) the rule next to the table gives after a move."""
    if name == CommandName.REOPEN_CASE:  # the initial review starts again, as long as it is set
        restarted = NOW + REVIEW_WITHIN
        return restarted, restarted
    if target != case.status and target in (Status.ACCEPTED, Status.REJECTED, Status.CLOSED,
                                            Status.ARCHIVED):
        return case.review_due_at, None
    return case.review_due_at, case.next_due_at


@pytest.mark.parametrize("status, name", CELLS, ids=[f"{s}-{n}" for s, n in CELLS])
def test_every_cell_of_the_table(status, name):
    case = a_case_in(status)
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
    deadlines = deadlines_after(before, name, target)
    event = apply(case, command, NOW)
    assert case.status == target
    assert (case.review_due_at, case.next_due_at) == deadlines
    assert recorded == [event]
    assert event.type == command.event and event.at == NOW
    assert event.actor == CLERK or (name == CommandName.APPEAL_DECISION and event.actor == REPORTER)
    assert event.text == f"because of {name}"
    assert (event.data["status_from"], event.data["status_to"]) == (status.value, target.value)


def test_the_table_covers_the_lifecycle_the_next_issues_need():
    walk = [(AcceptCase, {}), (AssignCase, {"department": "billing"}), (COMMANDS["start_work"], {}),
            (AskReporter, {}), (COMMANDS["reporter_answered"], {}), (COMMANDS["draft_decision"], {}),
            (COMMANDS["send_back"], {}), (COMMANDS["draft_decision"], {}),
            (COMMANDS["approve_decision"], {}), (CloseCase, {}), (AppealDecision, {}),
            (COMMANDS["decide_appeal"], {}), (COMMANDS["archive_case"], {})]
    case = a_case_in(Status.RECEIVED)
    statuses = []
    for command, extra in walk:
        actor = REPORTER if command is AppealDecision else CLERK
        apply(case, command(actor=actor, reason="r", **extra), NOW)
        statuses.append(case.status.value)
    assert statuses == ["accepted", "assigned", "in_progress", "awaiting_reporter", "in_progress",
                        "decision_drafted", "in_progress", "decision_drafted", "decision_approved",
                        "closed", "appealed", "closed", "archived"]


def test_a_rejected_case_can_be_reopened_for_review():
    case = a_case_in(Status.RECEIVED)
    apply(case, RejectCase(actor=CLERK, reason="与本平台无关"), NOW)
    assert allowed_commands(case.status) == [CommandName.REOPEN_CASE]
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
    AppealDecision(actor=SYSTEM, reason="r"),  # only the person (or staff for them) appeals
])
def test_a_malformed_command_is_refused_and_changes_nothing(command):
    case = a_case_in(Status.RECEIVED if command.name != CommandName.ASSIGN_CASE else Status.ACCEPTED)
    if command.name == CommandName.APPEAL_DECISION:
        case = a_case_in(Status.CLOSED)
    before = copy.deepcopy(case)
    with pytest.raises(CommandRefused):
        apply(case, command, NOW)
    assert case == before
