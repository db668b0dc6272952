"""The local stack's outbox pool (issue 12): several workers send every acknowledgment exactly once
— two pools on one store too (two processes), on both stores — and a registration wakes them at
once instead of at the next poll."""
from __future__ import annotations

import dataclasses
import threading
import time

import pytest

from shared.bootstrap import build_services
from shared.local.outbox_pool import OutboxPool, OutboxSignal, SignallingStore
from shared.services.submissions import SubmitCase
from tests.support.mailbox import RecordingHandler, smtp_server


def submit(app, n: int):
    return app.intake.submit(SubmitCase(
        kind="complaint", category="billing", subject=f"订单 {n}",
        description="我被重复扣费两次，共 199 元，请核实并退款。",
        email=f"person{n}@example.com"))


def wait_until(predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def relay():
    recording = RecordingHandler()
    with smtp_server(recording) as port:
        yield recording, port


def a_pool(settings, clock, store, port, workers=4, idle_wait=0.05):
    signal = OutboxSignal()
    app = build_services(dataclasses.replace(settings, smtp_port=port),
                         store=SignallingStore(store, signal), clock=clock)
    stop = threading.Event()
    pool = OutboxPool(app.delivery, app.store, clock, signal, workers, idle_wait, stop)
    return app, pool, stop


def test_two_pools_of_workers_send_each_acknowledgment_once(settings, clock, store, relay):
    recording, port = relay
    first, first_pool, stop_first = a_pool(settings, clock, store, port)
    _, second_pool, stop_second = a_pool(settings, clock, store, port)
    numbers = {submit(first, n).number for n in range(30)}
    first_pool.start()
    second_pool.start()
    try:
        assert wait_until(lambda: len(recording.messages) >= 30, 60)
        time.sleep(0.3)  # time for a second copy, were one on its way
    finally:
        stop_first.set(), stop_second.set()
        first_pool.join(5), second_pool.join(5)
    ids = recording.message_ids()
    assert len(ids) == len(set(ids)) == 30
    assert {m["Subject"].split("]")[0][1:] for m in recording.messages} == numbers


def test_a_registration_wakes_the_idle_workers(settings, clock, sqlite_store, relay):
    recording, port = relay
    app, pool, stop = a_pool(settings, clock, sqlite_store, port, workers=2, idle_wait=30)
    pool.start()
    try:
        time.sleep(0.2)  # the feeder found nothing and sleeps (up to 30 s)
        submit(app, 1)
        assert wait_until(lambda: len(recording.messages) == 1, 5)  # not 30 s later
    finally:
        stop.set()
        pool.join(5)
