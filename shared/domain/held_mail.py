"""Held mail as staff work through it: an entry is open until a staff member settles it — opens a
case from it, attaches it to an existing case, or dismisses it with a reason — and is settled
once. The message itself (`cases.HeldMail`) stays as intake kept it; the settlement is recorded
beside it (`Resolution`: what was done, to which case, why, by whom, when and from where)."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from .cases import HeldMail
from .errors import DomainError

_HELD_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")  # intake's are uuid4 hex; also a Firestore id


class HeldMailAction(StrEnum):
    """What a staff member did with a held message. Values are stored: never rename one."""

    OPENED_CASE = "opened_case"
    ATTACHED = "attached"
    DISMISSED = "dismissed"


@dataclass(frozen=True)
class Resolution:
    """How a held message was settled: the action, the case it went to (none when dismissed), the
    reason given, the staff member (id), when, and the client address they acted from."""

    action: HeldMailAction
    staff_id: str
    at: datetime
    reason: str = ""
    case_number: str = ""
    client: str = ""


@dataclass(frozen=True)
class HeldEntry:
    """A held message and, once settled, its resolution."""

    mail: HeldMail
    resolution: Resolution | None = None

    @property
    def open(self) -> bool:
        return self.resolution is None

    def settled(self, resolution: Resolution) -> HeldEntry:
        """The entry with its resolution. Raises HeldMailSettled when it has one already: a held
        message is settled once."""
        if self.resolution is not None:
            raise HeldMailSettled(self)
        return replace(self, resolution=resolution)


@dataclass(frozen=True)
class HeldMailPage:
    """One page of the open held mail, newest first; `next_cursor` is None on the last page."""

    entries: list[HeldEntry]
    next_cursor: str | None


def filing_key(held_id: str) -> str:
    """The unique key a held message takes on the case it is filed in (opened or attached): one
    case at most ever holds it, however often a staff action is retried."""
    return f"held:{held_id}"


def is_held_id(text: object) -> bool:
    """Whether `text` can name a held entry (anything else names none, and is never looked up)."""
    return isinstance(text, str) and _HELD_ID.fullmatch(text) is not None


class HeldMailNotFound(DomainError):
    """No held message has this id."""


class HeldMailSettled(DomainError):
    """The held message was settled already (`entry.resolution` says how): nothing was changed."""

    def __init__(self, entry: HeldEntry):
        resolution = entry.resolution
        super().__init__(f"held mail {entry.mail.id} was settled already"
                         + (f" ({resolution.action.value})" if resolution else ""))
        self.entry = entry
