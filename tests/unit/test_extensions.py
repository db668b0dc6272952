"""The decision deadline's one extension (R13): asked with a reason, approved by a leader other
than who asked, once per case, only while the decision is not yet approved."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.cases import EventType, Status, staff_actor
from shared.domain.errors import CommandRefused, TransitionNotAllowed
from shared.domain.extensions import ApproveExtension, RefuseExtension, RequestExtension
from shared.domain.lifecycle import apply
from tests.support.builders import a_case

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
DUE = NOW + timedelta(days=10)
LATER = DUE + timedelta(days=7)
HANDLER, LEADER, OTHER_LEADER = staff_actor("li.na"), staff_actor("wang.leader"), staff_actor("zhao")


def a_case_deciding(status=Status.IN_PROGRESS, **fields):
    return a_case("TS-20261128-ABCDEF-0", NOW - timedelta(days=2), status=status,
                  assignee="li.na", decision_due_at=DUE, **fields)


def request(case, actor=HANDLER, days=5, at=NOW):
    return apply(case, RequestExtension(actor, "需要调取第三方物流记录", working_days=days,
                                        requested_at=at), at)


def approve(case, actor=LEADER, due=LATER, at=NOW):
    return apply(case, ApproveExtension(actor, case.extension.get("reason", ""),
                                        decision_due_at=due, decided_at=at), at)


def refused_code(call) -> str:
    with pytest.raises(CommandRefused) as refused:
        call()
    return refused.value.code


def test_an_approved_extension_moves_the_deadline_and_the_next_look_and_names_both_people():
    case = a_case_deciding()
    asked = request(case)
    assert asked.type == EventType.EXTENSION_REQUESTED and asked.actor == HANDLER
    assert asked.text == "需要调取第三方物流记录" and asked.data["working_days"] == 5
    approved = approve(case)
    assert case.decision_due_at == LATER and case.next_due_at == NOW
    assert approved.type == EventType.EXTENSION_APPROVED and approved.actor == LEADER
    assert approved.text == "需要调取第三方物流记录"
    assert approved.data["requested_by"] == "li.na"
    assert (approved.data["due_from"], approved.data["due_to"]) == (DUE.isoformat(),
                                                                   LATER.isoformat())
    assert case.extension["state"] == "approved" and case.extension["decided_by"] == "wang.leader"


def test_the_deadline_is_extended_once_per_case():
    case = a_case_deciding()
    request(case)
    approve(case)
    assert refused_code(lambda: request(case)) == "extension_used"
    assert case.decision_due_at == LATER


def test_a_second_request_while_one_waits_is_refused():
    case = a_case_deciding()
    request(case)
    assert refused_code(lambda: request(case, days=3)) == "extension_pending"


def test_who_asked_does_not_approve_or_refuse_it():
    case = a_case_deciding()
    request(case, actor=LEADER)
    assert refused_code(lambda: approve(case, actor=LEADER)) == "own_request"
    assert refused_code(lambda: apply(case, RefuseExtension(LEADER, "不同意"), NOW)) == "own_request"
    assert case.decision_due_at == DUE and case.extension["state"] == "requested"
    approve(case, actor=OTHER_LEADER)
    assert case.decision_due_at == LATER


def test_nothing_waiting_is_neither_approved_nor_refused():
    case = a_case_deciding()
    assert refused_code(lambda: approve(case)) == "no_extension_requested"
    assert refused_code(lambda: apply(case, RefuseExtension(LEADER, "不同意"), NOW)) == (
        "no_extension_requested")


def test_a_refused_request_uses_nothing_and_a_new_one_may_be_made():
    case = a_case_deciding()
    request(case)
    refused = apply(case, RefuseExtension(LEADER, "理由不充分"), NOW)
    assert refused.type == EventType.EXTENSION_REFUSED and refused.actor == LEADER
    assert case.decision_due_at == DUE and case.extension["refusal"] == "理由不充分"
    request(case, days=2)
    approve(case)
    assert case.decision_due_at == LATER


@pytest.mark.parametrize("days", [0, -1, 31])
def test_the_working_days_are_one_to_thirty(days):
    case = a_case_deciding()
    with pytest.raises(CommandRefused):
        request(case, days=days)
    assert case.extension == {}


def test_a_request_needs_a_reason_and_a_refusal_too():
    case = a_case_deciding()
    with pytest.raises(CommandRefused):
        apply(case, RequestExtension(HANDLER, " ", working_days=3), NOW)
    request(case)
    with pytest.raises(CommandRefused):
        apply(case, RefuseExtension(LEADER, ""), NOW)


def test_an_approval_must_move_the_deadline_later():
    case = a_case_deciding()
    request(case)
    assert refused_code(lambda: approve(case, due=DUE)) == "no_decision_deadline"


@pytest.mark.parametrize("status", [Status.DECISION_APPROVED, Status.CLOSED, Status.RECEIVED])
def test_not_once_the_decision_is_approved_nor_before_acceptance(status):
    case = a_case_deciding(status)
    with pytest.raises(TransitionNotAllowed):
        request(case)


def test_a_case_without_a_decision_deadline_of_its_own_has_none_to_extend():
    case = a_case_deciding(closed_at=DUE + timedelta(days=1))  # an appeal's old deadline
    assert refused_code(lambda: request(case)) == "no_decision_deadline"
