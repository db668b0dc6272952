"""Checking cases' audit chains (`shared/domain/audit.py`) in a store: one case, or every case
paged through the newest-first queue."""
from __future__ import annotations

from collections.abc import Iterator

from shared.domain.audit import ChainBreak, verify_chain
from shared.domain.cases import Case, TimelineEvent
from shared.domain.ports import CaseStore
from shared.domain.queues import MAX_PAGE, CaseQuery


def check_case(store: CaseStore, case: Case) -> ChainBreak | None:
    """Where the case's chain breaks in the store, or None when it holds."""
    return verify_chain(case.number, all_events(store, case.number), head=case.audit_head)


def all_events(store: CaseStore, number: str) -> list[TimelineEvent]:
    """Every event of the case as the store returns them, page by page."""
    events: list[TimelineEvent] = []
    after = 0
    while page := store.case_events(number, public_only=False, after_seq=after, limit=MAX_PAGE):
        events.extend(page)
        # The highest seq read, not the last: a reordered page must not make us read it again.
        last = max(event.seq for event in page)
        if last <= after:
            break
        after = last
    return events


def every_case(store: CaseStore) -> Iterator[Case]:
    """Every case in the store, newest first, a page at a time."""
    cursor = None
    while True:
        page = store.find_cases(CaseQuery(), limit=MAX_PAGE, after=cursor)
        yield from page.cases
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
