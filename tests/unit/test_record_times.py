"""Stored timestamps read back exactly as written (`records.parse_time`'s fast path, issue 12: a
case holds dozens, read on every write), and text not in the stored form still refused."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from shared.adapters.records import parse_time, time_text

BEIJING = timezone(timedelta(hours=8))


def test_every_stored_time_reads_back_as_the_moment_written():
    draw = random.Random(12)
    moments = [datetime(2026, 11, 28, 12, 30, tzinfo=UTC), datetime(2000, 1, 1, tzinfo=UTC),
               datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=BEIJING)]
    moments += [datetime(1990, 1, 1, tzinfo=UTC) + timedelta(microseconds=draw.randrange(10**15))
                for _ in range(2000)]
    for moment in moments:
        read = parse_time(time_text(moment))
        assert read == moment and read.tzinfo is UTC and time_text(read) == time_text(moment)
        assert read == datetime.strptime(time_text(moment), "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=UTC)


@pytest.mark.parametrize("text", [
    "2026-11-28T12:30:00Z", "2026-11-28 12:30:00.000000Z", "2026-11-28T12:30:00,000000Z",
    "2026-11-28T12:30:00.000000+00:00", "2026-11-28T25:30:00.000000Z", "2026-332T12:30:00.000000Z",
    "not a time at all, 27 charsZ"])
def test_text_not_in_the_stored_form_is_refused(text):
    with pytest.raises(ValueError):
        parse_time(text)


def test_no_time_is_none():
    assert parse_time(None) is None
