"""The decision clock (R13): paused while the case waits for the reporter, counted in working time
on China's calendar, and the sweep's moments while it stands still."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.adapters.chinese_working_days import ChineseWorkingDays
from shared.domain.cases import REPORTER, EventType, Status, staff_actor
from shared.domain.commands import AskReporter, ReporterAnswered
from shared.domain.deadline_policy import PolicyInvalid, load_deadline_policy
from shared.domain.decision_clock import DecisionClock, paused
from shared.domain.lifecycle import apply
from shared.domain.sweep_rules import Step, SweepPolicy, moments, next_look, plan
from shared.domain.working_time import WorkingCalendar, working_time_between
from tests.support.builders import a_case

BEIJING = ZoneInfo("Asia/Shanghai")
CHINA = WorkingCalendar(ChineseWorkingDays())
ON_CHINA = DecisionClock(CHINA)
HANDLER = staff_actor("li.na")


def beijing(*parts) -> datetime:
    return datetime(*parts, tzinfo=BEIJING)


def in_progress(due: datetime, received: datetime | None = None):
    received = received or due - timedelta(days=20)
    return a_case("TS-20250901-ABCDEF-0", received, status=Status.IN_PROGRESS, assignee="li.na",
                  decision_due_at=due, next_due_at=due)


def ask(case, at, clock=ON_CHINA):
    apply(case, AskReporter(HANDLER, "请提供订单截图", decision_clock=clock), at)


def answer(case, at, clock=ON_CHINA):
    return apply(case, ReporterAnswered(REPORTER, "added information", decision_clock=clock), at)


def test_the_working_time_of_a_wait_over_a_weekend_counts_only_friday_and_monday_hours():
    span = working_time_between(CHINA, beijing(2025, 11, 14, 17), beijing(2025, 11, 17, 10))
    assert span.length == timedelta(hours=2) and not span.provisional


def test_the_working_time_of_a_wait_over_national_day_2025_skips_the_holiday():
    # 30 Sep 10:00–18:00 (8 h), 1–8 Oct rest, 9 Oct 09:00–10:00 (1 h)
    span = working_time_between(CHINA, beijing(2025, 9, 30, 10), beijing(2025, 10, 9, 10))
    assert span.length == timedelta(hours=9)
    assert working_time_between(CHINA, beijing(2025, 10, 9), beijing(2025, 10, 8)).length == (
        timedelta())


def test_a_pause_over_a_weekend_moves_the_deadline_by_its_working_hours_not_the_weekend():
    case = in_progress(due=beijing(2025, 11, 19, 18))
    ask(case, beijing(2025, 11, 14, 17))
    assert paused(case) and case.decision_paused_at == beijing(2025, 11, 14, 17)
    answered_at = beijing(2025, 11, 17, 10)
    answer(case, answered_at)
    # Two working hours waited (Friday 17–18, Monday 9–10): Wednesday 18:00 → Thursday 11:00
    assert case.decision_due_at == beijing(2025, 11, 20, 11)
    assert not paused(case) and case.status == Status.IN_PROGRESS
    assert case.next_due_at == answered_at  # the sweep counts the new deadline's moments at once
    moved = case.new_events[-1]
    assert moved.type == EventType.DECISION_DEADLINE_MOVED and moved.actor == REPORTER
    assert moved.data["paused_minutes"] == 120
    assert moved.data["due_to"] == beijing(2025, 11, 20, 11).astimezone(UTC).isoformat()


def test_a_pause_over_national_day_2025_lands_on_the_make_up_saturday():
    case = in_progress(due=beijing(2025, 10, 10, 18))
    ask(case, beijing(2025, 9, 30, 10))
    answer(case, beijing(2025, 10, 9, 10))
    # Nine working hours: Friday 10 Oct 18:00 → Saturday 11 Oct (a working day, 调休) 18:00
    assert case.decision_due_at == beijing(2025, 10, 11, 18)


def test_without_a_calendar_the_pause_is_clock_time():
    case = in_progress(due=beijing(2025, 11, 19, 18))
    ask(case, beijing(2025, 11, 14, 17), DecisionClock())
    answer(case, beijing(2025, 11, 17, 10), DecisionClock())
    assert case.decision_due_at == beijing(2025, 11, 19, 18) + timedelta(hours=65)


def test_a_wait_with_no_working_time_in_it_moves_nothing_and_records_nothing():
    case = in_progress(due=beijing(2025, 11, 19, 18))
    ask(case, beijing(2025, 11, 14, 19))  # Friday evening
    count = case.event_count
    answer(case, beijing(2025, 11, 16, 10))  # Sunday
    assert case.decision_due_at == beijing(2025, 11, 19, 18) and not paused(case)
    assert case.event_count == count + 1  # the answer only


def test_a_question_asked_after_the_deadline_passed_pauses_nothing():
    case = in_progress(due=beijing(2025, 11, 14, 18))
    ask(case, beijing(2025, 11, 17, 10))
    assert not paused(case)
    answer(case, beijing(2025, 11, 18, 10))
    assert case.decision_due_at == beijing(2025, 11, 14, 18)


def test_the_policy_may_switch_the_pause_off():
    case = in_progress(due=beijing(2025, 11, 19, 18))
    ask(case, beijing(2025, 11, 14, 17), DecisionClock(CHINA, pauses=False))
    assert not paused(case)
    answer(case, beijing(2025, 11, 17, 10))
    assert case.decision_due_at == beijing(2025, 11, 19, 18)


def test_the_policy_file_pauses_by_default_and_refuses_a_flag_that_is_no_boolean():
    assert load_deadline_policy().pause_while_awaiting_reporter is True
    text = ('{"version": 1, "initial_review": {"hours": 24}, "first_contact": {"working_hours": 4},'
            ' "decision": {"working_days": 15, "pause_while_awaiting_reporter": %s},'
            ' "compensation": {"working_days": 10}, "appeal_window": {"months": 6},'
            ' "follow_up": {"days": 30}}')
    assert load_deadline_policy(text % "false").pause_while_awaiting_reporter is False
    with pytest.raises(PolicyInvalid, match="pause_while_awaiting_reporter"):
        load_deadline_policy(text % '"yes"')


def test_while_paused_the_sweep_has_no_reminder_or_overdue_but_the_escalations_run():
    due = beijing(2025, 11, 19, 18)
    case = in_progress(due=due, received=beijing(2025, 10, 27, 10))
    ask(case, beijing(2025, 11, 14, 17))
    later = beijing(2025, 11, 28, 10)  # past the old deadline, a month after receipt
    assert {d.step for d in moments(case, SweepPolicy())} == {Step.ESCALATION}
    assert [d.step for d in plan(case, later, SweepPolicy()).acts] == [Step.ESCALATION]
    assert next_look(case, beijing(2025, 11, 14, 17), SweepPolicy()) == beijing(2025, 11, 26, 10)


def test_after_the_answer_the_sweep_reminds_and_claims_against_the_new_deadline():
    case = in_progress(due=beijing(2025, 11, 19, 18), received=beijing(2025, 11, 10, 10))
    ask(case, beijing(2025, 11, 14, 17))
    answer(case, beijing(2025, 11, 17, 10))
    new = beijing(2025, 11, 20, 11).astimezone(UTC).isoformat()
    keys = {d.key for d in moments(case, SweepPolicy()) if d.step != Step.ESCALATION}
    assert keys == {f"reminder:decision:{new}", f"overdue:decision:{new}"}

    def told(at):
        return [d.step for d in plan(case, at, SweepPolicy()).acts if d.step != Step.ESCALATION]

    assert told(beijing(2025, 11, 19, 18, 30)) == [Step.REMINDER]  # past the old deadline: a reminder
    assert told(beijing(2025, 11, 20, 11)) == [Step.OVERDUE]


def test_an_extension_counts_working_days_from_the_current_deadline_to_the_close():
    # Friday 26 Sep 18:00 + 3 working days: Sunday 28 Sep (调休), Monday 29, Tuesday 30
    assert ON_CHINA.extended(beijing(2025, 9, 26, 18), 3) == (beijing(2025, 9, 30, 18), False)
    assert DecisionClock().extended(beijing(2025, 9, 26, 18), 3) == (
        beijing(2025, 9, 29, 18), False)
