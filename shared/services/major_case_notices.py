"""R9's notices, queued in the transaction of the change that calls for them: every service that
changes a case's severity or status runs its change through `with_major_case_notices`, so a case
made major or hot — by staff, the flags, the sweep's time rules or the count rules — is told at
once, and a major case's every change of status is bulletined to the leaders (`major_cases`)."""
from __future__ import annotations

from collections.abc import Callable
from functools import cache

from shared.domain import major_cases
from shared.domain.cases import Case
from shared.domain.outbox import OutboxMessage
from shared.domain.ports import CaseStore

Change = Callable[[Case], list[OutboxMessage] | None]


def staff_audience(store: CaseStore) -> Callable[[], major_cases.Audience]:
    """The active staff, read from the store the first time a notice needs them, then kept."""
    return cache(lambda: major_cases.Audience.of(store.list_staff()))


def with_major_case_notices(change: Change, audience: Callable[[], major_cases.Audience],
                            language: str) -> Change:
    """`change`, followed by the R9 notices of what it did to the case, returned with its own
    outbox entries so the store writes them in the same transaction. Safe to run again (a
    transaction retried): each run compares the case as it read it."""

    def changed(case: Case) -> list[OutboxMessage]:
        before = major_cases.Before.of(case)
        outbox = list(change(case) or [])
        return outbox + major_cases.notices(before, case, audience, language)

    return changed
