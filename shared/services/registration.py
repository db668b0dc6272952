"""Registering a new case under a freshly drawn number, whatever channel it came by."""
from __future__ import annotations

from collections.abc import Callable

from shared.domain.cases import Case, ReporterIdentity
from shared.domain.errors import CaseNumberTaken
from shared.domain.outbox import OutboxMessage
from shared.domain.ports import CaseStore

NUMBER_DRAWS = 8

Draft = tuple[Case, ReporterIdentity, list[OutboxMessage]]


def register_new_case(store: CaseStore, draft: Callable[[], Draft], **write) -> Draft:
    """Build a case with a new random number and register it (with `write`'s mail keys or
    counters); a number that is taken already is drawn again."""
    for _ in range(NUMBER_DRAWS):
        drafted = draft()
        try:
            store.register(*drafted, **write)
        except CaseNumberTaken:
            continue
        return drafted
    raise CaseNumberTaken("no free case number after several draws")
