"""The counts kept for provisional deadlines: what a recount does with a calendar that still lacks
the year, with a deadline moved since by something else, and what pages show for a case marked
before counts were kept."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from shared.domain import provisional_deadlines as pd
from shared.domain.cases import Status
from shared.domain.decision_clock import DecisionClock, follow
from shared.domain.working_time import (
    Deadline,
    WorkingCalendar,
    add_working_time,
    working_time_between,
)
from tests.support.builders import a_case

BEIJING = ZoneInfo("Asia/Shanghai")
ACCEPTED = datetime(2026, 12, 21, 10, 0, tzinfo=BEIJING)
GUESSED = Deadline(datetime(2027, 1, 11, 18, 0, tzinfo=BEIJING), provisional=True)


class Known:
    """A calendar that knows every year: weekends off, 1 January 2027 too."""

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day != date(2027, 1, 1)


def accepted_case():
    case = a_case("TS-1", ACCEPTED - timedelta(hours=1), status=Status.ACCEPTED,
                  decision_due_at=GUESSED.at)
    pd.counted(case, pd.DECISION, GUESSED, ACCEPTED, ACCEPTED, working_days=15)
    return case


def test_a_calendar_still_without_the_year_moves_the_daily_look_and_changes_nothing_else():
    case = accepted_case()
    later = ACCEPTED + pd.RECHECK_EVERY
    assert pd.recheck_moments(case) == [(f"recount:{later.astimezone(UTC).isoformat()}", later)]
    assert pd.recount(case, None, later) == []
    assert case.deadlines_provisional and case.decision_due_at == GUESSED.at
    assert pd.recheck_at(case) == later + pd.RECHECK_EVERY


def test_a_known_year_sets_the_deadline_and_clears_the_mark():
    case = accepted_case()
    [done] = pd.recount(case, WorkingCalendar(Known()), ACCEPTED + pd.RECHECK_EVERY)
    assert (done.deadline, done.was, done.moved) == (pd.DECISION, GUESSED.at, True)
    assert case.decision_due_at == datetime(2027, 1, 12, 18, 0, tzinfo=BEIJING)
    assert not case.deadlines_provisional and case.deadline_counts == {}
    assert pd.recheck_at(case) is None and pd.shown_provisional(case) == frozenset()


def test_a_deadline_moved_since_by_another_command_is_not_set_back_and_stays_marked():
    case = accepted_case()
    case.decision_due_at = GUESSED.at + timedelta(days=10)  # an extension that kept no count
    assert pd.recount(case, WorkingCalendar(Known()), ACCEPTED + pd.RECHECK_EVERY) == []
    assert case.decision_due_at == GUESSED.at + timedelta(days=10)
    assert case.deadlines_provisional and case.deadline_counts == {}


def test_a_deadline_behind_the_case_is_no_longer_looked_at():
    case = accepted_case()
    case.status = Status.CLOSED
    assert pd.recheck_at(case) is None
    assert pd.recount(case, WorkingCalendar(Known()), ACCEPTED + pd.RECHECK_EVERY) == []
    assert pd.shown_provisional(case) == {pd.DECISION}


def test_a_case_marked_before_counts_were_kept_shows_the_deadline_it_was_counting():
    case = a_case("TS-2", ACCEPTED, deadlines_provisional=True)
    assert pd.shown_provisional(case) == {pd.REVIEW} and pd.recheck_at(case) is None
    case.decision_due_at = GUESSED.at
    assert pd.shown_provisional(case) == {pd.DECISION}


def test_each_clock_keeps_its_own_count_and_acceptance_drops_only_the_reviews():
    case = a_case("TS-3", ACCEPTED)
    pd.counted(case, pd.REVIEW, GUESSED, ACCEPTED, ACCEPTED, within=timedelta(hours=24))
    pd.counted(case, pd.FIRST_CONTACT, GUESSED, ACCEPTED, ACCEPTED, working_hours=4)
    known = Deadline(GUESSED.at)
    pd.counted(case, pd.DECISION, known, ACCEPTED, ACCEPTED, working_days=15)
    assert set(case.deadline_counts) == {pd.FIRST_CONTACT} and case.deadlines_provisional


def test_a_compensation_deadline_is_counted_again_while_its_clock_runs():
    case = a_case("TS-4", ACCEPTED, status=Status.IN_PROGRESS, materials_complete_at=ACCEPTED,
                  compensation_due_at=GUESSED.at)
    pd.counted(case, pd.COMPENSATION, GUESSED, ACCEPTED, ACCEPTED, working_days=15)
    [done] = pd.recount(case, WorkingCalendar(Known()), ACCEPTED + pd.RECHECK_EVERY)
    assert done.deadline == pd.COMPENSATION
    assert case.compensation_due_at == datetime(2027, 1, 12, 18, 0, tzinfo=BEIJING)
    assert not case.deadlines_provisional


def test_a_pause_for_the_reporter_is_counted_again_with_the_deadline():
    case = accepted_case()
    waited_from = datetime(2027, 1, 4, 9, 0, tzinfo=BEIJING)  # a Monday off, after all
    waited_to = datetime(2027, 1, 5, 9, 0, tzinfo=BEIJING)
    later = GUESSED.at + timedelta(days=1)  # 9 working hours waited, on the guess
    pd.moved(case, pd.DECISION, GUESSED.at, later, True,
             {"waited_from": waited_from.isoformat(), "waited_to": waited_to.isoformat()},
             ACCEPTED)
    case.decision_due_at = later
    [done] = pd.recount(case, WorkingCalendar(Known()), ACCEPTED + pd.RECHECK_EVERY)
    # Known: the 15 days end on 12 January (1 January off), and the 9 working hours waited on
    # Monday 4 January move it to the close of 13 January.
    assert case.decision_due_at == datetime(2027, 1, 13, 18, 0, tzinfo=BEIJING)
    assert (done.was, not case.deadlines_provisional) == (later, True)


def test_a_move_on_a_known_deadline_into_a_guessed_year_starts_a_count():
    case = a_case("TS-5", ACCEPTED, status=Status.IN_PROGRESS,
                  decision_due_at=datetime(2026, 12, 30, 18, 0, tzinfo=BEIJING))
    guess = datetime(2027, 1, 8, 18, 0, tzinfo=BEIJING)  # 7 working days, 1 January worked
    pd.moved(case, pd.DECISION, case.decision_due_at, guess, False, {"working_days": 7},
             ACCEPTED)
    assert case.deadline_counts == {} and not case.deadlines_provisional  # known: nothing kept
    pd.moved(case, pd.DECISION, case.decision_due_at, guess, True, {"working_days": 7},
             ACCEPTED)
    case.decision_due_at = guess
    pd.recount(case, WorkingCalendar(Known()), ACCEPTED + pd.RECHECK_EVERY)
    assert case.decision_due_at == datetime(2027, 1, 11, 18, 0, tzinfo=BEIJING)
    assert not case.deadlines_provisional


class Guessing(Known):
    """A calendar that has no data for 2027 yet."""

    def is_working_day(self, day: date) -> bool | None:
        return None if day.year == 2027 else super().is_working_day(day)


def test_the_decision_clocks_resume_after_the_reporters_answer_keeps_the_count_in_step():
    case = accepted_case()
    case.status, case.decision_paused_at = Status.IN_PROGRESS, ACCEPTED
    answered = datetime(2027, 1, 4, 10, 0, tzinfo=BEIJING)
    follow(case, DecisionClock(WorkingCalendar(Guessing())), Status.AWAITING_REPORTER,
           "reporter", answered)
    assert case.decision_due_at > GUESSED.at and case.deadlines_provisional
    [done] = pd.recount(case, WorkingCalendar(Known()), answered + pd.RECHECK_EVERY)
    # Known: 15 days to 12 January, then the working time waited (to 4 January 10:00, with
    # 1 January off) added to it: the day the guess counted twice cancels out here.
    waited = working_time_between(WorkingCalendar(Known()), ACCEPTED, answered).length
    assert case.decision_due_at == add_working_time(
        WorkingCalendar(Known()), datetime(2027, 1, 12, 18, 0, tzinfo=BEIJING), waited).at
    assert done.deadline == pd.DECISION and not case.deadlines_provisional


def test_an_extension_approved_after_the_deadline_is_counted_again_from_its_approval():
    case = accepted_case()
    approved = datetime(2027, 1, 14, 10, 0, tzinfo=BEIJING)  # after the guessed 11 January
    later = datetime(2027, 1, 18, 18, 0, tzinfo=BEIJING)  # two working days from then
    pd.moved(case, pd.DECISION, GUESSED.at, later, True,
             {"working_days": 2, "from": approved.isoformat()}, approved)
    case.decision_due_at = later
    pd.recount(case, WorkingCalendar(Known()), approved + pd.RECHECK_EVERY)
    assert case.decision_due_at == datetime(2027, 1, 18, 18, 0, tzinfo=BEIJING)  # not the 14th
