"""The CaseStore contract for queues: filtered, ordered, keyset-paged, the same on both stores."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.cases import Channel, ReporterIdentity, Severity, Status
from shared.domain.queues import (
    CaseQuery,
    QueueOrder,
    countable,
    reporter_email_hash,
    search_terms,
)
from tests.conftest import START
from tests.support.builders import a_case, unique_number

# (received minutes after START, status, department, category, channel, due hours after START or
# None, reporter). Several cases share a time, so order and paging must break ties by number.
ROWS = [
    (0, Status.RECEIVED, "", "service", Channel.WEB_FORM, 24, "a@example.com"),
    (0, Status.ASSIGNED, "billing", "refund", Channel.EMAIL, 5, "b@example.com"),
    (0, Status.ASSIGNED, "billing", "service", Channel.WEB_FORM, 5, "A@Example.com"),
    (5, Status.ASSIGNED, "support", "service", Channel.EMAIL, 2, "c@example.com"),
    (5, Status.IN_PROGRESS, "billing", "refund", Channel.EMAIL, None, "a@example.com"),
    (9, Status.ASSIGNED, "billing", "refund", Channel.WEB_FORM, 5, "d@example.com"),
    (9, Status.ASSIGNED, "billing", "service", Channel.EMAIL, -1, "e@example.com"),
    (9, Status.CLOSED, "billing", "service", Channel.EMAIL, None, "b@example.com"),
]
# Row → minutes after START its follow-up task opened (R17); ties broken by number too.
FOLLOW_UPS = {7: 30, 4: 20, 1: 30, 5: 45}
# Row → hours after START of the deadline the sweep found it past (its overdue notice claimed).
# Row 0 is a case in its initial review; the closed row 7 was overdue once and is no longer.
OVERDUE = {0: 24, 3: 2, 6: 2, 4: 10, 7: 1}


@pytest.fixture
def queue(store):
    """The store with ROWS registered; returns (store, {number: row})."""
    numbers = {}
    for row, (minutes, status, department, category, channel, due, email) in enumerate(ROWS):
        number = unique_number()
        at = START + timedelta(minutes=minutes)
        case = a_case(number, at, status=status, department=department, category=category,
                      channel=channel, severity=Severity.GENERAL,
                      next_due_at=None if due is None else START + timedelta(hours=due))
        case.next_due_at = None if due is None else START + timedelta(hours=due)
        opened = START + timedelta(minutes=FOLLOW_UPS[row]) if row in FOLLOW_UPS else None
        if opened:
            case.follow_up = {"rating": 1, "task_open": True, "task_opened_at": opened.isoformat()}
        overdue = overdue_since(case, OVERDUE.get(row))
        store.register(case, ReporterIdentity(number, email=email), [])
        numbers[number] = (at, status, department, category, channel, case.next_due_at, email,
                           opened, overdue)
    return store, numbers


def overdue_since(case, hours):
    """Make the case one the sweep found past a deadline `hours` after START (None: not
    overdue): its overdue notice claimed, as the sweep claims it. The deadline it is now past,
    or None (a closed case is past none)."""
    if hours is None:
        return None
    due = START + timedelta(hours=hours)
    if case.status == Status.RECEIVED:
        case.review_due_at = due
        case.sweep_claims = [f"overdue:review:{due.isoformat()}"]
    else:
        case.decision_due_at = due
        case.sweep_claims = [f"reminder:decision:{due.isoformat()}",
                             f"overdue:decision:{due.isoformat()}"]
    return None if case.status == Status.CLOSED else due


def expected(numbers, order=QueueOrder.NEWEST_FIRST, **filters) -> list[str]:
    """What the queue must hold, computed here from the rows."""
    fields = {"status": 1, "department": 2, "category": 3, "channel": 4}
    found = [n for n, row in numbers.items()
             if all(str(row[fields[f]]) == v for f, v in filters.items() if f in fields)
             and ("reporter_email_hash" not in filters
                  or reporter_email_hash(row[6]) == filters["reporter_email_hash"])]
    if order is QueueOrder.NEWEST_FIRST:
        return sorted(found, key=lambda n: (numbers[n][0], n), reverse=True)
    if order is QueueOrder.FOLLOW_UP_OLDEST_FIRST:
        return sorted((n for n in found if numbers[n][7] is not None),
                      key=lambda n: (numbers[n][7], n))
    if order is QueueOrder.OVERDUE_LONGEST_FIRST:
        return sorted((n for n in found if numbers[n][8] is not None),
                      key=lambda n: (numbers[n][8], n))
    if order is QueueOrder.APPROVAL_OLDEST_FIRST:
        return []  # nothing waits for an approval on ROWS (test_store_approval_queue.py)
    if order is QueueOrder.HELD_SOONEST_FIRST:
        return []  # nothing is held on ROWS (test_misuse_policy.py)
    return sorted((n for n in found if numbers[n][5] is not None), key=lambda n: (numbers[n][5], n))


def every_page(store, query, limit) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = store.find_cases(query, limit=limit, after=cursor)
        pages.append([c.number for c in page.cases])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


@pytest.mark.parametrize("filters", [
    {},
    {"status": "assigned"},
    {"status": "assigned", "department": "billing"},  # a department's queue: wholly on the server
    {"category": "service", "channel": "email"},  # a filter left to check on the results
    {"department": "billing", "category": "refund", "channel": "web_form"},
    {"status": "archived"},
])
@pytest.mark.parametrize("order", list(QueueOrder))
def test_queues_hold_what_matches_in_order_and_page_without_gaps_or_repeats(queue, filters,
                                                                             order):
    store, numbers = queue
    query = CaseQuery(**filters, order=order)
    whole = expected(numbers, order, **filters)
    assert [c.number for c in store.find_cases(query, limit=50).cases] == whole
    for limit in (1, 2, 3):
        pages = every_page(store, query, limit)
        assert sum(pages, []) == whole
        assert all(len(p) == limit for p in pages[:-1]) and len(pages[-1]) <= limit
        assert pages[-1] or not whole  # a full last page ends the paging itself


def test_a_reporters_cases_are_found_by_their_address_in_any_case(queue):
    store, numbers = queue
    mine = CaseQuery(reporter_email_hash=reporter_email_hash("A@example.COM"))
    found = [c.number for c in store.find_cases(mine).cases]
    assert len(found) == 3 and found == expected(numbers, **mine.filters())


def test_a_case_moves_between_queues_when_it_changes(queue):
    store, numbers = queue
    first = expected(numbers, QueueOrder.MOST_URGENT_FIRST, status="received")[0]

    def assign(case):
        case.status, case.department, case.assignee = Status.ASSIGNED, "support", "s7"
        case.next_due_at = START - timedelta(hours=3)
    store.update_case(first, assign)
    handler = CaseQuery(status="assigned", assignee="s7", order=QueueOrder.MOST_URGENT_FIRST)
    assert [c.number for c in store.find_cases(handler).cases] == [first]
    assert first not in [c.number for c in store.find_cases(CaseQuery(status="received")).cases]
    mine = CaseQuery(reporter_email_hash=reporter_email_hash("a@example.com"))
    assert first in [c.number for c in store.find_cases(mine).cases]  # kept through updates


def test_an_overdue_case_leaves_the_overdue_queue_with_a_new_deadline_or_its_closure(queue):
    store, numbers = queue
    overdue = CaseQuery(order=QueueOrder.OVERDUE_LONGEST_FIRST)
    first, second, *rest = expected(numbers, QueueOrder.OVERDUE_LONGEST_FIRST)

    def extend(case):  # any command that gives the decision a new deadline
        case.decision_due_at = START + timedelta(days=3)

    def close(case):
        case.status, case.closed_at = Status.CLOSED, START + timedelta(hours=3)
    store.update_case(first, extend)
    store.update_case(second, close)
    assert [c.number for c in store.find_cases(overdue).cases] == rest

    def found_past_it_again(case):
        case.sweep_claims.append(f"overdue:decision:{case.decision_due_at.isoformat()}")
    store.update_case(first, found_past_it_again)
    assert [c.number for c in store.find_cases(overdue).cases] == [*rest, first]


def test_due_cases_are_those_past_their_deadline_longest_overdue_first(queue):
    store, numbers = queue
    now = START + timedelta(hours=5)
    due = [n for n in expected(numbers, QueueOrder.MOST_URGENT_FIRST) if numbers[n][5] <= now]
    assert len(due) == 5
    assert [c.number for c in store.due_cases(now, 10)] == due
    assert [c.number for c in store.due_cases(now, 2)] == due[:2]
    assert store.due_cases(START - timedelta(days=1), 10) == []


def test_a_malformed_cursor_or_page_size_is_refused(queue):
    store, _ = queue
    for cursor in ("", "yesterday|TS-1", "2026-11-28T12:30:00.000000Z"):
        with pytest.raises(ValueError):
            store.find_cases(CaseQuery(), after=cursor)
    with pytest.raises(ValueError):
        store.find_cases(CaseQuery(), limit=0)


# -- Word search ----------------------------------------------------------------------------------

SUBJECTS = ["退款申请没有回复", "Refund request ignored", "申请退款 refund", "账号被盗", "我 要 投诉",
            "Ｒｅｆｕｎｄ： 订单"]


@pytest.fixture
def subjects(store):
    """The store with a case per SUBJECTS entry, a minute apart (the last newest); their numbers."""
    numbers = []
    for minutes, subject in enumerate(SUBJECTS):
        number = unique_number()
        store.register(a_case(number, START + timedelta(minutes=minutes), subject=subject),
                       ReporterIdentity(number), [])
        numbers.append(number)
    return store, numbers


def searched(store, typed: str, limit: int = 50, **filters) -> list[str]:
    page = store.find_cases(CaseQuery(words=search_terms(typed), **filters), limit=limit)
    return [c.number for c in page.cases]


@pytest.mark.parametrize("typed, found", [
    ("退款", [2, 0]),  # two characters anywhere in a Chinese run, newest first
    ("退款申请", [0]),  # every pair must be there: 申请退款 lacks 款申
    ("号被盗", [3]),
    ("要", [4]),  # a one-character run is its own term
    ("REFUND", [5, 2, 1]),  # any letter case, full-width letters too
    ("refund 退款", [2]),  # all terms
    ("申请 request", []),
    ("nothing", []),
])
def test_a_word_search_finds_the_cases_whose_subject_holds_every_term(subjects, typed, found):
    store, numbers = subjects
    assert searched(store, typed) == [numbers[i] for i in found]


def test_a_word_search_combines_with_filters(subjects):
    store, numbers = subjects
    store.update_case(numbers[2], lambda case: setattr(case, "status", Status.ACCEPTED))
    assert searched(store, "refund", status="accepted") == [numbers[2]]
    assert searched(store, "refund", status="received") == [numbers[5], numbers[1]]
    assert searched(store, "refund", channel="email") == []


def test_a_changed_subject_is_found_by_its_new_words_only(subjects):
    store, numbers = subjects
    store.update_case(numbers[3], lambda case: setattr(case, "subject", "密码被改"))
    assert searched(store, "账号") == []
    assert searched(store, "密码") == [numbers[3]]
    store.update_case(numbers[3], lambda case: setattr(case, "status", Status.ACCEPTED))
    assert searched(store, "密码") == [numbers[3]]  # a change elsewhere keeps the terms


def test_a_word_search_pages_newest_first_past_fifty_without_gaps_or_repeats(store):
    numbers = {}
    for i in range(130):  # three cases a minute: ties on the receipt time
        number = unique_number()
        at = START + timedelta(minutes=i // 3)
        subject = "物流 延误" if i % 5 else "物流 丢件"
        store.register(a_case(number, at, subject=subject), ReporterIdentity(number), [])
        numbers[number] = (at, subject)
    whole = sorted(numbers, key=lambda n: (numbers[n][0], n), reverse=True)
    pages = every_page(store, CaseQuery(words=search_terms("物流")), 50)
    assert [len(p) for p in pages] == [50, 50, 30] and sum(pages, []) == whole
    lost = every_page(store, CaseQuery(words=search_terms("物流 丢件")), 20)
    assert sum(lost, []) == [n for n in whole if numbers[n][1] == "物流 丢件"] and len(lost) == 2


def test_a_word_search_is_newest_first_only_and_refuses_a_malformed_cursor(subjects):
    store, _ = subjects
    with pytest.raises(ValueError):
        CaseQuery(words=("退款",), order=QueueOrder.MOST_URGENT_FIRST)
    with pytest.raises(ValueError):
        store.find_cases(CaseQuery(words=("退款",)), after="yesterday|TS-1")


def test_the_cases_of_a_matter_received_within_a_range_newest_first(store):
    """R8's count rule reads "the cases of this matter received in these days" (an index on
    both stores); a matter set later, by a case update, is found too, and one cleared is not."""
    at = {}
    for days, matter in ((0, "seller-1"), (10, "seller-1"), (20, "seller-2"), (31, "seller-1"),
                         (40, "")):
        number = unique_number()
        received = START + timedelta(days=days)
        store.register(a_case(number, received, matter=matter), ReporterIdentity(number), [])
        at[number] = (received, matter)
    later, cleared = list(at)[4], list(at)[0]
    store.update_case(later, lambda case: setattr(case, "matter", "seller-1"))
    store.update_case(cleared, lambda case: setattr(case, "matter", ""))
    window = (START, START + timedelta(days=35))
    found = store.find_cases(CaseQuery(matter="seller-1", received_in=window), limit=50).cases
    assert [c.number for c in found] == [list(at)[3], list(at)[1]]
    every = store.find_cases(CaseQuery(matter="seller-1"), limit=50).cases
    assert [c.number for c in every] == [later, list(at)[3], list(at)[1]]
    assert all(c.matter == "seller-1" for c in every)


# -- Counts (the console's queue counts) ---------------------------------------------------------

@pytest.mark.parametrize("filters", [
    {}, {"status": "assigned"}, {"status": "assigned", "department": "billing"},
    {"department": "billing"}, {"status": "archived"},
])
@pytest.mark.parametrize("order", list(QueueOrder))
def test_a_queue_is_counted_as_it_is_listed(queue, filters, order):
    store, numbers = queue
    query = CaseQuery(**filters, order=order)
    if not countable(query):
        with pytest.raises(ValueError):
            store.count_cases(query)
        return
    assert store.count_cases(query) == len(expected(numbers, order, **filters))


def test_counts_follow_the_cases_and_refuse_what_one_aggregation_cannot_count(queue):
    store, numbers = queue
    overdue = CaseQuery(order=QueueOrder.OVERDUE_LONGEST_FIRST)
    before = store.count_cases(overdue)
    first = expected(numbers, QueueOrder.OVERDUE_LONGEST_FIRST)[0]

    def close(case):
        case.status, case.closed_at = Status.CLOSED, START + timedelta(hours=3)
    store.update_case(first, close)
    assert store.count_cases(overdue) == before - 1
    for refused in (CaseQuery(words=("refund",)), CaseQuery(category="service", channel="email"),
                    CaseQuery(status="assigned", order=QueueOrder.OVERDUE_LONGEST_FIRST)):
        with pytest.raises(ValueError):
            store.count_cases(refused)
