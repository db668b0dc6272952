"""Deadlines follow the lifecycle in the store: a case the sweep has nothing to do for leaves
`due_cases`, a reopened one comes back with its review restarted. Both stores."""
from __future__ import annotations

from datetime import timedelta

from shared.domain.cases import ReporterIdentity, staff_actor
from shared.domain.commands import AcceptCase, RejectCase, ReopenCase
from shared.domain.lifecycle import apply
from tests.conftest import START
from tests.support.builders import a_case, unique_number

CLERK = staff_actor("zhang.wei")
OVERDUE = START + timedelta(hours=25)  # past every new case's 24-hour review


def registered(store) -> str:
    number = unique_number()
    store.register(a_case(number, START), ReporterIdentity(number, email="a@example.com"), [])
    return number


def giving(command, at):
    """The change that gives `command` to the case at `at` (queues no notice)."""
    return lambda case: apply(case, command, at) and None


def due(store, now=OVERDUE) -> list[str]:
    return [case.number for case in store.due_cases(now, 50)]


def test_a_rejected_case_leaves_the_due_queue_and_a_reopened_one_returns(store):
    rejected, waiting = registered(store), registered(store)
    assert set(due(store)) == {rejected, waiting}
    store.update_case(rejected, giving(RejectCase(CLERK, "与本平台无关"), OVERDUE))
    assert due(store) == [waiting]
    assert store.get_case(rejected).next_due_at is None

    reopened_at = OVERDUE + timedelta(hours=1)
    store.update_case(rejected, giving(ReopenCase(CLERK, "初审有误"), reopened_at))
    case = store.get_case(rejected)
    assert case.review_due_at == case.next_due_at == reopened_at + timedelta(hours=24)
    assert rejected not in due(store, reopened_at + timedelta(hours=23))
    assert rejected in due(store, reopened_at + timedelta(hours=24))


def test_an_accepted_case_is_due_once_for_its_new_deadline_not_for_its_initial_review(store):
    number = registered(store)
    store.update_case(number, giving(AcceptCase(CLERK), OVERDUE))
    assert due(store, OVERDUE - timedelta(seconds=1)) == []  # the review's deadline is done
    assert due(store) == [number]  # the sweep places the decision's reminder once
