"""Checking what staff send with a command: each bad field gets an error code, and the command
raises one InvalidCommand naming them all before anything is changed. Values may come straight
from JSON, so every check expects any type."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from shared.domain.case_numbers import parse_case_number
from shared.domain.errors import InvalidCommand

from .submissions import clean_text, is_blank

MAX_TEXT = 10000  # a note, a message, a question: as long as a reporter's addition
MAX_REASON = 2000
MAX_NAME = 200  # a department, a staff id, an authority's reference

E = TypeVar("E", bound=StrEnum)
CLOCK_SKEW = timedelta(minutes=5)  # a clerk's clock a little ahead is not "the future"


def staff_moment(value, timezone: str) -> datetime | None:
    """A time staff give in ISO 8601 (a letter's arrival, an appeal made by phone); one without a
    zone is the platform's, as the clerk reads it off the wall. None when not given; ValueError
    when it is no time."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError("not a time")
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(timezone))


class Checked:
    """Collects the errors of one command's input; `done()` raises them all at once."""

    def __init__(self):
        self.errors: dict[str, str] = {}

    def text(self, field: str, value, *, required: bool = True, limit: int = MAX_TEXT) -> str:
        """The text as typed (NFC, trimmed); "" when blank. Codes: required, too_long, invalid
        (not text, or a lone surrogate from a JSON escape, which no store can write)."""
        if value is None:
            value = ""
        if not isinstance(value, str) or not _encodable(value):
            self.errors[field] = "invalid"
            return ""
        text = clean_text(value)
        text = "" if is_blank(text) else text
        if required and not text:
            self.errors[field] = "required"
        elif len(text) > limit:
            self.errors[field] = "too_long"
        return text

    def choice(self, field: str, value, kind: type[E]) -> E | None:
        """One of the enum's values. Codes: required (empty), invalid."""
        if value is None or value == "":
            self.errors[field] = "required"
            return None
        if not isinstance(value, str) or value not in set(kind):
            self.errors[field] = "invalid"
            return None
        return kind(value)

    def flag(self, field: str, value) -> bool:
        """A true/false value (not 1 or "yes"). Codes: required (none given), invalid."""
        if value is None:
            self.errors[field] = "required"
            return False
        if not isinstance(value, bool):
            self.errors[field] = "invalid"
            return False
        return value

    def case_number(self, field: str, value) -> str:
        """The canonical form of a case number. Codes: required, invalid."""
        if value is None or value == "":
            self.errors[field] = "required"
            return ""
        canonical = parse_case_number(value) if isinstance(value, str) else None
        if canonical is None:
            self.errors[field] = "invalid"
            return ""
        return canonical

    def day(self, field: str, value, *, latest: date) -> date | None:
        """A calendar day (a date or YYYY-MM-DD) no later than `latest`. Codes: required,
        invalid, in_future."""
        if value is None or value == "":
            self.errors[field] = "required"
            return None
        if isinstance(value, datetime):
            value = value.date()
        try:
            day = value if isinstance(value, date) else date.fromisoformat(value)
        except (TypeError, ValueError):
            self.errors[field] = "invalid"
            return None
        if day > latest:
            self.errors[field] = "in_future"
            return None
        return day

    def count(self, field: str, value, *, low: int, high: int) -> int:
        """A whole number from `low` to `high`. Code: invalid."""
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.errors[field] = "invalid"
            return low
        return value

    def fail(self, field: str, code: str) -> None:
        self.errors[field] = code

    def done(self) -> None:
        """Raise InvalidCommand with every error found, if any."""
        if self.errors:
            raise InvalidCommand(dict(self.errors))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
