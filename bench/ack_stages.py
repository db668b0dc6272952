"""Where an acknowledgment's CPU goes (bench.ack_cost): timers wrapped around the delivery's real
objects for a run, each stage timed exclusively of the stages inside it, per thread (the local
worker is a pool), with `time.process_time`. Nothing in the services knows of them."""
from __future__ import annotations

import email.generator
import threading
import time
from collections import Counter
from collections.abc import Callable

from shared.adapters import firestore_inbound_mail, sqlite_inbound_mail
from shared.bootstrap import Services

STAGES = ("due query", "claim", "identity read", "rendering", "MIME building", "serialising",
          "SMTP", "settle", "mail_keys index", "delivery logic")


class StageTimer:
    """Exclusive CPU time by stage: a stage's time excludes the stages timed inside it."""

    def __init__(self):
        self.totals: Counter[str] = Counter()
        self._local = threading.local()
        self._undo: list[Callable[[], None]] = []

    def wrap(self, owner, attribute: str, stage: str | Callable[[], str]) -> None:
        """Time every call of `owner.attribute` (an instance's, a class's or a module's) as
        `stage` (a name, or a function naming it at the call) until `restore`."""
        original = owner.__dict__[attribute] if attribute in vars(owner) else None
        inner = getattr(owner, attribute)

        def timed(*args, **kwargs):
            stack = self._local.__dict__.setdefault("stack", [])
            name = stage() if callable(stage) else stage
            stack.append(0.0)
            started = time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                elapsed = time.process_time() - started
                self.totals[name] += elapsed - stack.pop()
                if stack:
                    stack[-1] += elapsed

        setattr(owner, attribute, timed)
        self._undo.append(lambda: setattr(owner, attribute, original) if original is not None
                          else delattr(owner, attribute))

    def restore(self) -> None:
        while self._undo:
            self._undo.pop()()


class Transactions:
    """Names each `update_outbox` call of a delivery: the first claims, the next settles."""

    def __init__(self):
        self._local = threading.local()

    def start(self) -> None:
        self._local.calls = 0

    def name(self) -> str:
        self._local.calls = getattr(self._local, "calls", 0) + 1
        return "claim" if self._local.calls == 1 else "settle"


def timed_delivery(services: Services) -> StageTimer:
    """Stage timers around the delivery's real objects (restored by the caller)."""
    timer, transactions = StageTimer(), Transactions()
    delivery, store = services.delivery, services.store

    def delivering(inner):
        def run(*args, **kwargs):
            transactions.start()
            return inner(*args, **kwargs)
        return run

    timer.wrap(delivery, "deliver_due", "delivery logic")
    timer.wrap(delivery, "deliver", "delivery logic")
    delivery.deliver = delivering(delivery.deliver)
    timer.wrap(store, "due_outbox", "due query")
    timer.wrap(store, "update_outbox", transactions.name)
    timer.wrap(store, "get_identity", "identity read")
    timer.wrap(services.renderer, "render", "rendering")
    timer.wrap(delivery._composer, "compose", "MIME building")
    timer.wrap(delivery._transport, "send", "SMTP")
    timer.wrap(email.generator.BytesGenerator, "flatten", "serialising")
    timer.wrap(sqlite_inbound_mail, "mark_sent", "mail_keys index")
    timer.wrap(firestore_inbound_mail, "mark_sent", "mail_keys index")
    return timer
