"""Reading a case's timeline in tests, whichever way the store keeps it."""
from __future__ import annotations

from shared.domain.cases import EventType, TimelineEvent


def events_of(store, number: str, public_only: bool = False) -> list[TimelineEvent]:
    """Every event of the case (or every public one), oldest first, read page by page."""
    events: list[TimelineEvent] = []
    while page := store.case_events(number, public_only=public_only,
                                    after_seq=events[-1].seq if events else 0, limit=200):
        events.extend(page)
    return events


def types_of(store, number: str) -> list[EventType]:
    """The types of the case's events, oldest first."""
    return [event.type for event in events_of(store, number)]
