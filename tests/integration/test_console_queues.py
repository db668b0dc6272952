"""The console's queue page (issue 11): counts per queue and by severity, rows with overdue and
severity in words (not colour alone), keyset paging with the store's cursor, search by number
or words, a handler's narrower view, the language switch remembered."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from shared.domain.cases import Severity, Status
from shared.domain.staff import Role
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.console import text_of
from tests.support.staff_desk import StaffDesk

staff_api, sqlite_staff_api = api_fixtures.staff_api, api_fixtures.sqlite_staff_api
console, sqlite_console = console_fixtures.console, console_fixtures.sqlite_console


@pytest.fixture
def desk(console):
    return console, StaffDesk(console.store, console.api.app.clock)


def _counts(page: str) -> dict[str, int]:
    """Each count link's queue (or severity) and number, as the page shows them."""
    found = re.findall(r'href="/console/cases\?queue=(\w+)(?:&amp;severity=(\w+))?"[^>]*>\s*'
                       r'<span class="n">(\d+)</span>', page)
    return {severity or queue: int(n) for queue, severity, n in found}


def _overdue(cases: StaffDesk, **fields) -> str:
    """A new case whose initial review the deadline sweep found overdue."""
    due = cases.clock.now() - timedelta(hours=3)
    return cases.case(review_due_at=due, next_due_at=due,
                      sweep_claims=[f"overdue:review:{due.isoformat()}"], **fields)


def test_counts_per_queue_and_severity_are_what_the_queues_hold(desk):
    console, cases = desk
    handler = console.sign_in_as(Role.HANDLER, department="运营部")
    clerk = console.sign_in_as(Role.CLERK, Role.SUPERVISOR)
    cases.case()
    late = _overdue(cases, severity=Severity.MAJOR)
    cases.case(Status.AWAITING_REPORTER, assignee=handler.id, department="运营部",
               severity=Severity.HOT, next_due_at=cases.clock.now() + timedelta(days=3))
    cases.case(Status.IN_PROGRESS, assignee=clerk.id, department="客服中心")  # general, due
    page = text_of(console.get("/console/cases"))
    assert _counts(page) == {"new": 2, "mine": 1, "overdue": 1, "awaiting_reporter": 1,
                             "major": 1, "hot": 1, "important": 0, "general": 2}
    row = re.search(rf'<tr class="is-overdue">\s*<td><a href="/console/cases/{late}">.*?</tr>',
                    page, re.S)
    assert row and "已逾期" in row.group(0) and "重大" in row.group(0)  # words, not colour only
    console.sign_in_as(Role.HANDLER, department="运营部", id=f"{handler.id}-2")
    mine = text_of(console.get("/console/cases"))  # a handler: their department, no severities
    assert _counts(mine) == {"new": 0, "mine": 0, "overdue": 0, "awaiting_reporter": 1}


def test_a_queue_pages_on_with_the_cursor_without_gaps_or_repeats(desk, monkeypatch):
    console, cases = desk
    from shared.web.console import queue_pages

    monkeypatch.setattr(queue_pages, "PAGE_SIZE", 2)
    numbers = {cases.case() for _ in range(5)}
    console.sign_in_as(Role.CLERK)
    seen, url, pages = [], "/console/cases?queue=all", 0
    while url:
        page = text_of(console.get(url))
        seen += re.findall(r'<td><a href="/console/cases/([\w-]+)">', page)
        following = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = following.group(1).replace("&amp;", "&") if following else ""
        pages += 1
        assert pages < 10
    assert pages == 3 and len(seen) == 5 and set(seen) == numbers
    assert "第一页" in page  # a way back to the start
    bad = console.get("/console/cases?queue=all&after=nonsense")
    assert bad.status_code == 422 and "翻页位置无效" in text_of(bad)


def test_search_finds_a_case_by_number_or_subject_words(sqlite_console):
    cases = StaffDesk(sqlite_console.store, sqlite_console.api.app.clock)
    wanted = cases.case(subject="退款申请没有回复")
    other = cases.case(subject="账号被盗")
    sqlite_console.sign_in_as(Role.CLERK)
    by_words = text_of(sqlite_console.get("/console/cases?queue=all&q=退款"))
    assert wanted in by_words and other not in by_words
    typed = wanted.lower().replace("-", " ")
    by_number = text_of(sqlite_console.get(f"/console/cases?queue=all&q={typed}"))
    assert wanted in by_number and other not in by_number and f'value="{typed}"' in by_number
    many = " ".join(f"词{i}" for i in range(20))
    refused = sqlite_console.get(f"/console/cases?queue=all&q={many}")
    assert refused.status_code == 422 and "太长了" in text_of(refused)
    assert f'value="{many}"' in text_of(refused)  # what was typed stays in the box


def test_an_unknown_queue_is_refused_on_the_page(sqlite_console):
    sqlite_console.sign_in_as(Role.CLERK)
    answer = sqlite_console.get("/console/cases?queue=<b>everything</b>")
    assert answer.status_code == 422 and "请从允许的选项中选择" in text_of(answer)
    assert "<b>everything" not in text_of(answer)


def test_english_is_chosen_by_the_switch_and_remembered(sqlite_console):
    sqlite_console.sign_in_as(Role.CLERK)
    chinese = text_of(sqlite_console.get("/console/cases"))
    assert '<html lang="zh-CN">' in chinese and "案件队列" in chinese
    assert 'href="/console/cases?lang=en"' in chinese
    english = sqlite_console.get("/console/cases?lang=en")
    assert '<html lang="en">' in text_of(english) and "Case queues" in text_of(english)
    assert any(c.startswith("console_lang=en;") for c in english.headers.getlist("Set-Cookie"))
    assert "Case queues" in text_of(sqlite_console.get("/console/cases"))  # remembered
    assert "案件队列" in text_of(sqlite_console.get("/console/cases?lang=zh-CN"))
    assert "案件队列" in text_of(sqlite_console.get("/console/cases"))
