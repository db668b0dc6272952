"""The local stack's outbox workers (issue 12): a small pool that keeps pace with intake.

The cloud gives every outbox entry its own Eventarc event, so deliveries run side by side on as
many instances as needed. Here one feeder reads what is due (`due_outbox`, oldest first) and hands
the entries to `CD_LOCAL_DELIVERY_WORKERS` threads, each of which delivers one entry at a time
(claim, compose, send, settle): while entries are due, the feeder reads again as soon as the
workers run short, with no pause; when nothing is due it sleeps until a write of this process
may have queued mail (`OutboxSignal`, set by `SignallingStore`) or, at the latest,
`CD_LOCAL_WORKER_INTERVAL` seconds (mail queued by another process, a retry whose time came).
Two workers never send one entry: each delivery claims its entry with a lease first, and the
feeder never hands out an entry a worker still holds.
"""
from __future__ import annotations

import logging
import queue
import threading

log = logging.getLogger("local_stack")


class OutboxSignal:
    """Set when mail may have been queued; the feeder waits on it while nothing is due."""

    def __init__(self):
        self._event = threading.Event()

    def notify(self) -> None:
        self._event.set()

    def wait(self, timeout: float) -> None:
        self._event.wait(timeout)
        self._event.clear()


class SignallingStore:
    """The case store, telling the pool after each write that may queue mail (registration, a
    case's change, a period's mail, entries brought forward)."""

    # Every method that writes new or earlier-due outbox entries. (Staff's "send again", an
    # `update_outbox`, is found by the idle poll: a delivery's own settling must not wake it.)
    _WRITES = frozenset({"register", "update_case", "update_case_as_read", "queue_period_mail",
                         "reschedule_outbox"})

    def __init__(self, store, signal: OutboxSignal):
        self._store = store
        self._signal = signal

    def __getattr__(self, name):
        found = getattr(self._store, name)
        if name not in self._WRITES or not callable(found):
            return found

        def write(*args, **kwargs):
            result = found(*args, **kwargs)
            self._signal.notify()
            return result

        return write


class OutboxPool:
    """`workers` threads delivering what one feeder reads is due, until `stop` is set."""

    def __init__(self, delivery, store, clock, signal: OutboxSignal, workers: int,
                 idle_wait: float, stop: threading.Event):
        self._delivery = delivery
        self._store = store
        self._clock = clock
        self._signal = signal
        self._workers = workers
        self._idle_wait = idle_wait
        self._stop = stop
        self._queue: queue.Queue[str] = queue.Queue()
        self._held: set[str] = set()  # handed to a worker and not finished yet
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._threads = [threading.Thread(target=self._feed, name="outbox-feeder", daemon=True)]
        self._threads += [threading.Thread(target=self._work, name=f"outbox-worker-{n}",
                                           daemon=True) for n in range(self._workers)]
        for thread in self._threads:
            thread.start()

    def join(self, timeout: float) -> None:
        self._signal.notify()
        for thread in self._threads:
            thread.join(timeout)

    def _feed(self) -> None:
        while not self._stop.is_set():
            try:
                handed = self._hand_out()
            except Exception:  # keep the feeder alive; the error is in the log
                log.exception("outbox feeder")
                handed = 0
            if not handed:
                self._signal.wait(self._idle_wait)

    def _hand_out(self) -> int:
        """Read what is due and hand out the entries no worker holds; wait while the workers
        still have plenty. Returns how many were handed out (0: nothing due)."""
        while self._queue.qsize() >= self._workers and not self._stop.is_set():
            self._signal.wait(0.05)
        due = self._store.due_outbox(self._clock.now(), self._workers * 4)
        with self._lock:
            fresh = [message.id for message in due if message.id not in self._held]
            self._held.update(fresh)
        for message_id in fresh:
            self._queue.put(message_id)
        return len(fresh)

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                message_id = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            try:
                result = self._delivery.deliver(message_id)
                log.info("outbox %s: %s %s", result.outbox_id, result.outcome, result.error)
            except Exception:  # keep the worker alive; the entry's lease lets it be tried again
                log.exception("outbox worker")
            finally:
                with self._lock:
                    self._held.discard(message_id)
                self._signal.notify()  # the feeder may read the next entries
