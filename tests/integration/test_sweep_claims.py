"""The sweep's claims on both stores: each notice of a deadline goes out once, whatever zone the
deadline was counted in, however long the case stays open, and when a case fails again and again."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from shared.adapters.chinese_working_days import ChineseWorkingDays, YearSchedule
from shared.adapters.clock import FixedClock
from shared.domain import sweep_rules
from shared.domain.cases import Severity, Status
from shared.domain.provisional_deadlines import DECISION, counted
from shared.domain.staff import Role
from shared.domain.working_time import WorkingCalendar, WorkingHours, add_working_days
from shared.services.deadline_sweep import DeadlineSweep
from tests.conftest import START
from tests.support.builders import a_case, an_identity, unique_number
from tests.support.staff_builders import staff_member
from tests.support.timeline import events_of

BEIJING = ZoneInfo("Asia/Shanghai")
DAY = timedelta(days=1)
GUESSED = WorkingCalendar(ChineseWorkingDays({}), WorkingHours())  # 2027 has no data
# 2027 published with no holiday at all: every deadline counted on the guess stays where it was.
PUBLISHED = WorkingCalendar(ChineseWorkingDays({2027: YearSchedule(frozenset(), frozenset())}),
                            WorkingHours())


def staff(store) -> tuple[str, str]:
    handler, boss = staff_member((Role.HANDLER,)), staff_member((Role.SUPERVISOR,))
    store.put_staff(handler)
    store.put_staff(boss)
    return handler.id, boss.id


def sent(store, number, template: str) -> list[str]:
    """The staff each notice of `template` on the case went to, in order."""
    return [store.get_outbox(e.data["outbox_id"]).details.get("staff", "")
            for e in events_of(store, number)
            if e.type.value == "notice_queued" and e.data.get("template") == template]


def sweep_twice(store, at: datetime, **options) -> dict:
    first = DeadlineSweep(store, FixedClock(at), **options).run(60)
    DeadlineSweep(store, FixedClock(at), **options).run(60)  # Scheduler delivers at least once
    return first.actions


def sweep_until(store, number, until: datetime, **options) -> None:
    """Sweep at each moment the case asks to be looked at, as the scheduled sweep would."""
    while (due := store.get_case(number).next_due_at) is not None and due <= until:
        sweep_twice(store, due, **options)


def test_a_recount_that_finds_the_same_deadline_tells_nobody_again(store):
    handler, boss = staff(store)
    accepted = datetime(2026, 12, 21, 10, 0, tzinfo=BEIJING)  # a Monday; 2027 unknown
    due = add_working_days(GUESSED, accepted, 15)  # Monday 11 January 2027 18:00, a guess
    number = unique_number()
    case = a_case(number, accepted - timedelta(hours=20), status=Status.IN_PROGRESS,
                  assignee=handler, decision_due_at=due.at.astimezone(UTC), next_due_at=accepted)
    counted(case, DECISION, due, accepted, accepted, working_days=15)
    store.register(case, an_identity(number), [])

    sweep_until(store, number, datetime(2027, 1, 12, tzinfo=BEIJING), calendar=GUESSED)
    assert sent(store, number, "staff_reminder") == [handler]
    assert sent(store, number, "staff_overdue") == [handler, boss]

    actions = sweep_twice(store, datetime(2027, 1, 20, 10, 0, tzinfo=BEIJING), calendar=PUBLISHED)
    case = store.get_case(number)
    assert actions.get("recount_decision") == 1 and not case.deadlines_provisional
    assert case.decision_due_at == due.at  # the same deadline: nobody is told anything again
    assert sent(store, number, "staff_reminder") == [handler]
    assert sent(store, number, "staff_overdue") == [handler, boss]
    assert sweep_rules.is_overdue(case) and not [k for k in case.sweep_claims if "+08:00" in k]


def test_a_claim_spelt_in_beijing_time_before_still_counts_and_is_written_back_in_utc(store):
    handler, boss = staff(store)
    due = START + timedelta(hours=24)
    number = unique_number()
    old = f"overdue:review:{due.astimezone(BEIJING).isoformat()}"  # as a recount once wrote it
    store.register(a_case(number, START, sweep_claims=[old], next_due_at=due), an_identity(number),
                   [])
    assert sweep_rules.is_overdue(store.get_case(number))  # shown in the overdue queue already

    sweep_twice(store, due + DAY)
    assert sent(store, number, "staff_overdue") == []
    assert store.get_case(number).sweep_claims == [f"overdue:review:{due.isoformat()}"]


def test_a_case_open_over_a_year_is_reminded_and_told_overdue_once_and_each_week_once(store):
    handler, boss = staff(store)
    leader = staff_member((Role.LEADER,))
    store.put_staff(leader)
    number = unique_number()
    store.register(a_case(number, START, status=Status.IN_PROGRESS, assignee=handler,
                          decision_due_at=START + 21 * DAY, next_due_at=START + DAY),
                   an_identity(number), [])

    sweep_until(store, number, START + 400 * DAY)  # the weekly bulletins of a major case (R9)
    case = store.get_case(number)
    assert case.severity == Severity.MAJOR and case.next_due_at > START + 400 * DAY
    assert sent(store, number, "staff_reminder") == [handler]
    assert sent(store, number, "staff_overdue") == [handler, boss]
    assert sent(store, number, "staff_major_bulletin") == [leader.id] * ((400 - 30) // 7)
    assert len(case.sweep_claims) == len(set(case.sweep_claims)) <= sweep_rules.MAX_CLAIMS
    assert sweep_rules.is_overdue(case)
