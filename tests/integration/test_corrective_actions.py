"""Corrective actions (纠正措施, 《纠正措施程序》) on both stores: recorded with what is to be done,
an owner and a due day, listed on the case, marked done once with a note; bad input and refusals
change nothing; a retry with its request_id records one action."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared.domain.cases import EventType, Status
from shared.domain.errors import CommandRefused, InvalidCommand, TransitionNotAllowed
from shared.domain.permissions import Forbidden
from shared.domain.respondents import MAX_CORRECTIVE_ACTIONS, next_corrective_due
from shared.domain.staff import Role
from tests.support.staff_desk import StaffDesk

TODAY = "2026-11-28"  # the desk's clock: 2026-11-28 20:30 in Shanghai


@pytest.fixture
def desk(store, clock):
    return StaffDesk(store, clock)


def test_an_action_is_recorded_listed_and_done_once_with_a_note(desk, clock):
    handler = desk.member(Role.HANDLER, department="运营部")
    owner = desk.member(Role.SUPERVISOR, department="客服中心").member.id
    number = desk.assigned_to(handler, Status.CLOSED)
    view = desk.cases.record_corrective_action(handler, number, text="修订退款审核流程",
                                               owner=owner, due_on="2026-12-15")
    desk.cases.record_corrective_action(handler, number, text="培训客服", owner=owner,
                                        due_on=TODAY)  # today is not in the past
    view = desk.cases.view(handler, number)
    assert view.corrective_actions == [
        {"id": "1", "text": "修订退款审核流程", "owner": owner, "due_on": "2026-12-15",
         "done_on": "", "done_note": "", "recorded_by": handler.member.id},
        {"id": "2", "text": "培训客服", "owner": owner, "due_on": TODAY, "done_on": "",
         "done_note": "", "recorded_by": handler.member.id}]
    assert next_corrective_due(desk.store.get_case(number)) == date(2026, 11, 28)
    clock.advance(timedelta(days=2))
    done = desk.cases.complete_corrective_action(handler, number, "2", note="已完成全员培训")
    assert done.corrective_actions[1]["done_on"] == "2026-11-30"
    assert done.corrective_actions[1]["done_note"] == "已完成全员培训"
    assert next_corrective_due(desk.store.get_case(number)) == date(2026, 12, 15)
    before = desk.snapshot(number)
    with pytest.raises(CommandRefused) as refused:
        desk.cases.complete_corrective_action(handler, number, "2", note="再次完成")
    assert refused.value.code == "corrective_action_done" and desk.snapshot(number) == before
    with pytest.raises(CommandRefused) as refused:
        desk.cases.complete_corrective_action(handler, number, "9", note="不存在")
    assert refused.value.code == "no_such_corrective_action"
    [recorded, _] = desk.events(number, EventType.CORRECTIVE_ACTION_RECORDED)
    assert (recorded.text, recorded.actor) == ("修订退款审核流程", handler.actor)
    assert recorded.data["action_id"] == "1" and recorded.data["due_on"] == "2026-12-15"
    assert not recorded.public  # the platform's own improvement, not the reporter's to read
    [completed] = desk.events(number, EventType.CORRECTIVE_ACTION_DONE)
    assert completed.data["action_id"] == "2" and completed.text == "已完成全员培训"


def test_a_retry_with_its_request_id_records_one_action(desk):
    handler = desk.member(Role.HANDLER, department="运营部")
    number = desk.assigned_to(handler)
    for _ in range(2):
        desk.cases.record_corrective_action(handler, number, text="修订流程",
                                            owner=handler.member.id, due_on="2026-12-01",
                                            request_id="corrective-1")
    assert len(desk.store.get_case(number).corrective_actions) == 1


@pytest.mark.parametrize("fields, errors", [
    ({}, {"text": "required", "owner": "required", "due_on": "required"}),
    ({"text": " ", "owner": "OWNER", "due_on": "2026-11-27"},
     {"text": "required", "due_on": "in_past"}),
    ({"text": "t", "owner": "nobody.here", "due_on": "2026-12-01"}, {"owner": "unknown_staff"}),
    ({"text": "t", "owner": "INACTIVE", "due_on": "2026-12-01"}, {"owner": "inactive"}),
    ({"text": "t", "owner": "OWNER", "due_on": "next week"}, {"due_on": "invalid"}),
    ({"text": "t", "owner": "OWNER", "due_on": 20261201}, {"due_on": "invalid"}),
    ({"text": "长" * 2001, "owner": "OWNER", "due_on": "2026-12-01"}, {"text": "too_long"}),
    ({"text": "t", "owner": "OWNER", "due_on": "2026-12-01", "request_id": "短"},
     {"request_id": "invalid"}),
])
def test_bad_input_is_refused_field_by_field_and_changes_nothing(desk, fields, errors):
    handler = desk.member(Role.HANDLER, department="运营部")
    inactive = desk.member(Role.HANDLER, active=False).member.id
    number = desk.assigned_to(handler)
    names = {"OWNER": handler.member.id, "INACTIVE": inactive}
    fields = {k: names.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    before = desk.snapshot(number)
    with pytest.raises(InvalidCommand) as refused:
        desk.cases.record_corrective_action(handler, number, **fields)
    assert refused.value.errors == errors
    assert desk.snapshot(number) == before


def test_completing_needs_a_note(desk):
    handler = desk.member(Role.HANDLER, department="运营部")
    number = desk.assigned_to(handler)
    desk.cases.record_corrective_action(handler, number, text="t", owner=handler.member.id,
                                        due_on=TODAY)
    with pytest.raises(InvalidCommand) as refused:
        desk.cases.complete_corrective_action(handler, number, "1", note="")
    assert refused.value.errors == {"note": "required"}


def test_the_case_holds_a_bounded_number_and_none_once_archived(desk):
    supervisor = desk.member(Role.SUPERVISOR, department="客服中心")
    actions = [{"id": str(i), "text": "t", "owner": "x", "due_on": TODAY, "done_on": "",
                "done_note": "", "recorded_by": "x"} for i in range(1, MAX_CORRECTIVE_ACTIONS + 1)]
    full = desk.case(Status.IN_PROGRESS, corrective_actions=actions)
    with pytest.raises(CommandRefused) as refused:
        desk.cases.record_corrective_action(supervisor, full, text="t",
                                            owner=supervisor.member.id, due_on=TODAY)
    assert refused.value.code == "too_many_corrective_actions"
    archived = desk.case(Status.ARCHIVED, corrective_actions=actions[:1])
    with pytest.raises(TransitionNotAllowed):
        desk.cases.complete_corrective_action(supervisor, archived, "1", note="done")
    with pytest.raises(TransitionNotAllowed):
        desk.cases.record_corrective_action(supervisor, archived, text="t",
                                            owner=supervisor.member.id, due_on=TODAY)


def test_a_handler_tracks_actions_of_their_own_cases_only(desk):
    handler = desk.member(Role.HANDLER, department="运营部")
    other = desk.member(Role.HANDLER, department="技术部")
    number = desk.assigned_to(other)
    with pytest.raises(Forbidden):
        desk.cases.record_corrective_action(handler, number, text="t", owner=handler.member.id,
                                            due_on=TODAY)


def test_staff_screens_offer_completing_only_while_an_action_is_open(desk):
    handler = desk.member(Role.HANDLER, department="运营部")
    number = desk.assigned_to(handler, Status.CLOSED)
    assert "complete_corrective_action" not in desk.cases.view(handler, number).allowed_actions
    desk.cases.record_corrective_action(handler, number, text="修订流程",
                                        owner=handler.member.id, due_on=TODAY)
    assert "complete_corrective_action" in desk.cases.view(handler, number).allowed_actions
    desk.cases.complete_corrective_action(handler, number, "1", note="已修订")
    assert "complete_corrective_action" not in desk.cases.view(handler, number).allowed_actions
