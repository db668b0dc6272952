"""The relay stopped, 50 cases filed through the form, the relay started again (issue 12): the
local stack's outbox pool sends all 50 acknowledgments, each once, as soon as a send goes
through — not at the next backoff slot. The figure-producing version is bench/ack_recovery.py."""
from __future__ import annotations

import threading
import time
from contextlib import ExitStack

import pytest

from shared import bootstrap
from shared.local.local_stack import start_outbox_pool
from tests.integration.test_web_form import complaint_form, submit
from tests.support.mailbox import RecordingHandler, free_port, smtp_server

CASES = 50


def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def relay_port(monkeypatch):
    port = free_port()
    monkeypatch.setenv("CD_SMTP_PORT", str(port))
    monkeypatch.setenv("CD_TRUSTED_PROXIES", "1")
    monkeypatch.setenv("CD_LOCAL_WORKER_INTERVAL", "0.2")
    # ten cases per address: past the form's proof-of-work threshold (5), which is not tested here
    monkeypatch.setenv("CD_CHALLENGE_AFTER_SUBMISSIONS", "1000")
    return port


def file_cases(client, first: int, count: int) -> None:
    for n in range(first, first + count):
        response = submit(client, complaint_form(email=f"person{n}@example.com",
                                                 subject=f"订单 {n}"),
                          headers={"X-Forwarded-For": f"203.0.113.{n // 10 + 1}"})
        assert response.status_code == 200


def test_fifty_acknowledgments_filed_while_the_relay_is_down_go_out_once_when_it_is_back(
        function_client, relay_port):
    app = bootstrap.services()
    stop = threading.Event()
    pool = start_outbox_pool(app, stop)
    recording = RecordingHandler()
    form = function_client("submit_form")
    try:
        with ExitStack() as up:
            up.enter_context(smtp_server(recording, port=relay_port))
            file_cases(form, 0, 1)
            assert wait_until(lambda: len(recording.messages) == 1, 10)
        # The relay is stopped: 50 cases, each acknowledgment tried once and left to retry.
        file_cases(form, 1, CASES)
        assert wait_until(lambda: len([m for m in app.store.waiting_outbox(
            app.clock.now(), 200) if m.last_error]) == CASES, 30)
        with smtp_server(recording, port=relay_port):  # started again
            started = time.monotonic()
            file_cases(form, 1 + CASES, 1)  # the next case's acknowledgment closes the circuit
            # The retries are a minute away (the first backoff); the circuit sends them now.
            assert wait_until(lambda: len(recording.messages) >= CASES + 2, 30)
            recovered = time.monotonic() - started
            time.sleep(0.3)  # time for a second copy, were one on its way
    finally:
        stop.set()
        pool.join(5)
    ids = recording.message_ids()
    assert len(ids) == len(set(ids)) == CASES + 2  # every acknowledgment, once
    recipients = sorted(str(m["To"]) for m in recording.messages)
    assert recipients == sorted(f"person{n}@example.com" for n in range(CASES + 2))
    print(f"all {CASES} acknowledgments in the mailbox {recovered:.2f} s after the relay came back")
