"""Satisfaction follow-up (R17): the reporter's rating from the closure notice's link, and the
follow-up calls staff record (回访记录)."""
from __future__ import annotations

from dataclasses import dataclass

from .cases import EventType
from .commands import Command, CommandName

C = CommandName


@dataclass(frozen=True)
class RateHandling(Command):
    name, event, actors = C.RATE_HANDLING, EventType.HANDLING_RATED, frozenset({"reporter"})


@dataclass(frozen=True)
class RecordFollowUp(Command):
    name, event, needs_reason = C.RECORD_FOLLOW_UP, EventType.FOLLOW_UP_RECORDED, True
