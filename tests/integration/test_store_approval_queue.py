"""The CaseStore contract for the approval queue (`QueueOrder.APPROVAL_OLDEST_FIRST`), on both
stores: the cases where something waits for an approval — replies, a drafted decision, an
extension — the oldest received first, keyset-paged; a case leaves it with its last approval and
joins it with its first, in the write that changes it; counted in one aggregation."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.cases import Status
from shared.domain.queues import CaseQuery, QueueOrder
from tests.conftest import START
from tests.support.builders import a_case, a_decision_record, an_identity, unique_number

APPROVALS = CaseQuery(order=QueueOrder.APPROVAL_OLDEST_FIRST)
REPLY = {"id": "r-1", "text": "您好，已退款。", "question": False, "drafted_by": "s-h",
         "drafted_at": START.isoformat()}
DRAFTED = {"record": a_decision_record(), "drafted_by": "s-h", "approved_by": "",
           "compensation_approved_by": "", "compensation_approved_fen": 0, "round": 0}
EXTENSION = {"state": "requested", "working_days": 5, "reason": "需调查", "requested_by": "s-h",
             "requested_at": START.isoformat()}
# (minutes after START received, what the case holds): several share a time (ties by number).
ROWS = [
    (30, dict(status=Status.IN_PROGRESS, replies=[REPLY])),
    (10, dict(status=Status.DECISION_DRAFTED, decision=DRAFTED)),
    (10, dict(status=Status.IN_PROGRESS, extension=EXTENSION)),
    (0, dict(status=Status.IN_PROGRESS)),  # nothing waits
    (10, dict(status=Status.DECISION_APPROVED, decision={**DRAFTED, "approved_by": "s-s"})),
    (20, dict(status=Status.IN_PROGRESS, extension={**EXTENSION, "state": "approved"})),
    (10, dict(status=Status.IN_PROGRESS, replies=[REPLY, {**REPLY, "id": "r-2"}])),
]
WAITING = (0, 1, 2, 6)


@pytest.fixture
def queue(store):
    numbers = {}
    for row, (minutes, fields) in enumerate(ROWS):
        number = unique_number()
        store.register(a_case(number, START + timedelta(minutes=minutes), **fields),
                       an_identity(number), [])
        numbers[row] = number
    expected = sorted((numbers[row] for row in WAITING),
                      key=lambda n: (ROWS[_row(numbers, n)][0], n))
    return store, numbers, expected


def _row(numbers, number):
    return next(row for row, n in numbers.items() if n == number)


def _listed(store, limit=50) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = store.find_cases(APPROVALS, limit=limit, after=cursor)
        pages.append([case.number for case in page.cases])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def test_the_queue_lists_what_waits_oldest_received_first_in_keyset_pages(queue):
    store, _, expected = queue
    assert _listed(store) == [expected]
    for limit in (1, 2, 3):
        pages = _listed(store, limit)
        assert sum(pages, []) == expected and all(len(p) == limit for p in pages[:-1])
    assert store.count_cases(APPROVALS) == len(expected)


def test_a_case_joins_and_leaves_the_queue_in_the_write_that_changes_it(queue):
    store, numbers, expected = queue
    replies = numbers[0]

    def approve_both(case):
        case.replies = []
    store.update_case(replies, approve_both)
    assert replies not in sum(_listed(store), [])

    def request_extension(case):
        case.extension = dict(EXTENSION)
    store.update_case(numbers[3], request_extension)
    now = sum(_listed(store), [])
    assert numbers[3] in now and now == sorted(
        [n for n in expected if n != replies] + [numbers[3]],
        key=lambda n: (ROWS[_row(numbers, n)][0], n))
    assert store.count_cases(APPROVALS) == len(expected)


def test_filters_narrow_the_queue_and_a_bad_cursor_is_refused(queue):
    store, numbers, _ = queue
    drafted = store.find_cases(CaseQuery(status="decision_drafted",
                                         order=QueueOrder.APPROVAL_OLDEST_FIRST)).cases
    assert [case.number for case in drafted] == [numbers[1]]
    with pytest.raises(ValueError):
        store.find_cases(APPROVALS, after="yesterday")
