"""Rate limits count events in fixed windows: one counter slot per key and window. Clients (IP
addresses) and recipients are kept only as hashes."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class CounterSlot:
    id: str  # the key and the window's index
    expires_at: datetime  # after this the slot counts nothing and may be deleted
    limit: int | None = None  # a write counting one more is refused when the count is at this


def counter_slot(key: str, window: timedelta, now: datetime, limit: int | None = None) -> CounterSlot:
    index = int(now.timestamp() // window.total_seconds())
    end = datetime.fromtimestamp((index + 1) * window.total_seconds(), tz=now.tzinfo)
    return CounterSlot(f"{key}@{index}", end, limit)


ACKNOWLEDGMENT_WINDOW = timedelta(hours=1)


def _hashed(text: str) -> str:
    # surrogatepass: text from mail may hold lone surrogates (undecodable bytes); hash, not crash
    return hashlib.sha256(text.lower().encode("utf-8", "surrogatepass")).hexdigest()[:32]


def acknowledgment_slot(address: str, now: datetime, limit: int | None = None) -> CounterSlot:
    """Acknowledgments sent to one address this hour, form and email together: nobody may use
    either to flood a third party's mailbox from our domain."""
    return counter_slot("ack-address-" + _hashed(address), ACKNOWLEDGMENT_WINDOW, now, limit)


def client_slot(scope: str, client: str, window: timedelta, now: datetime,
                limit: int | None = None) -> CounterSlot:
    """What one client did in a window (`scope` names what is counted)."""
    return counter_slot(f"{scope}-" + _hashed(client), window, now, limit)
