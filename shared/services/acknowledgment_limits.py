"""How often one address may be sent an acknowledgment: across the form and email, so that
nobody can use either to flood a third party's mailbox from our domain."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from shared.domain.ports import CaseStore

WINDOW = timedelta(hours=1)


def acknowledgment_allowed(store: CaseStore, address: str, per_hour: int, now: datetime) -> bool:
    """Count one acknowledgment to `address`; False when it would exceed `per_hour`."""
    key = "ack-address-" + hashlib.sha256(address.lower().encode()).hexdigest()[:32]
    return store.count_hit(key, WINDOW, now) <= per_hour
