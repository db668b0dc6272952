"""Malicious or manifestly unfounded reports marked, and rewards for valid ones (R21)."""
from __future__ import annotations

from dataclasses import dataclass

from .cases import EventType
from .commands import Command, CommandName

C = CommandName


@dataclass(frozen=True)
class MarkReport(Command):
    name, event, needs_reason = C.MARK_REPORT, EventType.REPORT_MARKED, True


@dataclass(frozen=True)
class RecordReward(Command):
    name, event = C.RECORD_REWARD, EventType.REWARD_RECORDED
