"""Which notices to the reporter are delayed (issue 12): sent, failed, and waiting for another try.
Their status page says so in plain words, without the error (which may name a server, or their
address), until the notice goes out — or is given up on, which the timeline tells."""
from __future__ import annotations

from shared.domain.delivery_circuit import delayed_notice
from shared.domain.ports import CaseStore


def delayed_notices(store: CaseStore, number: str) -> tuple[str, ...]:
    """The templates of the case's delayed notices to the reporter, oldest first, each once."""
    waiting = sorted(store.waiting_outbox_of_case(number), key=lambda m: m.created_at)
    return tuple(dict.fromkeys(m.template.value for m in waiting if delayed_notice(m)))
