"""Recovery after a mail outage (issue 12): when a send goes through after failures of the
transport, the acknowledgments waiting for a later retry are sent at once, each once — on both
stores, with the relay (a real SMTP server) or SES down and back."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from botocore.exceptions import EndpointConnectionError

from shared.bootstrap import build_services
from shared.domain.outbox import OutboxStatus
from shared.services.delivery_recovery import TransportCircuit
from shared.services.mail_delivery import Outcome
from shared.services.submissions import SubmitCase
from tests.support.mailbox import RecordingHandler, free_port, smtp_server


def submit(app, n: int):
    return app.intake.submit(SubmitCase(
        kind="complaint", category="billing", subject=f"订单 {n}",
        description="我被重复扣费两次，共 199 元，请核实并退款。",
        email=f"person{n}@example.com"))


@pytest.fixture
def services_on(settings, clock, store):
    return lambda port, **adapters: build_services(
        dataclasses.replace(settings, smtp_port=port), store=store, clock=clock, **adapters)


def fail_three_times(app, clock, count: int) -> list[str]:
    """`count` acknowledgments, each failed three times: the next try is 16 minutes away."""
    for n in range(count):
        submit(app, n)
    ids = []
    for _ in range(3):
        results = app.delivery.deliver_due()
        assert {r.outcome for r in results} == {Outcome.RETRYING}
        ids = [r.outbox_id for r in results]
        clock.advance(timedelta(minutes=5))  # past the 1- and 4-minute retries, not the 16
    return ids


def test_the_relay_back_sends_every_waiting_acknowledgment_at_once_and_once(services_on, clock):
    port = free_port()  # the relay is down: nothing listens
    app = services_on(port)
    waiting = fail_three_times(app, clock, 6)
    assert len(waiting) == 6
    assert app.delivery.deliver_due() == []  # 16 minutes to wait, without the circuit
    recording = RecordingHandler()
    with smtp_server(recording, port=port):  # the relay is back
        submit(app, 99)  # a new case: its acknowledgment goes through, and closes the circuit
        results = app.delivery.deliver_due()
        assert app.delivery.deliver_due() == []
    assert [r.outcome for r in results] == [Outcome.SENT] * 7
    ids = recording.message_ids()
    assert len(ids) == len(set(ids)) == 7  # every acknowledgment once
    assert {f"<{i}@example.com>" for i in waiting} <= set(ids)
    for message_id in waiting:
        assert app.store.get_outbox(message_id).status == OutboxStatus.SENT


def test_a_retry_that_goes_through_brings_the_others_forward(services_on, clock):
    """No new mail after the outage: the first retry whose time came (an Eventarc retry, the
    sweep) is the send that closes the circuit."""
    port = free_port()
    app = services_on(port)
    for n in range(4):
        submit(app, n)
    assert len(app.delivery.deliver_due()) == 4  # attempt 1 of each: retry in 1 minute
    clock.advance(timedelta(minutes=1))
    [first, *others] = app.store.due_outbox(clock.now(), 10)
    assert app.delivery.deliver(first.id).outcome == Outcome.RETRYING  # attempt 2: in 4 minutes
    clock.advance(timedelta(seconds=30))
    recording = RecordingHandler()
    with smtp_server(recording, port=port):
        sent = app.delivery.deliver_due()  # the three due retries; then the fourth, brought forward
    assert sorted(r.outcome for r in sent) == [Outcome.SENT] * 4
    assert len(set(recording.message_ids())) == len(recording.messages) == 4


class Greylisting(RecordingHandler):
    """A relay that defers one recipient (person0@) with a 4xx and takes the others."""

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if address.startswith("person0@"):
            return "450 4.2.0 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_recipient_that_defers_keeps_its_backoff(services_on, clock):
    """A 4xx for one recipient (greylisting) says nothing about the relay: not brought forward,
    so its attempts are not spent faster."""
    port = free_port()
    app = services_on(port)
    relay = Greylisting()
    with smtp_server(relay, port=port):
        submit(app, 0)
        [deferred] = app.delivery.deliver_due()
    assert deferred.outcome == Outcome.RETRYING and "recipient refused" in deferred.error
    submit(app, 1)  # the relay is down now
    [waiting] = app.delivery.deliver_due()
    assert waiting.outcome == Outcome.RETRYING and "SMTP unavailable" in waiting.error
    clock.advance(timedelta(seconds=30))
    with smtp_server(relay, port=port):
        submit(app, 2)
        sent = app.delivery.deliver_due()
    assert sorted(r.outbox_id for r in sent) == sorted(
        [waiting.outbox_id, next(r.outbox_id for r in sent if r.outbox_id != waiting.outbox_id)])
    assert app.store.get_outbox(waiting.outbox_id).status == OutboxStatus.SENT
    entry = app.store.get_outbox(deferred.outbox_id)
    assert (entry.status, entry.attempts) == (OutboxStatus.PENDING, 1)
    assert entry.next_attempt_at == clock.now() + timedelta(seconds=30)  # its own minute


class SesOutage:
    """An SES client that cannot be reached (the endpoint times out), like SES in an outage."""

    def send_raw_email(self, **kwargs):
        raise EndpointConnectionError(endpoint_url="https://email.ap-southeast-1.amazonaws.com")


def test_ses_down_then_back_sends_every_acknowledgment_once(services_on, clock):
    import boto3
    from moto import mock_aws
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    from shared.adapters.ses_transport import SesTransport

    transport = SesTransport("ap-southeast-1", client=SesOutage())
    app = services_on(free_port(), transport=transport)
    waiting = fail_three_times(app, clock, 5)
    assert all("SES unavailable" in app.store.get_outbox(i).last_error for i in waiting)
    with mock_aws():
        client = boto3.client("ses", region_name="ap-southeast-1")
        client.verify_domain_identity(Domain="example.com")
        transport._client = client  # SES is back
        submit(app, 99)
        results = app.delivery.deliver_due()
        sent = ses_backends[DEFAULT_ACCOUNT_ID]["ap-southeast-1"].sent_messages
    assert [r.outcome for r in results] == [Outcome.SENT] * 6
    assert len(sent) == 6  # each once (moto lists a message's recipient twice: set() below)
    assert {d for message in sent for d in message.destinations} == \
        {f"person{n}@example.com" for n in (0, 1, 2, 3, 4, 99)}


def test_the_recall_pages_through_ties_once_and_stops_at_its_budget(services_on, clock, store):
    app = services_on(free_port())
    waiting = fail_three_times(app, clock, 7)  # all failed at the same moment: one due time
    first = TransportCircuit(store, clock, page=2, budget=4)
    assert first.recall(clock.now()) == 4  # two pages of two, then the budget
    everything = TransportCircuit(store, clock, page=2, budget=100)
    assert everything.recall(clock.now()) == 3  # the rest, past the tie at each page's end
    assert everything.recall(clock.now()) == 0  # again: nothing to change
    for message_id in waiting:
        assert app.store.get_outbox(message_id).next_attempt_at == clock.now()


def test_a_new_failure_opens_the_circuit_again(services_on, clock, store, monkeypatch):
    """A process recalls once per recovery: a success with no failure since (within the quiet
    time) reads nothing more; a failure since makes the next success recall again."""
    recalls = []
    reading = store.waiting_outbox
    monkeypatch.setattr(store, "waiting_outbox",
                        lambda after, limit: recalls.append(after) or reading(after, limit))
    port = free_port()
    app = services_on(port)
    fail_three_times(app, clock, 2)
    with smtp_server(RecordingHandler(), port=port):
        submit(app, 50)
        assert len(app.delivery.deliver_due()) == 3  # the new one closes the circuit: 2 recalled
        assert len(recalls) == 1
        submit(app, 51)
        assert len(app.delivery.deliver_due()) == 1
        assert len(recalls) == 1  # nothing failed since: no recall
    submit(app, 52)
    assert [r.outcome for r in app.delivery.deliver_due()] == [Outcome.RETRYING]
    with smtp_server(RecordingHandler(), port=port):
        submit(app, 53)
        assert len(app.delivery.deliver_due()) == 2  # 53, then 52 brought forward
    assert len(recalls) == 2 and app.delivery.circuit.recalled == 3
