"""The respondent told of the outcome without the reporter's identity, and corrective actions
(纠正措施) tracked to done. (Issue 9; filled in by its commands' service.)"""
from __future__ import annotations

from dataclasses import dataclass

from .cases import EventType
from .commands import Command, CommandName

C = CommandName


@dataclass(frozen=True)
class NotifyRespondent(Command):
    name, event = C.NOTIFY_RESPONDENT, EventType.RESPONDENT_NOTIFIED


@dataclass(frozen=True)
class RecordCorrectiveAction(Command):
    name, event, needs_reason = C.RECORD_CORRECTIVE_ACTION, EventType.CORRECTIVE_ACTION_RECORDED, True


@dataclass(frozen=True)
class CompleteCorrectiveAction(Command):
    name, event = C.COMPLETE_CORRECTIVE_ACTION, EventType.CORRECTIVE_ACTION_DONE
