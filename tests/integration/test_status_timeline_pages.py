"""The status page shows a long timeline 50 public events at a time, oldest first."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from shared import bootstrap
from shared.domain.cases import REPORTER, EventType, TimelineEvent
from tests.integration.test_status_page import file_case


@pytest.fixture(autouse=True)
def behind_one_proxy(monkeypatch):
    monkeypatch.setenv("CD_TRUSTED_PROXIES", "1")


def page(client, number, code, after=None):
    data = {"action": "look_up", "number": number, "code": code}
    if after is not None:
        data["after"] = after
    response = client.post("/?lang=en", data=data, headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_long_thread_is_read_page_by_page_with_a_later_entries_button(function_client):
    number, code = file_case(function_client)
    store = bootstrap.services().store

    def thread(case):
        for i in range(1, 121):
            at = datetime(2026, 12, 1, tzinfo=UTC) + timedelta(minutes=i)
            case.record(TimelineEvent(EventType.REPORTER_REPLIED, at, text=f"reply {i:03d}",
                                      actor=REPORTER))
            case.record(TimelineEvent(EventType.NOTE, at, text=f"staff note {i:03d}"))
    store.update_case(number, thread)
    client = function_client("case_status")

    first = page(client, number, code)
    shown = re.findall(r"reply (\d{3})", first)
    assert 45 <= len(shown) < 50  # 50 public events: registration's, then the first replies
    assert "staff note" not in first
    cursor = re.search(r'name="after" value="(\d+)"', first).group(1)
    assert 'id="more-events"' in first and "Later entries" in first

    seen = shown
    while cursor:
        html = page(client, number, code, after=cursor)
        seen += re.findall(r"reply (\d{3})", html)
        found = re.search(r'name="after" value="(\d+)"', html)
        cursor = found.group(1) if found else None
    assert seen == [f"{i:03d}" for i in range(1, 121)]  # every reply once, in order
    assert "Later entries" not in html  # the last page has no button


def test_a_malformed_cursor_shows_the_first_page(function_client):
    number, code = file_case(function_client)
    client = function_client("case_status")
    assert page(client, number, code, after="-1") == page(client, number, code, after="x٣")


@pytest.mark.parametrize("after", ["9" * 5000, "9" * 30, "1" * 10, "-5", "1e3", " 7", "٣", ""])
def test_any_cursor_answers_a_page_never_an_error(function_client, after):
    # The cursor comes from the page, but anyone can post anything: 5 000 digits passed Python's
    # limit on int() and 30 overflowed SQLite's integers, both answering 500.
    number, code = file_case(function_client)
    client = function_client("case_status")
    html = page(client, number, code, after=after)
    assert number in html and "Case registered" in html  # the first page: the first event
