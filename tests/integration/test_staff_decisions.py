"""The decision through `StaffCases`, on both stores (R12–R16): drafted by the handler, approved by
the service centre (a leader first when compensation is above the threshold), and on approval the
case closes with exactly one closure notice; an appeal is decided by other people and its notice is
final. Replies to the reporter wait for approval the same way."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.cases import EventType, ReporterIdentity, Status
from shared.domain.decision_commands import AppealDecision
from shared.domain.decisions import Decision
from shared.domain.errors import CommandRefused, InvalidCommand, TransitionNotAllowed
from shared.domain.handling_policy import HandlingPolicy
from shared.domain.lifecycle import apply
from shared.domain.permissions import Forbidden
from shared.domain.staff import Role
from shared.services.staff_cases import StaffCases
from tests.integration.test_staff_cases import outbox_of, refused_unchanged
from tests.support.builders import a_decision_record
from tests.support.staff_desk import StaffDesk


@pytest.fixture
def desk(store, clock):
    return StaffDesk(store, clock)


def drafted(desk, fen=None, **case_fields):
    """A case its handler worked and drafted a decision on: (handler, number)."""
    handler = desk.member(department="运营部")
    number = desk.assigned_to(handler, **case_fields)
    record = a_decision_record(**({"compensation_fen": fen} if fen is not None else {}))
    desk.cases.draft_decision(handler, number, **record)
    return handler, number


def closure_notices(desk, number):
    return [m for m in outbox_of(desk, number) if m.template.value in ("case_closed",
                                                                        "appeal_decided")]


def test_the_handler_drafts_and_the_service_centre_approves_once_then_the_person_is_told(desk,
                                                                                       clock):
    handler, number = drafted(desk)
    assert desk.store.get_case(number).status == Status.DECISION_DRAFTED
    [draft] = desk.events(number, EventType.DECISION_DRAFTED)
    assert draft.data["decision"]["outcome"] == "partly_upheld" and not draft.public
    view = desk.cases.approve_decision(desk.supervisor(), number)
    assert view.status == "closed" and view.decision["approved_by"] == desk.supervisor().member.id
    # Exactly once: approving again is refused and queues nothing more.
    refused_unchanged(desk, number, TransitionNotAllowed,
                      lambda: desk.cases.approve_decision(desk.supervisor(), number))
    [notice] = closure_notices(desk, number)
    assert notice.template.value == "case_closed" and notice.language == "zh-CN"
    assert notice.details["decision"] == Decision.from_record(a_decision_record()).to_record()
    # Six calendar months after the notice, to the end of that day in Shanghai (R16).
    closed_local = clock.now().astimezone(desk.cases._zone).date()
    until = datetime.fromisoformat(notice.details["appeal_until"])
    assert until.astimezone(desk.cases._zone).date().month == (closed_local.month + 5) % 12 + 1
    assert (until + timedelta(microseconds=1)).astimezone(desk.cases._zone).hour == 0
    case = desk.store.get_case(number)
    assert case.appeal_until == until and case.closed_at == clock.now()
    [closed] = desk.events(number, EventType.CASE_CLOSED)
    assert closed.public and closed.actor == desk.supervisor().actor


def test_nobody_approves_their_own_draft(desk):
    supervisor = desk.member(Role.SUPERVISOR)
    number = desk.case(Status.IN_PROGRESS, assignee=supervisor.member.id)
    desk.cases.draft_decision(supervisor, number, **a_decision_record())
    refused = refused_unchanged(desk, number, CommandRefused,
                                lambda: desk.cases.approve_decision(supervisor, number))
    assert refused.code == "own_draft"


def test_a_bad_draft_is_refused_field_by_field_and_changes_nothing(desk):
    handler = desk.member()
    number = desk.assigned_to(handler)
    bad = a_decision_record(outcome="maybe", measures=[{"measure": "compensation"}])
    refused = refused_unchanged(desk, number, InvalidCommand,
                                lambda: desk.cases.draft_decision(handler, number, **bad))
    assert refused.errors == {"outcome": "invalid", "measures.0.amount_fen": "required"}


def test_a_handler_drafts_only_on_their_own_case(desk):
    _, number = drafted(desk)
    other = desk.member(department="运营部")
    with pytest.raises(Forbidden):
        desk.cases.draft_decision(other, number, **a_decision_record())


@pytest.mark.parametrize("fen, needs_leader", [(50_000, False), (50_001, True)])
def test_compensation_above_500_yuan_waits_for_a_leader(desk, fen, needs_leader):
    _, number = drafted(desk, fen)
    if needs_leader:
        refused = refused_unchanged(desk, number, CommandRefused,
                                    lambda: desk.cases.approve_decision(desk.supervisor(), number))
        assert refused.code == "leader_approval_needed"
        with pytest.raises(Forbidden):  # a supervisor is not a leader
            desk.cases.approve_compensation(desk.supervisor(), number)
        desk.cases.approve_compensation(desk.member(Role.LEADER), number)
    assert desk.cases.approve_decision(desk.supervisor(), number).status == "closed"


def test_the_threshold_is_the_policy_setting(store, clock):
    desk = StaffDesk(store, clock)
    desk.cases = StaffCases(store, clock, HandlingPolicy(leader_threshold_fen=100_000))
    _, number = drafted(desk, 80_000)
    assert desk.cases.approve_decision(desk.supervisor(), number).status == "closed"


def test_sending_back_returns_the_draft_to_the_handler_with_the_comment(desk):
    handler, number = drafted(desk)
    view = desk.cases.send_back(desk.supervisor(), number, "请补充事实依据")
    assert view.status == "in_progress" and closure_notices(desk, number) == []
    [back] = desk.events(number, EventType.DECISION_SENT_BACK)
    assert back.text == "请补充事实依据" and not back.public
    desk.cases.draft_decision(handler, number, **a_decision_record(outcome="upheld"))
    desk.cases.approve_decision(desk.supervisor(), number)
    assert closure_notices(desk, number)[0].details["decision"]["outcome"] == "upheld"


def test_a_reporter_without_an_address_is_closed_all_the_same_and_staff_see_why(desk):
    handler = desk.member()
    number = desk.assigned_to(handler, identity=ReporterIdentity("", phone="13900001111"))
    desk.cases.draft_decision(handler, number, **a_decision_record())
    desk.cases.approve_decision(desk.supervisor(), number)
    assert closure_notices(desk, number) == []
    [why] = desk.events(number, EventType.NOTICE_NOT_POSSIBLE)
    assert why.data["template"] == "case_closed"


def appealed(desk, clock):
    """A closed case its reporter appealed: (handler, number)."""
    handler, number = drafted(desk)
    desk.cases.approve_decision(desk.supervisor(), number)

    def appeal(case, now=clock.now()):
        apply(case, AppealDecision("reporter", "我不同意", lodged_at=now), now)

    desk.store.update_case(number, appeal)
    return handler, number


def test_an_appeal_is_decided_by_others_and_its_notice_is_final(desk, clock):
    handler, number = appealed(desk, clock)
    refused = refused_unchanged(desk, number, CommandRefused, lambda: desk.cases.assign(
        desk.supervisor(), number, assignee=handler.member.id, reason="复核"))
    assert refused.code == "original_decider"
    reviewer = desk.member(department="法务部")
    desk.cases.assign(desk.supervisor(), number, assignee=reviewer.member.id, reason="复核")
    desk.cases.start_work(reviewer, number)
    desk.cases.draft_decision(reviewer, number, **a_decision_record(outcome="upheld"))
    # The person still sees the first decision while the appeal's draft waits.
    assert desk.store.get_case(number).decision["sent"]["outcome"] == "partly_upheld"
    refused = refused_unchanged(desk, number, CommandRefused,
                                lambda: desk.cases.approve_decision(desk.supervisor(), number))
    assert refused.code == "original_decider"  # the supervisor approved the first decision
    second = desk.member(Role.SUPERVISOR)
    view = desk.cases.approve_decision(second, number)
    assert view.status == "closed" and view.appeal_until is None
    first, final = closure_notices(desk, number)
    assert (first.template.value, final.template.value) == ("case_closed", "appeal_decided")
    assert final.details["round"] == 1 and "appeal_until" not in final.details
    assert desk.store.get_case(number).decision["sent"]["outcome"] == "upheld"
    [decided] = desk.events(number, EventType.APPEAL_DECIDED)
    assert decided.public and decided.actor == second.actor


def test_a_handlers_reply_waits_for_the_service_centre(desk):
    handler = desk.member()
    number = desk.assigned_to(handler)
    view = desk.cases.message_reporter(handler, number, "请提供订单截图", request_information=True)
    [waiting] = view.replies_waiting
    assert view.status == "in_progress" and outbox_of(desk, number) == []
    assert waiting["question"] and waiting["drafted_by"] == handler.member.id
    refused = refused_unchanged(desk, number, Forbidden,
                                lambda: desk.cases.approve_reply(handler, number, waiting["id"]))
    view = desk.cases.approve_reply(desk.supervisor(), number, waiting["id"])
    assert view.status == "awaiting_reporter" and view.replies_waiting == []
    [sent] = outbox_of(desk, number)
    assert (sent.template.value, sent.text) == ("information_requested", "请提供订单截图")
    refused = refused_unchanged(desk, number, CommandRefused, lambda: desk.cases.approve_reply(
        desk.supervisor(), number, waiting["id"]))
    assert refused.code == "no_such_reply"


def test_a_reply_sent_back_is_never_sent(desk):
    handler = desk.member()
    number = desk.assigned_to(handler)
    [waiting] = desk.cases.message_reporter(handler, number, "我们一定赔偿").replies_waiting
    view = desk.cases.send_back_reply(desk.supervisor(), number, waiting["id"], "决定前不作承诺")
    assert view.replies_waiting == [] and outbox_of(desk, number) == []
    [back] = desk.events(number, EventType.REPLY_SENT_BACK)
    assert back.text == "决定前不作承诺" and not back.public


def test_a_supervisor_approving_their_own_reply_is_refused(desk):
    supervisor, other = desk.member(Role.SUPERVISOR), desk.member(Role.SUPERVISOR)
    number = desk.case(Status.IN_PROGRESS)
    # A supervisor's own message goes out at once: nothing waits.
    assert desk.cases.message_reporter(supervisor, number, "您好").replies_waiting == []
    assert [m.template.value for m in outbox_of(desk, number)] == ["handler_message"]
    assert other  # a second supervisor exists, yet nothing was waiting for them


def test_the_policy_may_waive_approval_for_plain_questions_of_a_role(store, clock):
    desk = StaffDesk(store, clock)
    desk.cases = StaffCases(store, clock, HandlingPolicy(
        reply_approval_waived_for=frozenset({"handler"})))
    handler = desk.member()
    number = desk.assigned_to(handler)
    view = desk.cases.message_reporter(handler, number, "请提供截图", request_information=True)
    assert view.status == "awaiting_reporter" and view.replies_waiting == []
    # A message that is not a plain question still waits.
    number = desk.assigned_to(handler)
    assert desk.cases.message_reporter(handler, number, "已联系商家").replies_waiting


def test_the_window_is_six_calendar_months_to_the_end_of_the_last_day():
    from zoneinfo import ZoneInfo

    from shared.services.appeal_window import appeal_until

    zone = ZoneInfo("Asia/Shanghai")
    closed = datetime(2026, 8, 31, 3, 0, tzinfo=UTC)  # 11:00 on 31 August in Shanghai
    until = appeal_until(closed, 6, zone)
    assert until == datetime(2027, 2, 28, 15, 59, 59, 999999, tzinfo=UTC)  # 23:59:59 on 28 Feb
    late = appeal_until(closed.replace(hour=17), 6, zone)  # 01:00 on 1 September in Shanghai
    assert (late.month, late.day) == (3, 1)
