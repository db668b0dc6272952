"""Queues: the lists of cases staff and the deadline sweep work through, read a page at a time.

A page ends with a cursor, the position of its last case; the next page starts after it (keyset
paging: no offsets, so a page costs the same however deep, and cases arriving meanwhile neither
repeat nor skip one).
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum

from .cases import Case

MAX_PAGE = 200


class QueueOrder(StrEnum):
    NEWEST_FIRST = "newest_first"  # received_at, newest first; ties by number, descending
    MOST_URGENT_FIRST = "most_urgent_first"  # next_due_at, earliest first; ties by number
    # A case without a deadline (next_due_at None) is in no most-urgent-first queue.
    # The oldest open follow-up task first (R17, `follow_up.task_opened_at`); ties by number. A
    # case without an open task is in no such queue: the order is the `follow_up` queue.
    FOLLOW_UP_OLDEST_FIRST = "follow_up_oldest_first"
    # The cases the deadline sweep found past their current deadline, the longest overdue first
    # (the deadline passed, `sweep_rules.overdue_deadline`); ties by number. The `overdue` queue.
    OVERDUE_LONGEST_FIRST = "overdue_longest_first"
    # The cases where something waits for an approval (`approvals.awaits_approval`: replies, a
    # drafted decision, an extension), the oldest received first; ties by number. The approvals
    # inbox; a case with nothing waiting is in no such queue.
    APPROVAL_OLDEST_FIRST = "approval_oldest_first"
    # Reports held under the misuse policy (R21, `misuse.py`), the hold ending soonest first;
    # ties by number. A case never held, or released, is in no such queue; `held_after` leaves
    # out holds that ended by themselves.
    HELD_SOONEST_FIRST = "held_soonest_first"


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
    matter: str | None = None  # `matters.matter_key`: the cases of one matter (R8's count rule)
    order: QueueOrder = QueueOrder.NEWEST_FIRST
    # Search terms (`search_terms` of what was typed), all of which the subject must hold. A word
    # search is newest first: the terms are indexed with the receipt time, not the deadline.
    words: tuple[str, ...] = ()
    # Received at or after the first time and before the second (a year of the archive, R18):
    # a range on the receipt time the newest-first indexes are ordered by, so no index is added.
    received_in: tuple[datetime, datetime] | None = None
    # The held queue (HELD_SOONEST_FIRST): only holds ending after this moment (those before
    # ended by themselves); a range of the key the queue is ordered by, so no index is added.
    held_after: datetime | None = None

    def __post_init__(self):
        object.__setattr__(self, "words", tuple(self.words))
        if self.words and self.order is not QueueOrder.NEWEST_FIRST:
            raise ValueError("a word search is ordered newest first")
        if self.received_in is not None and self.order is not QueueOrder.NEWEST_FIRST:
            raise ValueError("a search by receipt time is ordered newest first")

    def received_within(self, moment: datetime) -> bool:
        """Whether a case received at `moment` is in the query's receipt range (if any)."""
        return self.received_in is None or self.received_in[0] <= moment < self.received_in[1]

    def filters(self) -> dict[str, str]:
        """The filters given, by field name (the words apart)."""
        return {name: str(getattr(self, name)) for name in FILTER_FIELDS
                if getattr(self, name) is not None}

    def leading_word(self) -> str:
        """The term a store looks up in its word index; the others are checked on what it finds.
        The longest, as the likeliest to be rare (no statistics are kept)."""
        return max(self.words, key=len)


FILTER_FIELDS = tuple(f.name for f in fields(CaseQuery)
                      if f.name not in {"order", "words", "received_in", "held_after"})


@dataclass(frozen=True)
class CasePage:
    """One page of a queue; `next_cursor` is None on the last page."""

    cases: list[Case]
    next_cursor: str | None


# The filter combinations a queue is counted by (`CaseStore.count_cases`): those one index serves
# whole, so a count is one aggregation on either store, never a read of the cases.
_COUNTED = frozenset({frozenset(), *(frozenset({name}) for name in FILTER_FIELDS),
                      frozenset({"status", "department"}), frozenset({"status", "assignee"})})
_COUNTED_BY_ORDER = {
    QueueOrder.NEWEST_FIRST: _COUNTED,
    QueueOrder.MOST_URGENT_FIRST: _COUNTED,
    QueueOrder.OVERDUE_LONGEST_FIRST: frozenset({frozenset(), frozenset({"department"}),
                                                 frozenset({"assignee"})}),
}  # any other order (a queue of few cases on its key's own index): counted whole only


def countable(query: CaseQuery) -> bool:
    """Whether a store counts the query's cases in one aggregation: no words, no receipt range,
    and the filters of one index — one filter, or status with department or with assignee; in
    the overdue queue department or assignee alone, in any other queue none."""
    if query.words or query.received_in is not None:
        return False
    return frozenset(query.filters()) in _COUNTED_BY_ORDER.get(query.order, {frozenset()})


def reporter_email_hash(email: str) -> str:
    """How a reporter's address is kept beside the case for finding their cases: SHA-256 of the
    lower-cased address, hex (the address itself stays in the private record, R20)."""
    # surrogatepass: an address read from mail may hold lone surrogates; it must hash, not crash
    return hashlib.sha256(email.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()


# -- Subject words -------------------------------------------------------------------------------
# A subject is cut into terms once, when the case is written, and what staff type is cut the same
# way, so that a search is an exact match of terms in an index. Latin letters and digits (and any
# other alphabet) make words, lower-cased; Chinese, Japanese and Korean text has no spaces, so a
# run of it gives its overlapping pairs of characters (退款申请 → 退款 款申 申请), which finds any
# two or more characters of it, and a run of one character gives that character. No stemming.

MAX_TERMS = 64  # per case: the document and its index entries stay bounded
MAX_TERM_LENGTH = 40  # a longer word is indexed (and looked up) by its first 40 characters
_CJK = ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF),
        (0xF900, 0xFAFF), (0x20000, 0x3FFFF))


def _is_cjk(char: str) -> bool:
    point = ord(char)
    return any(low <= point <= high for low, high in _CJK)


def _runs(text: str):
    """(is CJK, run) for each stretch of word characters; everything else separates."""
    run, cjk = [], False
    for char in text:
        if not char.isalnum():
            if run:
                yield cjk, "".join(run)
            run = []
            continue
        if run and _is_cjk(char) != cjk:
            yield cjk, "".join(run)
            run = []
        cjk = _is_cjk(char)
        run.append(char)
    if run:
        yield cjk, "".join(run)


def search_terms(text: str, limit: int = MAX_TERMS) -> tuple[str, ...]:
    """The terms of a text, in order of first appearance, each once, at most `limit`."""
    terms: dict[str, None] = {}
    for cjk, run in _runs(unicodedata.normalize("NFKC", text).casefold()):
        if cjk and len(run) > 1:
            pieces = [run[i:i + 2] for i in range(len(run) - 1)]
        else:
            pieces = [run[:MAX_TERM_LENGTH]]
        for piece in pieces:
            terms.setdefault(piece)
            if len(terms) == limit:
                return tuple(terms)
    return tuple(terms)


def checked_page_size(limit: int) -> int:
    """The page size, if it is one a store serves (1 to MAX_PAGE); ValueError otherwise."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"a page holds 1 to {MAX_PAGE} items, not {limit}")
    return limit
