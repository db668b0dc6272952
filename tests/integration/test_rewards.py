"""Rewards for valid reports (R21) and the reward ledger, on both stores: recorded on a closed
report its decision upheld (in whole or in part), approved by an active leader, paid on a day not
in the future, once per request; the ledger newest paid first, a keyset page at a time, with the
totals of a period."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from shared.domain.cases import EventType, Kind, Status
from shared.domain.errors import CommandRefused, InvalidCommand, TransitionNotAllowed
from shared.domain.permissions import Forbidden
from shared.domain.staff import Role
from tests.integration.test_report_marks import marks_on
from tests.support.builders import a_decision_record
from tests.support.staff_desk import StaffDesk


@pytest.fixture
def desk(store, clock):
    return StaffDesk(store, clock)


@pytest.fixture
def marks(desk):
    return marks_on(desk)


def upheld_report(desk: StaffDesk, outcome: str = "upheld", **fields) -> str:
    record = a_decision_record(outcome=outcome)
    return desk.case(Status.CLOSED, **{"kind": Kind.REPORT, "decision": {
        "record": record, "sent": record, "drafted_by": "h", "approved_by": "s"}, **fields})


def reward(leader_id: str, request_id: str = "req-0000001", **changes) -> dict:
    return {"amount_fen": 20000, "approved_by": leader_id, "paid_on": "2026-11-28",
            "request_id": request_id, "note": "举报属实，奖励 200 元", **changes}


def test_a_reward_is_recorded_in_the_ledger_with_its_event(desk, marks):
    supervisor, leader = desk.member(Role.SUPERVISOR), desk.member(Role.LEADER)
    number = upheld_report(desk)
    result = marks.record_reward(supervisor, number, **reward(leader.member.id))
    entry = result["reward"]
    assert not result["repeated"] and result["case"]["number"] == number
    assert (entry["case_number"], entry["amount_fen"], entry["approved_by"], entry["paid_on"],
            entry["recorded_by"]) == (number, 20000, leader.member.id, "2026-11-28",
                                      supervisor.member.id)
    [event] = desk.events(number, EventType.REWARD_RECORDED)
    assert event.actor == supervisor.actor and event.data["amount_fen"] == 20000
    assert event.data["reward_id"] == entry["reward_id"] and not event.public
    assert marks.reward_ledger(supervisor)["rewards"] == [entry]


def test_the_same_request_again_records_nothing_more(desk, marks):
    supervisor, leader = desk.member(Role.SUPERVISOR), desk.member(Role.LEADER)
    number = upheld_report(desk, outcome="partly_upheld")
    first = marks.record_reward(supervisor, number, **reward(leader.member.id))
    again = marks.record_reward(supervisor, number, **reward(leader.member.id))
    assert again["repeated"] and again["reward"] == first["reward"]
    assert len(desk.events(number, EventType.REWARD_RECORDED)) == 1
    assert len(marks.reward_ledger(supervisor)["rewards"]) == 1
    other = upheld_report(desk)
    with pytest.raises(InvalidCommand) as refused:  # the request id names another case's reward
        marks.record_reward(supervisor, other, **reward(leader.member.id))
    assert refused.value.errors == {"request_id": "duplicate"}
    assert desk.events(other, EventType.REWARD_RECORDED) == []
    # Another request is another reward (paid in two parts).
    marks.record_reward(supervisor, number, **reward(leader.member.id, "req-0000002"))
    assert len(marks.reward_ledger(supervisor)["rewards"]) == 2


@pytest.mark.parametrize("outcome", ["not_upheld", "no_violation_found", "referred"])
def test_no_reward_for_a_report_not_upheld(desk, marks, outcome):
    supervisor, leader = desk.member(Role.SUPERVISOR), desk.member(Role.LEADER)
    number = upheld_report(desk, outcome=outcome)
    before = desk.snapshot(number)
    with pytest.raises(CommandRefused) as refused:
        marks.record_reward(supervisor, number, **reward(leader.member.id))
    assert refused.value.code == "not_upheld"
    assert desk.snapshot(number) == before and marks.reward_ledger(supervisor)["rewards"] == []


def test_no_reward_for_a_complaint_or_a_case_not_closed(desk, marks):
    supervisor, leader = desk.member(Role.SUPERVISOR), desk.member(Role.LEADER)
    complaint = upheld_report(desk, kind=Kind.COMPLAINT)
    with pytest.raises(CommandRefused) as refused:
        marks.record_reward(supervisor, complaint, **reward(leader.member.id))
    assert refused.value.code == "not_a_report"
    open_report = desk.case(Status.IN_PROGRESS, kind=Kind.REPORT)
    with pytest.raises(TransitionNotAllowed):
        marks.record_reward(supervisor, open_report, **reward(leader.member.id, "req-0000003"))
    assert marks.reward_ledger(supervisor)["rewards"] == []


def test_bad_rewards_are_refused_field_by_field(desk, marks, clock):
    supervisor, leader = desk.member(Role.SUPERVISOR), desk.member(Role.LEADER)
    handler = desk.member(Role.HANDLER)
    gone = desk.member(Role.LEADER, active=False)
    number = upheld_report(desk)
    before = desk.snapshot(number)
    tomorrow = (clock.now() + timedelta(days=2)).date().isoformat()
    for changes, errors in [
        ({"amount_fen": 0}, {"amount_fen": "too_small"}),
        ({"amount_fen": -5}, {"amount_fen": "too_small"}),
        ({"amount_fen": 10**12}, {"amount_fen": "too_large"}),
        ({"amount_fen": "200"}, {"amount_fen": "invalid"}),
        ({"amount_fen": 2.5}, {"amount_fen": "invalid"}),
        ({"amount_fen": True}, {"amount_fen": "invalid"}),
        ({"amount_fen": None}, {"amount_fen": "required"}),
        ({"approved_by": handler.member.id}, {"approved_by": "not_a_leader"}),
        ({"approved_by": gone.member.id}, {"approved_by": "inactive"}),
        ({"approved_by": "nobody"}, {"approved_by": "unknown_staff"}),
        ({"approved_by": "a/b"}, {"approved_by": "unknown_staff"}),
        ({"approved_by": ".."}, {"approved_by": "unknown_staff"}),
        ({"approved_by": "__leader__"}, {"approved_by": "unknown_staff"}),
        ({"approved_by": "\ud800"}, {"approved_by": "invalid"}),
        ({"request_id": "req-\ud800-0001"}, {"request_id": "invalid"}),
        ({"amount_fen": 10**30}, {"amount_fen": "too_large"}),
        ({"approved_by": ""}, {"approved_by": "required"}),
        ({"paid_on": tomorrow}, {"paid_on": "in_future"}),
        ({"paid_on": "28/11/2026"}, {"paid_on": "invalid"}),
        ({"request_id": "short"}, {"request_id": "invalid"}),
        ({"request_id": "has spaces in it"}, {"request_id": "invalid"}),
        ({"request_id": None}, {"request_id": "required"}),
        ({"note": "长" * 2001}, {"note": "too_long"}),
    ]:
        with pytest.raises(InvalidCommand) as refused:
            marks.record_reward(supervisor, number, **reward(leader.member.id, **changes))
        assert refused.value.errors == errors, changes
    assert desk.snapshot(number) == before and marks.reward_ledger(supervisor)["rewards"] == []


def test_who_may_record_and_read_rewards(desk, marks):
    leader = desk.member(Role.LEADER)
    number = upheld_report(desk)
    for role in (Role.CLERK, Role.HANDLER, Role.AUDITOR, Role.ADMIN):
        with pytest.raises(Forbidden):
            marks.record_reward(desk.member(role), number, **reward(leader.member.id))
    marks.record_reward(leader, number, **reward(leader.member.id))  # a leader records their own
    for role in (Role.CLERK, Role.HANDLER, Role.ADMIN):
        with pytest.raises(Forbidden):
            marks.reward_ledger(desk.member(role))
    assert len(marks.reward_ledger(desk.member(Role.AUDITOR))["rewards"]) == 1


def test_the_ledger_pages_newest_paid_first_with_the_totals_of_a_period(desk, marks):
    supervisor, leader = desk.member(Role.SUPERVISOR), desk.member(Role.LEADER)
    paid = [date(2026, 11, day) for day in (3, 20, 1, 15, 28)]
    for i, day in enumerate(paid):
        marks.record_reward(supervisor, upheld_report(desk), **reward(
            leader.member.id, f"req-ledger-{i}", paid_on=day.isoformat(), amount_fen=1000 * (i + 1)))
    seen, after = [], None
    for _ in range(len(paid)):  # bounded: a cursor that does not move must fail, not loop
        page = marks.reward_ledger(supervisor, after=after, limit=2)
        assert len(page["rewards"]) <= 2 and "totals" not in page
        seen += [entry["paid_on"] for entry in page["rewards"]]
        after = page["next"]
        if after is None:
            break
    assert seen == [day.isoformat() for day in sorted(paid, reverse=True)]
    period = marks.reward_ledger(supervisor, paid_from="2026-11-03", paid_until="2026-11-20")
    assert [e["paid_on"] for e in period["rewards"]] == ["2026-11-20", "2026-11-15", "2026-11-03"]
    assert period["totals"] == {"from": "2026-11-03", "until": "2026-11-20", "count": 3,
                                "amount_fen": 1000 + 2000 + 4000}
    since = marks.reward_ledger(supervisor, paid_from="2026-11-15", limit=1)
    assert since["totals"]["count"] == 3 and since["totals"]["amount_fen"] == 2000 + 4000 + 5000


def test_bad_ledger_requests_are_refused(desk, marks):
    supervisor = desk.member(Role.SUPERVISOR)
    for query, errors in [
        ({"limit": 0}, {"limit": "invalid"}),
        ({"limit": 101}, {"limit": "invalid"}),
        ({"after": "anything"}, {"after": "invalid_cursor"}),
        ({"paid_from": "2026-13-01"}, {"from": "invalid"}),
        ({"paid_from": "2026-11-20", "paid_until": "2026-11-03"}, {"until": "out_of_range"}),
    ]:
        with pytest.raises(InvalidCommand) as refused:
            marks.reward_ledger(supervisor, **query)
        assert refused.value.errors == errors
    # The widest period there is: every entry, not a 500 on the day after 9999-12-31.
    widest = marks.reward_ledger(supervisor, paid_from="0001-01-01", paid_until="9999-12-31")
    assert widest["totals"]["until"] == "9999-12-31"
