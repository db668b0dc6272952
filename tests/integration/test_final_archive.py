"""A case closed by the appeal's final decision has no appeal window; the sweep archives it once the
rating link of its notice stopped working (CD_FOLLOW_UP_LINK_DAYS after the closure), once, on both
stores; an open follow-up call holds the archive back, said once and tried daily."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from shared.adapters.clock import FixedClock
from shared.bootstrap import build_services
from shared.domain.cases import SYSTEM, EventType, Status
from shared.domain.sweep_rules import RULE_FINAL, SweepPolicy
from shared.services.deadline_sweep import DeadlineSweep
from tests.conftest import START
from tests.support.builders import a_case, an_identity, unique_number
from tests.support.closed_cases import close, decide_appeal
from tests.support.timeline import events_of

DAY = timedelta(days=1)
DECIDED = START + 10 * DAY  # the appeal's final decision


def finally_decided(store) -> str:
    number = unique_number()
    store.register(a_case(number, START), an_identity(number), [])
    close(store, number, START + DAY, appeal_until=START + 100 * DAY)
    decide_appeal(store, number, DECIDED)
    return number


def sweep_at(settings, store, moment, link_days: int = 14):
    app = build_services(replace(settings, follow_up_link_days=link_days), store=store,
                         clock=FixedClock(moment))
    return app.deadline_sweep.run(60)


def of_type(store, number, type_) -> list:
    return [e for e in events_of(store, number) if e.type == type_]


def test_a_finally_decided_case_is_archived_once_its_rating_period_is_over(settings, store):
    number = finally_decided(store)
    case = store.get_case(number)
    assert (case.status, case.appeal_until, case.next_due_at) == (Status.CLOSED, None, DECIDED)
    sweep_at(settings, store, DECIDED)  # reads it once and sets when it is archived
    assert store.get_case(number).next_due_at == DECIDED + 14 * DAY
    assert sweep_at(settings, store, DECIDED + 14 * DAY - timedelta(seconds=1)).cases_read == 0

    first = sweep_at(settings, store, DECIDED + 14 * DAY)
    again = sweep_at(settings, store, DECIDED + 15 * DAY)
    case = store.get_case(number)
    assert (case.status, case.archived_at, case.next_due_at) == (  # next: the identity's purge
        Status.ARCHIVED, DECIDED + 14 * DAY, DECIDED + 379 * DAY)
    [archived] = of_type(store, number, EventType.CASE_ARCHIVED)
    assert (archived.actor, archived.public, archived.text) == (SYSTEM, True, RULE_FINAL)
    assert first.actions == {"archive": 1, "staff_notices": 0} and again.cases_read == 0


def test_an_open_follow_up_call_holds_the_archive_back_said_once_and_tried_daily(settings, store):
    number = finally_decided(store)

    def unsatisfied(case):
        case.follow_up = {"rating": 1, "task_open": True,
                          "task_opened_at": (DECIDED + DAY).isoformat()}

    store.update_case(number, unsatisfied)
    sweep_at(settings, store, DECIDED)
    for day in (14, 14, 15):
        sweep_at(settings, store, DECIDED + day * DAY)
    case = store.get_case(number)
    assert case.status == Status.CLOSED and case.next_due_at == DECIDED + 16 * DAY
    notes = of_type(store, number, EventType.NOTE)
    assert [(e.data["archive_refused"], e.actor, e.public) for e in notes] == [
        ("follow_up_open", SYSTEM, False)]

    def called(case):
        case.follow_up = {**case.follow_up, "task_open": False}

    store.update_case(number, called)
    sweep_at(settings, store, DECIDED + 16 * DAY)
    assert store.get_case(number).status == Status.ARCHIVED


def test_two_sweeps_racing_archive_a_finally_decided_case_once(settings, store):
    number = finally_decided(store)
    sweep_at(settings, store, DECIDED)
    moment = DECIDED + 14 * DAY
    other = build_services(replace(settings, follow_up_link_days=14), store=store,
                           clock=FixedClock(moment)).deadline_sweep

    class Racing:
        """The store as one sweep sees it: the other sweep runs right after each page is read."""

        def __getattr__(self, name):
            return getattr(store, name)

        def due_cases(self, now, limit):
            page = store.due_cases(now, limit)
            other.run(60)
            return page

    late = DeadlineSweep(Racing(), FixedClock(moment),
                         SweepPolicy(archive_final_after=14 * DAY)).run(60)
    assert late.actions.get("archive", 0) == 0  # the other one archived it
    assert store.get_case(number).status == Status.ARCHIVED
    assert len(of_type(store, number, EventType.CASE_ARCHIVED)) == 1
