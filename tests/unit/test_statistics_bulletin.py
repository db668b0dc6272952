"""The bulletin's value type: periods and the JSON-ready record other views render."""
from datetime import date, datetime, timezone

import pytest

from shared.domain.statistics import Bulletin, ListedCase, Period, bulletin_record


def test_a_month_runs_from_its_first_day_to_the_next_months_first():
    assert Period.month(2026, 11) == Period(date(2026, 11, 1), date(2026, 12, 1))
    assert Period.month(2026, 12).end == date(2027, 1, 1)
    assert len(Period.month(2028, 2).days) == 29


@pytest.mark.parametrize("start, end", [
    (date(2026, 11, 2), date(2026, 11, 2)),  # empty
    (date(2026, 11, 2), date(2026, 11, 1)),  # backwards
    (date(2026, 1, 1), date(2027, 1, 3)),  # 367 days
])
def test_a_period_must_hold_one_to_366_days(start, end):
    with pytest.raises(ValueError):
        Period(start, end)


def test_the_record_is_plain_json_with_string_keys_and_iso_dates():
    bulletin = Bulletin(Period.month(2026, 11), received=3, by_kind={"complaint": 3})
    bulletin.satisfaction.counts[5] = 1
    bulletin.major_and_hot.append(ListedCase(
        "TS-1", "complaint", "major", "closed", "service", "", datetime(2026, 11, 3, tzinfo=timezone.utc),
        None, cause="c"))
    record = bulletin_record(bulletin)
    assert record["period"] == {"start": "2026-11-01", "end": "2026-12-01"}
    assert record["satisfaction"]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1}
    assert record["major_and_hot"][0]["received_at"] == "2026-11-03T00:00:00+00:00"
    assert record["review_on_time"] == {"on_time": 0, "total": 0, "rate": None}
