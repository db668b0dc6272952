"""Queues: the lists of cases staff and the deadline sweep work through, read a page at a time.

A page ends with a cursor, the position of its last case; the next page starts after it (keyset
paging: no offsets, so a page costs the same however deep, and cases arriving meanwhile neither
repeat nor skip one).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from enum import StrEnum

from .cases import Case

MAX_PAGE = 200


class QueueOrder(StrEnum):
    NEWEST_FIRST = "newest_first"  # received_at, newest first; ties by number, descending
    MOST_URGENT_FIRST = "most_urgent_first"  # next_due_at, earliest first; ties by number
    # A case without a deadline (next_due_at None) is in no most-urgent-first queue.


@dataclass(frozen=True)
class CaseQuery:
    """Which cases, in which order. Every filter given must match (AND); None means any."""

    status: str | None = None
    kind: str | None = None
    category: str | None = None
    severity: str | None = None
    channel: str | None = None
    assignee: str | None = None
    department: str | None = None
    reporter_email_hash: str | None = None  # `reporter_email_hash(email)`: a reporter's cases
    order: QueueOrder = QueueOrder.NEWEST_FIRST

    def filters(self) -> dict[str, str]:
        """The filters given, by field name."""
        return {f.name: str(getattr(self, f.name)) for f in fields(self)
                if f.name != "order" and getattr(self, f.name) is not None}


FILTER_FIELDS = tuple(f.name for f in fields(CaseQuery) if f.name != "order")


@dataclass(frozen=True)
class CasePage:
    """One page of a queue; `next_cursor` is None on the last page."""

    cases: list[Case]
    next_cursor: str | None


def reporter_email_hash(email: str) -> str:
    """How a reporter's address is kept beside the case for finding their cases: SHA-256 of the
    lower-cased address, hex (the address itself stays in the private record, R20)."""
    # surrogatepass: an address read from mail may hold lone surrogates; it must hash, not crash
    return hashlib.sha256(email.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()


def checked_page_size(limit: int) -> int:
    """The page size, if it is one a store serves (1 to MAX_PAGE); ValueError otherwise."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"a page holds 1 to {MAX_PAGE} items, not {limit}")
    return limit
