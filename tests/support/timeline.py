"""Reading a case's timeline in tests, whichever way the store keeps it."""
from __future__ import annotations

from shared.domain.cases import EventType, TimelineEvent


def events_of(store, number: str) -> list[TimelineEvent]:
    """Every event of the case, oldest first."""
    return list(store.get_case(number).timeline)


def types_of(store, number: str) -> list[EventType]:
    """The types of the case's events, oldest first."""
    return [event.type for event in events_of(store, number)]
