"""The manual flags of R8 a case is classified with, and the severity they imply.

R8 (policy 顾客投诉办理制度): major — litigation started, exposed by the media, a collective
complaint of 10 or more people; hot — litigation or media exposure likely, a collective complaint
of 3 or more; important — a second complaint after the first was handled, or one that needs
outside support. The time and count rules of R8 (unresolved after a week or a month, 3 complaints
about one matter in a month) are the sweep's, not flags.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum

from .errors import InvalidCommand
from .severity import Severity

MAJOR_COLLECTIVE, HOT_COLLECTIVE = 10, 3
MAX_COLLECTIVE = 1_000_000


class Litigation(StrEnum):
    NONE = "none"
    LIKELY = "likely"
    STARTED = "started"


class MediaExposure(StrEnum):
    NONE = "none"
    LIKELY = "likely"
    EXPOSED = "exposed"


@dataclass(frozen=True)
class CaseFlags:
    """What staff know of a case that raises its severity (R8). `collective_size` is the number
    of people of a collective complaint, 0 when it is not one (a collective has at least 2)."""

    litigation: Litigation = Litigation.NONE
    media_exposure: MediaExposure = MediaExposure.NONE
    collective_size: int = 0
    needs_outside_support: bool = False
    repeat_complaint: bool = False  # a second complaint after the first was handled

    def implied_severity(self) -> Severity:
        """The severity R8 gives a case with these flags."""
        if (self.litigation == Litigation.STARTED or self.media_exposure == MediaExposure.EXPOSED
                or self.collective_size >= MAJOR_COLLECTIVE):
            return Severity.MAJOR
        if (self.litigation == Litigation.LIKELY or self.media_exposure == MediaExposure.LIKELY
                or self.collective_size >= HOT_COLLECTIVE):
            return Severity.HOT
        if self.needs_outside_support or self.repeat_complaint:
            return Severity.IMPORTANT
        return Severity.GENERAL

    def as_dict(self) -> dict:
        """The flags that are set, JSON-ready (an unflagged case: {})."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)
                if getattr(self, f.name) != f.default}

    def every_flag(self) -> dict:
        """Every flag with its value, set or not (for staff screens)."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, record: Mapping) -> CaseFlags:
        """The flags of a stored `as_dict`."""
        return cls().updated(record)

    def updated(self, changes: object) -> CaseFlags:
        """These flags with the given ones replaced (flags not named keep their value). Raises
        InvalidCommand naming each bad flag (`flags.<name>`: unknown or invalid)."""
        if not isinstance(changes, Mapping):
            raise InvalidCommand({"flags": "invalid"})
        errors, values = {}, {}
        for name, value in changes.items():
            parse = _PARSERS.get(name) if isinstance(name, str) else None
            parsed = parse(value) if parse else None
            if parse is None:
                errors[f"flags.{name}"] = "unknown"
            elif parsed is None:
                errors[f"flags.{name}"] = "invalid"
            else:
                values[name] = parsed
        if errors:
            raise InvalidCommand(errors)
        return replace(self, **values)


def _plain(value):
    return value.value if isinstance(value, StrEnum) else value


def _choice(kind: type[StrEnum]):
    def parse(value):
        return kind(value) if isinstance(value, str) and value in set(kind) else None
    return parse


def _flag(value):
    return value if isinstance(value, bool) else None


def _people(value):
    # bool is an int in Python: True is not a number of people
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if value == 0 or 2 <= value <= MAX_COLLECTIVE else None


_PARSERS = {"litigation": _choice(Litigation), "media_exposure": _choice(MediaExposure),
            "collective_size": _people, "needs_outside_support": _flag,
            "repeat_complaint": _flag}
