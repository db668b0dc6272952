"""Rate-limit counters on Firestore: `hit_counters/{slot id}`, a count and an `expires_at`
timestamp for a TTL policy (infra/firestore.tf). The functions take the client and leave counting
operations to the store."""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from google.cloud import firestore

from shared.domain.errors import LimitReached
from shared.domain.rate_limits import CounterSlot

HIT_COUNTERS = "hit_counters"


def slot_document(client: firestore.Client, slot: CounterSlot):
    return client.collection(HIT_COUNTERS).document(slot.id)


def count_hit(client: firestore.Client, slot: CounterSlot) -> int:
    # An atomic server-side increment, then a read: two round trips instead of a transaction's
    # three. The read may include others' increments: a limit errs on the strict side.
    document = client.collection(HIT_COUNTERS).document(slot.id)
    document.set({"count": firestore.Increment(1), "expires_at": slot.expires_at}, merge=True)
    return document.get().get("count")


def read(client: firestore.Client, slots: Sequence[CounterSlot]) -> list[int]:
    documents = [slot_document(client, slot) for slot in slots]
    found = {snap.id: snap.get("count") for snap in client.get_all(documents) if snap.exists}
    return [found.get(slot.id, 0) for slot in slots]


def distinct(slots: Sequence[CounterSlot]) -> list[tuple[CounterSlot, int]]:
    """Each slot once (the last given of its id) with the number of times it is to be counted."""
    times = Counter(slot.id for slot in slots)
    return [(slot, times[slot.id]) for slot in {slot.id: slot for slot in slots}.values()]


def counted(client: firestore.Client, slots: Sequence[tuple[CounterSlot, int]],
            snapshots: Sequence) -> list[tuple]:
    """The writes (document, data) that count each slot its number of times, from `snapshots`
    (the slots' documents, in order, read in the caller's transaction). Raises LimitReached when
    that would pass a slot's limit."""
    writes = []
    for (slot, times), snapshot in zip(slots, snapshots):
        count = (snapshot.get("count") if snapshot.exists else 0) + times
        if slot.limit is not None and count > slot.limit:
            raise LimitReached(slot.id)
        writes.append((client.collection(HIT_COUNTERS).document(slot.id),
                       {"count": count, "expires_at": slot.expires_at}))
    return writes
