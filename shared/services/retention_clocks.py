"""The retention clock of cases archived before it existed (a deploy step,
`python -m tools.start_retention_clocks`): archiving now sets `next_due_at` so that the deadline
sweep sets when the reporter's identity is purged; a case archived earlier has none and would
never be read. This pages through the archived cases (the status queue, newest first) and sets
`next_due_at` to now on each that has no clock and was not purged: the sweep's next run reads
each once and sets its purge moment (`sweep_rules`). A second run changes nothing."""
from __future__ import annotations

from dataclasses import dataclass

from shared.domain.cases import Case, Status
from shared.domain.ports import CaseStore, Clock
from shared.domain.queues import MAX_PAGE, CaseQuery


@dataclass(frozen=True)
class ClocksStarted:
    read: int  # archived cases read
    started: int  # of which given a clock


def start_retention_clocks(store: CaseStore, clock: Clock) -> ClocksStarted:
    """Give every archived, unpurged case without a clock one (now); what was read and set."""
    read = started = 0
    cursor = None
    while True:
        page = store.find_cases(CaseQuery(status=Status.ARCHIVED.value), limit=MAX_PAGE,
                                after=cursor)
        for case in page.cases:
            read += 1
            if _needs_clock(case):
                done = []

                def start(current: Case) -> None:
                    if _needs_clock(current):  # as read in the transaction
                        current.next_due_at = clock.now()
                        done.append(current.number)

                store.update_case(case.number, start)
                started += len(done)
        if page.next_cursor is None:
            return ClocksStarted(read, started)
        cursor = page.next_cursor


def _needs_clock(case: Case) -> bool:
    return (case.status == Status.ARCHIVED and case.next_due_at is None
            and case.identity_purged_at is None)
