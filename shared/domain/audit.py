"""The audit chain (R20, R23): each case's timeline is a hash chain, so that an altered, removed
or reordered event record is detectable.

Every event `Case.record` numbers carries `prev_hash` (the case's `audit_head` before it: "" for
the case's first hashed event) and `hash`, the SHA-256 of its canonical content (`event_hash`);
the case keeps the newest hash as `audit_head`. One chain per case, not one for the platform:
a global head would make every staff action contend on one record. Events stored before the
chain existed carry no hash; a case's chain starts at its first hashed event.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # cases imports this module: no import cycle at run time
    from .cases import TimelineEvent

# The stored time text (`records.time_text`): the hash covers `at` exactly as stored.
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def time_text(moment: datetime) -> str:
    """`moment` as fixed-width UTC text, as stores keep it."""
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def event_hash(number: str, event: TimelineEvent) -> str:
    """SHA-256 (hex) of the event's canonical content: sorted-key JSON without whitespace, UTF-8,
    of its case number, seq, type, time, actor, text, data and `prev_hash`."""
    content = {"case": number, "seq": event.seq, "type": event.type.value,
               "at": time_text(event.at), "actor": event.actor, "text": event.text,
               "data": event.data, "prev_hash": event.prev_hash}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # surrogatepass: text read from mail may hold a lone surrogate; it must hash, not crash
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def chained(number: str, event: TimelineEvent, head: str) -> TimelineEvent:
    """The (numbered) event linked after `head` and sealed with its hash."""
    linked = replace(event, prev_hash=head)
    return replace(linked, hash=event_hash(number, linked))


class BreakReason(StrEnum):
    ALTERED = "altered"  # its content does not match its hash, or its hash was removed
    MISSING = "missing"  # a sequence number is absent: an event was deleted
    REORDERED = "reordered"  # out of sequence order, or repeated
    UNLINKED = "unlinked"  # not linked to the event before it: one of the two was replaced


@dataclass(frozen=True)
class ChainBreak:
    """Where a case's chain first breaks: the seq of the first event that fails, and why."""

    seq: int
    reason: BreakReason
    detail: str = ""


def verify_chain(number: str, events: Iterable[TimelineEvent],
                 head: str | None = None) -> ChainBreak | None:
    """Check case `number`'s events as the store returns them (all of them, oldest first); None
    when the chain holds. With `head` (the case's `audit_head`), the last hashed event must be
    it, so that removing the newest events is detected too."""
    events = list(events)
    found = _out_of_sequence(events)
    if found:
        return found
    rewritten = _rewritten(events)
    previous, started = "", False
    for event in events:
        if not event.hash and not started and not event.prev_hash:
            continue  # stored before the chain existed
        started = True
        # An event a purge rewrote (`identity_purge`) matches the hash the purge event recorded.
        sealed = rewritten.get(str(event.seq), event.hash)
        if event_hash(number, event) != sealed:  # a removed hash too
            return ChainBreak(event.seq, BreakReason.ALTERED, "content does not match its hash")
        if event.prev_hash != previous:
            return ChainBreak(event.seq, BreakReason.UNLINKED,
                              "its prev_hash is not the hash of the event before it")
        previous = event.hash
    if head is not None and head != previous:
        return ChainBreak(len(events) + 1, BreakReason.MISSING,
                          "the case's audit head is not its last event's hash")
    return None


def _rewritten(events: list[TimelineEvent]) -> dict[str, str]:
    """seq → the hash of the content an identity purge rewrote the event to, as the purge
    events (themselves chained) recorded it."""
    found: dict[str, str] = {}
    for event in events:
        if event.type.value == "identity_purged" and isinstance(event.data.get("redacted"), dict):
            found.update(event.data["redacted"])
    return found


def _out_of_sequence(events: list[TimelineEvent]) -> ChainBreak | None:
    """The first event out of order (or repeated), else the first seq missing from 1, 2, 3…"""
    for before, event in zip(events, events[1:]):
        if event.seq <= before.seq:
            return ChainBreak(event.seq, BreakReason.REORDERED, f"seq {event.seq} after {before.seq}")
    for expected, event in enumerate(events, 1):
        if event.seq != expected:
            return ChainBreak(expected, BreakReason.MISSING, f"seq {expected} is absent")
    return None
