"""The cloud adapters against stand-ins of the real services: Amazon SES through moto, Google
Cloud Storage through gcp-storage-emulator, Firestore through the local emulator."""
from __future__ import annotations

import dataclasses
from email import message_from_bytes, policy

import boto3
import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from shared.adapters.gcs_attachments import GcsAttachmentStore
from shared.adapters.ses_transport import SesTransport
from shared.bootstrap import build_services
from shared.domain.errors import DeliveryFailed
from shared.services.mail_delivery import Outcome
from shared.services.submissions import SubmitCase
from tests.integration.test_web_form import PNG
from tests.support.mailbox import free_port

REGION = "ap-southeast-1"


@pytest.fixture
def ses():
    with mock_aws():
        client = boto3.client("ses", region_name=REGION)
        client.verify_domain_identity(Domain="example.com")
        yield client, ses_backends[DEFAULT_ACCOUNT_ID][REGION]


def complaint(**overrides) -> SubmitCase:
    fields = dict(kind="complaint", category="technical", subject="App 闪退",
                  description="更新到 5.2 版后每次打开都闪退。", email="han.meimei@example.com")
    fields.update(overrides)
    return SubmitCase(**fields)


def test_acknowledgment_through_ses(ses, settings, clock, sqlite_store):
    client, backend = ses
    app = build_services(settings, store=sqlite_store, clock=clock,
                         transport=SesTransport(REGION, client=client))
    registered = app.intake.submit(complaint())
    [result] = app.delivery.deliver_due()
    assert result.outcome == Outcome.SENT
    [sent] = backend.sent_messages
    assert sent.source == "report@example.com"
    assert "han.meimei@example.com" in sent.destinations
    mail = message_from_bytes(sent.raw_data.encode() if isinstance(sent.raw_data, str)
                              else sent.raw_data, policy=policy.default)
    assert mail["Subject"] == f"[{registered.number}] 您的投诉已收到"
    assert "闪退" in mail.get_body(("plain",)).get_content()
    assert app.delivery.deliver_due() == []  # and only once


def test_ses_rejection_is_permanent(ses, settings, clock, sqlite_store):
    client, backend = ses
    app = build_services(dataclasses.replace(settings, mail_from="desk@unverified.example.org"),
                         store=sqlite_store, clock=clock,
                         transport=SesTransport(REGION, client=client))
    app.intake.submit(complaint())
    [result] = app.delivery.deliver_due()
    assert result.outcome == Outcome.FAILED and "MessageRejected" in result.error
    assert backend.sent_messages == []


def test_ses_transport_reports_errors_as_delivery_failures(ses):
    from email.message import EmailMessage

    client, _ = ses
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "x@nowhere.invalid", "a@b.c", "s"
    with pytest.raises(DeliveryFailed) as caught:
        SesTransport(REGION, client=client).send(message)
    assert caught.value.permanent


@pytest.fixture(scope="module")
def gcs():
    from gcp_storage_emulator.server import create_server
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True, default_bucket="evidence")
    server.start()
    try:
        client = storage.Client(project="test", credentials=AnonymousCredentials(),
                                client_options={"api_endpoint": f"http://127.0.0.1:{port}"})
        yield client
    finally:
        server.stop()


def test_attachments_round_trip_through_cloud_storage(gcs):
    files = GcsAttachmentStore("evidence", client=gcs)
    files.put("attachments/1/证据.png", PNG, "image/png")
    assert files.get("attachments/1/证据.png") == PNG
    assert gcs.bucket("evidence").get_blob("attachments/1/证据.png").content_type == "image/png"
    files.delete("attachments/1/证据.png")
    files.delete("attachments/1/证据.png")  # deleting twice is fine
    with pytest.raises(KeyError):
        files.get("attachments/1/证据.png")


@pytest.mark.firestore
def test_intake_on_firestore_and_cloud_storage(gcs, firestore_store, settings, clock, ses):
    """The cloud configuration end to end: Firestore, Cloud Storage, SES."""
    from shared.services.attachments import UploadedFile

    client, backend = ses
    app = build_services(settings, store=firestore_store, clock=clock,
                         attachments=GcsAttachmentStore("evidence", client=gcs),
                         transport=SesTransport(REGION, client=client))
    registered = app.intake.submit(complaint(files=[UploadedFile("截图.png", PNG)]))
    case = firestore_store.get_case(registered.number)
    assert case.subject == "App 闪退"
    assert GcsAttachmentStore("evidence", client=gcs).get(case.attachments[0].key) == PNG
    [result] = app.delivery.deliver_due()
    assert result.outcome == Outcome.SENT and len(backend.sent_messages) == 1
    view = app.status.look_up(registered.number, registered.access_code, "203.0.113.1")
    assert [e.type.value for e in view.timeline] == ["case_registered", "notice_sent"]

