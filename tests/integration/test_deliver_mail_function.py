"""`deliver_mail`, the CloudEvent function the outbox document's creation triggers."""
from __future__ import annotations

from cloudevents.conversion import to_structured
from cloudevents.http import CloudEvent

from shared import bootstrap
from shared.domain.cases import EventType
from tests.integration.test_web_form import complaint_form, receipt
from tests.support.mailbox import read_mailbox
from tests.support.timeline import events_of


def queued_outbox_id(store, number) -> str:
    return next(e.data["outbox_id"] for e in events_of(store, number)
                if e.type == EventType.NOTICE_QUEUED)


def firestore_created_event(document: str) -> CloudEvent:
    return CloudEvent({
        "type": "google.cloud.firestore.document.v1.created",
        "source": "//firestore.googleapis.com/projects/p/databases/(default)",
        "subject": document,
    }, None)


def post(client, event):
    headers, body = to_structured(event)
    return client.post("/", headers=headers, data=body)


def test_the_outbox_trigger_delivers_that_message_once(function_client, mailbox):
    _, folder = mailbox
    number, _ = receipt(function_client("submit_form")
                        .post("/", data=complaint_form(), follow_redirects=True)
                        .get_data(as_text=True))
    outbox_id = queued_outbox_id(bootstrap.services().store, number)
    client = function_client("deliver_mail", "cloudevent")
    event = firestore_created_event(f"documents/outbox/{outbox_id}")
    assert post(client, event).status_code == 200
    assert post(client, event).status_code == 200  # Eventarc delivers at least once
    [mail] = read_mailbox(folder)
    assert number in mail["Subject"]


def test_events_for_other_documents_are_ignored(function_client, mailbox):
    client = function_client("deliver_mail", "cloudevent")
    assert post(client, firestore_created_event("documents/cases/TS-1")).status_code == 200
    assert read_mailbox(mailbox[1]) == []


def test_a_transient_failure_answers_an_error_so_eventarc_retries(function_client, monkeypatch):
    number, _ = receipt(function_client("submit_form")
                        .post("/", data=complaint_form(), follow_redirects=True)
                        .get_data(as_text=True))
    outbox_id = queued_outbox_id(bootstrap.services().store, number)
    from tests.support.mailbox import free_port

    monkeypatch.setenv("CD_SMTP_PORT", str(free_port()))  # nothing listens there
    bootstrap.services.cache_clear()
    response = post(function_client("deliver_mail", "cloudevent"),
                    firestore_created_event(f"documents/outbox/{outbox_id}"))
    assert response.status_code == 500
    assert bootstrap.services().store.get_outbox(outbox_id).attempts == 1


def test_a_delivery_cut_off_mid_send_is_retried_until_it_is_settled(function_client, mailbox,
                                                                   monkeypatch):
    from datetime import timedelta

    from shared.adapters.clock import FixedClock
    from shared.domain.outbox import OutboxStatus

    _, folder = mailbox
    number, _ = receipt(function_client("submit_form")
                        .post("/", data=complaint_form(), follow_redirects=True)
                        .get_data(as_text=True))
    store = bootstrap.services().store
    outbox_id = queued_outbox_id(store, number)
    clock = FixedClock(store.get_outbox(outbox_id).created_at)
    # A worker claimed the message and died before settling it.
    store.update_outbox(outbox_id, lambda m, c: m.claim(clock.now(), timedelta(minutes=5)) or True)
    monkeypatch.setattr(bootstrap.services().delivery, "_clock", clock)
    client = function_client("deliver_mail", "cloudevent")
    event = firestore_created_event(f"documents/outbox/{outbox_id}")
    assert post(client, event).status_code == 500  # still leased: Eventarc must call again
    clock.advance(timedelta(minutes=6))
    assert post(client, event).status_code == 200
    assert store.get_outbox(outbox_id).status == OutboxStatus.SENT
    assert len(read_mailbox(folder)) == 1
