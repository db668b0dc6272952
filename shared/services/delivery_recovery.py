"""Recovery after a mail outage: a circuit that closes (issue 12).

Every transient failure of the transport (the relay or SES down, or answering with a temporary
error) leaves its entry waiting for a later retry, by a backoff that grows to hours. When a send
goes through again after failures — an entry that had failed before is sent, or this process saw
the transport fail since its last recall — the transport is back, and the entries waiting on it
are brought forward to now (`delivery_circuit.bring_forward`), so that the workers, the cloud's
trigger retries and the sweep's `deliver_due` send them at once.

Bounded and idempotent: the due index is read from now on, a page at a time (keyset on the due
moment; the entries brought forward leave the range, so the next page starts after them), each
page changed in one transaction that checks every entry again; at most `budget` entries are
looked at per recall, one recall runs at a time in a process, and a process recalls again only
after a new failure or `quiet` later. A recall racing another (two processes) writes nothing the
other wrote already. It sends nothing itself: the sending stays with the workers, at their pace.
"""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from shared.domain.delivery_circuit import bring_forward, due_at, transport_trouble, waits_on_transport
from shared.domain.outbox import OutboxMessage
from shared.domain.ports import CaseStore, Clock

log = logging.getLogger(__name__)


class TransportCircuit:
    """What the delivery knows of its transport's health, and the recall when it comes back."""

    def __init__(self, store: CaseStore, clock: Clock, page: int = 100, budget: int = 2000,
                 quiet: timedelta = timedelta(seconds=30)):
        self._store = store
        self._clock = clock
        self._page = page
        self._budget = budget
        self._quiet = quiet
        self._troubled = False  # a transport failure seen since the last recall
        self._last_recall: datetime | None = None
        self._recalling = threading.Lock()
        self.recalled = 0  # entries brought forward by this process, for bench/ and logs

    def failed(self, error: str, permanent: bool) -> None:
        """A send failed: a transient failure of the transport opens the circuit."""
        if not permanent and transport_trouble(error):
            self._troubled = True

    def succeeded(self, message: OutboxMessage) -> int:
        """A send went through: when it follows failures, bring the waiting entries forward.
        Returns how many were brought forward (0 when there was nothing to recover from, or
        another thread is recalling)."""
        retried = message.attempts > 1 and transport_trouble(message.last_error)
        if not (self._troubled or retried):
            return 0
        if not self._recalling.acquire(blocking=False):
            return 0
        try:
            now = self._clock.now()
            recent = self._last_recall is not None and now - self._last_recall < self._quiet
            if recent and not self._troubled:
                return 0
            self._troubled = False
            self._last_recall = now
            moved = self.recall(now)
        finally:
            self._recalling.release()
        if moved:
            log.info("mail transport back: %d waiting entries brought forward", moved)
        return moved

    def recall(self, now: datetime) -> int:
        """Bring every entry waiting on the transport forward to `now`, reading no more than
        the budget; returns how many were brought forward."""
        after, seen, moved = now + _TICK, set(), 0  # what is due at `now` waits on nothing
        for _ in range(-(-self._budget // self._page)):
            page = self._store.waiting_outbox(after, self._page)
            fresh = [message for message in page if message.id not in seen]
            seen.update(message.id for message in fresh)
            waiting = [message.id for message in fresh if waits_on_transport(message, now)]
            if waiting:
                moved += self._store.reschedule_outbox(
                    waiting, lambda message: bring_forward(message, now))
            if len(page) < self._page:
                break
            # Keyset on the due moment: what was brought forward left the range; entries left
            # at the page's last moment come again and are skipped (seen), and a page of nothing
            # but those moves past that moment.
            after = due_at(page[-1]) + (_TICK if not fresh else timedelta(0))
        self.recalled += moved
        return moved


_TICK = timedelta(microseconds=1)  # the stores' time resolution
