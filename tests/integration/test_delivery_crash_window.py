"""The window between sending and settling (issue 12): a worker that dies right after the relay
accepted the message leaves its lease; when the lease runs out the message is sent again with the
same Message-ID — seen here by a relay that keeps every copy, duplicates included (the local
mailbox keeps one file per Message-ID, as a mail client shows them) — and settled once."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from shared.bootstrap import build_services
from shared.domain.cases import EventType
from shared.domain.outbox import OutboxStatus
from shared.services.mail_delivery import Outcome
from shared.services.submissions import SubmitCase
from tests.support.mailbox import RecordingHandler, smtp_server
from tests.support.timeline import types_of


class WorkerKilled(BaseException):
    """The worker's process ends here (not an Exception: nothing in delivery may catch it)."""


class DyingAfterSend:
    """The real transport, and a worker killed the moment it returns: after the relay's 250,
    before anything else runs."""

    def __init__(self, transport):
        self._transport = transport

    def send(self, message):
        self._transport.send(message)
        raise WorkerKilled()


@pytest.fixture
def relay():
    recording = RecordingHandler()
    with smtp_server(recording) as port:
        yield recording, port


def test_a_worker_killed_between_send_and_settle_resends_with_the_same_message_id(
        settings, clock, store, relay):
    recording, port = relay
    app = build_services(dataclasses.replace(settings, smtp_port=port), store=store, clock=clock)
    registered = app.intake.submit(SubmitCase(
        kind="complaint", category="billing", subject="订单 998877",
        description="我被重复扣费两次，共 199 元，请核实并退款。", email="li.lei@example.com"))
    [entry] = store.due_outbox(clock.now(), 10)
    dying = build_services(dataclasses.replace(settings, smtp_port=port), store=store,
                           clock=clock, transport=DyingAfterSend(app.delivery._transport))
    with pytest.raises(WorkerKilled):
        dying.delivery.deliver(entry.id)
    assert len(recording.messages) == 1  # it went out
    assert store.get_outbox(entry.id).status == OutboxStatus.SENDING  # and was never settled
    assert app.delivery.deliver_due() == []  # the lease holds: no other worker takes it
    clock.advance(timedelta(minutes=5, seconds=1))  # the lease runs out
    [again] = app.delivery.deliver_due()
    assert again.outcome == Outcome.SENT
    assert app.delivery.deliver_due() == []
    first, second = recording.messages  # the relay got it twice: exactly-once is impossible
    assert first["Message-ID"] == second["Message-ID"] == f"<{entry.id}@example.com>"
    assert first["Subject"] == second["Subject"]
    assert types_of(store, registered.number).count(EventType.NOTICE_SENT) == 1
    settled = store.get_outbox(entry.id)
    assert (settled.status, settled.attempts) == (OutboxStatus.SENT, 2)
