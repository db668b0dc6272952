"""The archive (R18): a closed case kept read-only with everything that happened, and its export
as one document for a regulator or a court (each export recorded)."""
from __future__ import annotations

from dataclasses import dataclass

from .cases import EventType
from .commands import Command, CommandName

C = CommandName


@dataclass(frozen=True)
class RecordExport(Command):
    name, event = C.RECORD_EXPORT, EventType.CASE_EXPORTED

