"""Deadlines on real Chinese calendars (R5, R6, R13): Spring Festival 2025 and 2026, National Day
2025 with its make-up working Sunday and Saturday, a Friday night submission, and a deadline that
runs into a year without data — provisional, then counted again from an operator's override."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.adapters.chinese_working_days import (
    ChineseWorkingDays,
    OverridesInvalid,
    load_overrides,
)
from shared.domain.working_time import (
    Deadline,
    WorkingCalendar,
    WorkingHours,
    add_working_days,
    add_working_hours,
    initial_review_due,
    next_working_moment,
)

BEIJING = ZoneInfo("Asia/Shanghai")
CHINA = WorkingCalendar(ChineseWorkingDays())
DAY = timedelta(hours=24)


def beijing(*parts) -> datetime:
    return datetime(*parts, tzinfo=BEIJING)


def test_the_national_day_2025_make_up_sunday_and_saturday_are_working_days():
    days = ChineseWorkingDays()
    assert days.is_working_day(date(2025, 9, 28)) is True  # a Sunday
    assert days.is_working_day(date(2025, 10, 11)) is True  # a Saturday
    assert [days.is_working_day(date(2025, 10, d)) for d in range(1, 9)] == [False] * 8
    assert days.is_working_day(date(2025, 10, 12)) is False  # the Sunday after: rest


def test_a_case_received_on_the_national_day_eve_is_reviewed_from_the_ninth():
    # Tuesday 30 September 2025, 19:00: the holiday runs 1-8 October.
    due = initial_review_due(CHINA, beijing(2025, 9, 30, 19, 0), DAY)
    assert due == Deadline(beijing(2025, 10, 10, 9, 0))


def test_a_case_received_on_the_make_up_sunday_is_reviewed_that_day():
    assert next_working_moment(CHINA, beijing(2025, 9, 28, 10, 30)).at == beijing(2025, 9, 28, 10, 30)
    assert initial_review_due(CHINA, beijing(2025, 9, 28, 7, 0), DAY).at == beijing(2025, 9, 29, 9, 0)


def test_a_decision_due_in_15_working_days_counts_the_make_up_days_and_skips_the_holiday():
    # Accepted Friday 26 September 2025: 28 Sep (Sun), 29, 30, 9-11 Oct (11th a Saturday), ...
    due = add_working_days(CHINA, beijing(2025, 9, 26, 10, 0), 15)
    assert due == Deadline(beijing(2025, 10, 23, 18, 0))


def test_spring_festival_2025():
    days = ChineseWorkingDays()
    assert days.is_working_day(date(2025, 1, 26)) is True  # make-up Sunday
    assert days.is_working_day(date(2025, 2, 8)) is True  # make-up Saturday
    # Received Monday 27 January (除夕 eve) at 20:00: the office opens again on Wednesday 5 Feb.
    assert initial_review_due(CHINA, beijing(2025, 1, 27, 20, 0), DAY).at == beijing(2025, 2, 6, 9, 0)
    # 4 working hours from Monday 27 January 16:00: two that day, two on 5 February.
    assert add_working_hours(CHINA, beijing(2025, 1, 27, 16, 0), 4).at == beijing(2025, 2, 5, 11, 0)


def test_spring_festival_2026():
    # The holiday runs 15-23 February 2026; 14 and 28 February (Saturdays) are working days.
    assert next_working_moment(CHINA, beijing(2026, 2, 14, 8, 0)).at == beijing(2026, 2, 14, 9, 0)
    assert initial_review_due(CHINA, beijing(2026, 2, 14, 18, 30), DAY).at == beijing(2026, 2, 25, 9, 0)
    # Accepted Friday 13 February: 14, 24, 25, 26, 27, 28 (Saturday) are the first six.
    assert add_working_days(CHINA, beijing(2026, 2, 13, 15, 0), 6).at == beijing(2026, 2, 28, 18, 0)


def test_a_friday_night_submission_is_due_on_tuesday_morning():
    # Friday 27 November 2026, 23:00: Monday 09:00 + 24 h.
    assert initial_review_due(CHINA, beijing(2026, 11, 27, 23, 0), DAY) == \
        Deadline(beijing(2026, 12, 1, 9, 0))


def test_a_submission_in_working_hours_is_due_24_hours_later():
    received = beijing(2026, 11, 25, 14, 5)
    assert initial_review_due(CHINA, received, DAY).at == received + DAY


def test_working_hours_roll_over_the_weekend_and_land_on_the_close():
    assert add_working_hours(CHINA, beijing(2026, 11, 27, 17, 0), 4).at == beijing(2026, 11, 30, 12, 0)
    assert add_working_hours(CHINA, beijing(2026, 11, 26, 14, 0), 4).at == beijing(2026, 11, 26, 18, 0)
    assert add_working_hours(CHINA, beijing(2026, 11, 26, 14, 0), 0).at == beijing(2026, 11, 26, 14, 0)


def test_other_working_hours_move_the_opening():
    calendar = WorkingCalendar(ChineseWorkingDays(), WorkingHours.parse("08:30-17:30"))
    assert next_working_moment(calendar, beijing(2026, 11, 27, 23, 0)).at == beijing(2026, 11, 30, 8, 30)


def test_a_deadline_crossing_into_a_year_without_data_is_provisional():
    # 2027 is beyond chinese-calendar 1.11.0: its days are taken as Monday–Friday.
    due = add_working_days(CHINA, beijing(2026, 12, 21, 10, 0), 15)
    assert due.provisional
    assert due.at == beijing(2027, 1, 11, 18, 0)  # 22-31 Dec (8 days), then 1, 4, 5, 6, 7, 8, 11 Jan
    assert not add_working_days(CHINA, beijing(2026, 12, 1, 10, 0), 15).provisional
    received_new_year = initial_review_due(CHINA, beijing(2027, 1, 2, 10, 0), DAY)
    assert received_new_year == Deadline(beijing(2027, 1, 5, 9, 0), provisional=True)


def test_an_override_file_gives_the_year_and_the_deadline_is_counted_again(tmp_path):
    # What an operator adds the day the State Council publishes 2027 (dates made up for the test).
    override = tmp_path / "holiday_overrides.json"
    override.write_text(json.dumps({"version": 1, "years": {"2027": {
        "holidays": ["2027-01-01", "2027-01-04", "2027-01-05"], "working_days": ["2027-01-09"],
        "source": "test"}}}), encoding="utf-8")
    calendar = WorkingCalendar(ChineseWorkingDays(load_overrides(override)))
    due = add_working_days(calendar, beijing(2026, 12, 21, 10, 0), 15)
    # 22-31 Dec (8 days), then 6, 7, 8, 9 (the make-up Saturday), 11, 12, 13 Jan: no longer a guess.
    assert due == Deadline(beijing(2027, 1, 13, 18, 0), provisional=False)
    assert calendar.days.is_working_day(date(2027, 1, 9)) is True
    assert calendar.days.is_working_day(date(2027, 1, 10)) is False


def test_the_override_wins_over_the_package_for_its_year(tmp_path):
    days = ChineseWorkingDays({2025: load_overrides_from(tmp_path, {"2025": {
        "holidays": ["2025-09-29"]}})[2025]})
    assert days.is_working_day(date(2025, 9, 29)) is False
    assert days.is_working_day(date(2025, 9, 28)) is False  # the year is the file's: no make-up
    assert days.is_working_day(date(2026, 9, 28)) is True  # other years: the package


def load_overrides_from(tmp_path, years):
    path = tmp_path / "overrides.json"
    path.write_text(json.dumps({"version": 1, "years": years}), encoding="utf-8")
    return load_overrides(path)


def test_the_shipped_override_file_loads():
    assert isinstance(load_overrides(), dict)


@pytest.mark.parametrize("years", [
    {"27": {}}, {"2027": {"holidays": "2027-01-01"}}, {"2027": {"holidays": ["2026-12-31"]}},
    {"2027": {"holidays": ["2027-02-30"]}}, {"2027": {"holidays": [20270101]}},
    {"2027": {"holidays": ["2027-01-01"], "working_days": ["2027-01-01"]}},
    {"2027": {"holiday": ["2027-01-01"]}}, {"2027": []}])
def test_a_bad_override_file_is_refused_with_where(tmp_path, years):
    with pytest.raises(OverridesInvalid, match="2027|27"):
        load_overrides_from(tmp_path, years)


def test_an_override_file_without_version_or_json_is_refused(tmp_path):
    path = tmp_path / "o.json"
    for text in ("{}", "not json", "[]"):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(OverridesInvalid):
            load_overrides(path)


@pytest.mark.parametrize("text", ["", "9-18", "18:00-09:00", "09:00-09:00", "25:00-26:00",
                                  "09:60-18:00", "nine to six"])
def test_malformed_working_hours_are_refused(text):
    with pytest.raises(ValueError):
        WorkingHours.parse(text)


def test_a_moment_without_a_zone_is_refused():
    with pytest.raises(ValueError):
        next_working_moment(CHINA, datetime(2026, 11, 27, 23, 0))


def test_a_calendar_with_no_working_day_fails_instead_of_looping():
    class NeverWorking:
        def is_working_day(self, day):
            return False

    with pytest.raises(ValueError, match="no working day"):
        next_working_moment(WorkingCalendar(NeverWorking()), beijing(2026, 11, 27, 23, 0))
