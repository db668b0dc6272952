"""The rules of the case the decision commands carry (R12, R13, R16): nobody approves their own
draft, compensation above the threshold waits for a leader, the appeal window's edges, one appeal
only, and an appeal is decided by people who did not decide the case."""
from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.cases import REPORTER, Status, staff_actor
from shared.domain.commands import AssignCase
from shared.domain.decision_commands import (
    AppealDecision,
    ApproveCompensation,
    ApproveDecision,
    DraftDecision,
    SendBack,
)
from shared.domain.errors import CommandRefused
from shared.domain.lifecycle import apply
from shared.domain.replies import MAX_WAITING, ApproveReply, DraftReply
from tests.support.builders import a_case, a_decision_record

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
HANDLER, SUPERVISOR, LEADER = staff_actor("li.na"), staff_actor("chen.jing"), staff_actor("zhou.min")


def drafted(fen=None, status=Status.IN_PROGRESS):
    case = a_case("TS-20261128-ABCDEF-0", NOW - timedelta(days=3), status=status)
    record = a_decision_record(**({"compensation_fen": fen} if fen is not None else {}))
    apply(case, DraftDecision(HANDLER, decision=record), NOW)
    return case


def refused(case, command) -> str:
    before = copy.deepcopy(case)
    with pytest.raises(CommandRefused) as error:
        apply(case, command, NOW)
    assert case == before
    return error.value.code


def test_the_drafter_never_approves_their_own_draft():
    case = drafted()
    assert refused(case, ApproveDecision(HANDLER)) == "own_draft"
    apply(case, ApproveDecision(SUPERVISOR), NOW)
    assert case.decision["approved_by"] == "chen.jing"


@pytest.mark.parametrize("fen, leader_needed", [(50_000, False), (50_001, True)])
def test_compensation_above_the_threshold_waits_for_a_leader(fen, leader_needed):
    case = drafted(fen)
    if not leader_needed:
        apply(case, ApproveDecision(SUPERVISOR), NOW)
        return
    assert refused(case, ApproveDecision(SUPERVISOR)) == "leader_approval_needed"
    event = apply(case, ApproveCompensation(LEADER), NOW)
    assert event.data["amount_fen"] == fen
    apply(case, ApproveDecision(SUPERVISOR), NOW)
    assert case.status == Status.DECISION_APPROVED


def test_a_new_draft_needs_the_leader_again():
    case = drafted(80_000)
    apply(case, ApproveCompensation(LEADER), NOW)
    case.status = Status.IN_PROGRESS  # sent back, then drafted anew
    apply(case, DraftDecision(HANDLER, decision=a_decision_record(compensation_fen=90_000)), NOW)
    assert refused(case, ApproveDecision(SUPERVISOR)) == "leader_approval_needed"


def test_the_threshold_is_the_commands_setting():
    case = drafted(80_000)
    apply(case, ApproveDecision(SUPERVISOR, leader_threshold_fen=100_000), NOW)


def test_a_leader_approves_only_compensation():
    assert refused(drafted(), ApproveCompensation(LEADER)) == "no_compensation"


def closed(until=NOW):
    case = drafted()
    apply(case, ApproveDecision(SUPERVISOR), NOW)
    case.status, case.appeal_until = Status.CLOSED, until
    return case


def test_the_appeal_window_includes_its_last_moment_and_not_one_after():
    apply(closed(until=NOW), AppealDecision(REPORTER, "不服", lodged_at=NOW), NOW)
    late = closed(until=NOW - timedelta(microseconds=1))
    assert refused(late, AppealDecision(REPORTER, "不服", lodged_at=NOW)) == "appeal_window_closed"


def test_an_appeal_leaves_the_handler_and_remembers_who_decided():
    case = closed()
    event = apply(case, AppealDecision(REPORTER, "不服", lodged_at=NOW - timedelta(days=2)), NOW)
    assert event.data["lodged_at"] == (NOW - timedelta(days=2)).isoformat()
    assert (case.status, case.assignee, case.deciders) == (
        Status.APPEALED, "", ("li.na", "chen.jing"))
    assert refused(case, AssignCase(SUPERVISOR, assignee="li.na")) == "original_decider"
    assert refused(case, AssignCase(SUPERVISOR, assignee="chen.jing")) == "original_decider"
    apply(case, AssignCase(SUPERVISOR, assignee="wang.fang"), NOW)


@pytest.mark.parametrize("decider", [HANDLER, SUPERVISOR])
def test_the_original_deciders_neither_draft_nor_approve_the_appeal(decider):
    case = closed()
    apply(case, AppealDecision(REPORTER, "不服", lodged_at=NOW), NOW)
    case.status = Status.IN_PROGRESS
    assert refused(case, DraftDecision(decider, decision=a_decision_record())) == "original_decider"
    apply(case, DraftDecision(staff_actor("wang.fang"), decision=a_decision_record()), NOW)
    assert refused(case, ApproveDecision(decider)) == "original_decider"


def test_the_appeal_is_final():
    case = closed()
    apply(case, AppealDecision(REPORTER, "不服", lodged_at=NOW), NOW)
    case.status, case.appeal_until = Status.CLOSED, NOW + timedelta(days=30)
    assert refused(case, AppealDecision(REPORTER, "还是不服", lodged_at=NOW)) == "appeal_final"


def test_replies_wait_at_most_a_few_at_once_and_are_approved_by_someone_else():
    case = a_case("TS-20261128-ABCDEF-0", NOW, status=Status.IN_PROGRESS)
    for i in range(MAX_WAITING):
        apply(case, DraftReply(HANDLER, f"回复 {i}", reply_id=f"r{i}"), NOW)
    assert refused(case, DraftReply(HANDLER, "one more", reply_id="rx")) == "too_many_drafts"
    assert refused(case, ApproveReply(HANDLER, reply_id="r0")) == "own_draft"
    assert refused(case, ApproveReply(SUPERVISOR, reply_id="nope")) == "no_such_reply"
    event = apply(case, ApproveReply(SUPERVISOR, reply_id="r0"), NOW)
    assert event.data["drafted_by"] == "li.na" and len(case.replies) == MAX_WAITING - 1


def test_the_original_deciders_neither_send_back_nor_approve_compensation_on_appeal():
    case = drafted(80_000)
    apply(case, ApproveCompensation(LEADER), NOW)
    apply(case, ApproveDecision(SUPERVISOR), NOW)
    case.status, case.appeal_until = Status.CLOSED, NOW
    apply(case, AppealDecision(REPORTER, "不服", lodged_at=NOW), NOW)
    assert case.deciders == ("li.na", "chen.jing", "zhou.min")
    case.status = Status.IN_PROGRESS
    apply(case, DraftDecision(staff_actor("wang.fang"),
                              decision=a_decision_record(compensation_fen=90_000)), NOW)
    assert refused(case, SendBack(SUPERVISOR, "改一改")) == "original_decider"
    assert refused(case, ApproveCompensation(LEADER)) == "original_decider"
    apply(case, SendBack(staff_actor("qian.li"), "补充事实"), NOW)
