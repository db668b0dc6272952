"""The deadline sweep's rules, without a store: what is due when, what is claimed, when to look
next."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain import sweep_rules
from shared.domain.cases import Severity, Status
from shared.domain.sweep_rules import MAX_CLAIMS, Step, SweepPolicy, next_look, plan
from tests.support.builders import a_case

START = datetime(2026, 11, 28, 12, 30, tzinfo=UTC)
DAY = timedelta(days=1)
POLICY = SweepPolicy()


def deciding(**fields):
    return a_case("TS-20261128-ABCDEF-0", START, status=Status.IN_PROGRESS, assignee="li.na",
                  decision_due_at=START + 5 * DAY, **fields)


@pytest.mark.parametrize("fraction", [0, 1, -0.5, 1.5])
def test_a_reminder_fraction_outside_zero_to_one_is_refused(fraction):
    with pytest.raises(ValueError):
        SweepPolicy(fraction)


def test_the_reminder_comes_when_the_fraction_of_the_decisions_time_is_left():
    case = deciding()
    assert plan(case, START + 4 * DAY - timedelta(seconds=1), POLICY).acts == []
    assert [d.step for d in plan(case, START + 4 * DAY, POLICY).acts] == [Step.REMINDER]
    half = START + timedelta(days=2.5)
    assert [d.at for d in plan(case, START + 4 * DAY, SweepPolicy(0.5)).acts] == [half]


def test_past_the_deadline_only_the_overdue_notice_is_given_and_the_reminder_claimed_too():
    case = deciding()
    due = plan(case, START + 8 * DAY, POLICY)
    assert [d.step for d in due.acts] == [Step.OVERDUE, Step.ESCALATION]  # and one week is past
    deadline = (START + 5 * DAY).isoformat()
    assert due.claims == [f"reminder:decision:{deadline}", f"overdue:decision:{deadline}",
                          "escalation:hot"]


def test_claimed_steps_are_not_due_again_and_the_next_look_is_the_next_unclaimed_moment():
    case = deciding()
    due = plan(case, START + 4 * DAY, POLICY)
    sweep_rules.claim(case, due.claims)
    assert plan(case, START + 4 * DAY, POLICY).acts == []
    assert next_look(case, START + 4 * DAY, POLICY) == START + 5 * DAY
    assert next_look(case, START + 4 * DAY, POLICY, retry_at=START + 4.5 * DAY) == (
        START + 4.5 * DAY)


def test_escalation_raises_only_to_the_highest_due_and_never_lowers():
    late = deciding()
    assert [d.severity for d in plan(late, START + 31 * DAY, POLICY).acts
            if d.step == Step.ESCALATION] == [Severity.MAJOR]
    already = deciding(severity=Severity.MAJOR)
    due = plan(already, START + 31 * DAY, POLICY)
    assert not [d for d in due.acts if d.step == Step.ESCALATION]
    assert {"escalation:hot", "escalation:major"} <= set(due.claims)


def test_an_appealed_case_is_not_escalated_nor_told_overdue_on_its_old_deadline():
    case = deciding(closed_at=START + 6 * DAY)
    case.status = Status.APPEALED
    assert plan(case, START + 60 * DAY, POLICY).acts == []
    assert next_look(case, START + 60 * DAY, POLICY) is None


def test_claims_are_bounded_the_oldest_dropped():
    case = deciding()
    sweep_rules.claim(case, [f"k{i}" for i in range(MAX_CLAIMS + 5)])
    assert len(case.sweep_claims) == MAX_CLAIMS and case.sweep_claims[-1] == f"k{MAX_CLAIMS + 4}"
