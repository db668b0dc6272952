"""The relay answers the message itself with a temporary failure (451 to DATA: "local error in
processing", a greylisting or a full queue), then accepts it (issue 12): the acknowledgment is
retried on the backoff schedule, not given up, and reaches the reporter once, on both stores.
A real aiosmtpd server gives the answers; a mailbox that keeps every copy counts them."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from shared.bootstrap import build_services
from shared.domain.cases import EventType
from shared.domain.outbox import OutboxStatus
from shared.services.mail_delivery import Outcome
from shared.services.submissions import SubmitCase
from tests.support.fault_mail import EveryCopy
from tests.support.mailbox import smtp_server
from tests.support.timeline import events_of


class BusyOnce(EveryCopy):
    """451 to the first DATA, then 250 (each accepted copy kept)."""

    def __init__(self):
        super().__init__()
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.refused == 0:
            self.refused += 1
            return "451 4.3.0 Local error in processing, try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def relay():
    handler = BusyOnce()
    with smtp_server(handler) as port:
        yield handler, port


def test_a_451_from_the_relay_is_retried_and_the_acknowledgment_sent_once(relay, settings,
                                                                          clock, store):
    handler, port = relay
    app = build_services(dataclasses.replace(settings, smtp_port=port), store=store, clock=clock)
    registered = app.intake.submit(SubmitCase(
        kind="complaint", category="billing", subject="订单 998877",
        description="我被重复扣费两次，共 199 元，请核实并退款。", email="li.lei@example.com"))
    [first] = app.delivery.deliver_due()
    assert first.outcome == Outcome.RETRYING and "SMTP 451" in first.error
    entry = app.store.get_outbox(first.outbox_id)
    assert entry.status == OutboxStatus.PENDING and entry.attempts == 1
    assert handler.copies == []
    clock.advance(timedelta(minutes=1))  # the first retry is due
    [second] = app.delivery.deliver_due()
    assert second.outcome == Outcome.SENT
    assert app.delivery.deliver_due() == []
    assert list(handler.message_ids().values()) == [1]
    kinds = [e.type for e in events_of(app.store, registered.number)]
    assert kinds.count(EventType.NOTICE_RETRYING) == 1 and kinds.count(EventType.NOTICE_SENT) == 1
    assert EventType.NOTICE_FAILED not in kinds
