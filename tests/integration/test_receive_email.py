"""`receive_email`: SES → S3 + SNS → our webhook. moto signs SNS messages with a real key and
serves the certificate; we also sign our own (SignatureVersion 1 and 2) and forge some."""
from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import functions_framework
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from moto import mock_aws
from werkzeug.serving import make_server

from shared import bootstrap
from shared.adapters.amazon_inbound import SnsSignatureVerifier, string_to_sign
from shared.domain.errors import ForgedNotification
from shared.services.mail_parsing import message_key
from shared.settings import PROJECT_ROOT

REGION = "us-east-1"
TOPIC = f"arn:aws:sns:{REGION}:123456789012:inbound-mail"
CERT_URL = f"https://sns.{REGION}.amazonaws.com/SimpleNotificationService-test.pem"
CORPUS = Path(__file__).parent.parent / "mail_corpus"


def ses_notification(bucket: str, key: str) -> str:
    return json.dumps({"notificationType": "Received",
                       "mail": {"source": "87654321@qq.com", "messageId": key},
                       "receipt": {"recipients": ["report@example.com"],
                                   "action": {"type": "S3", "bucketName": bucket,
                                              "objectKey": key}}})


@pytest.fixture
def aws_env(monkeypatch, tmp_path, mailbox):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("CD_SQLITE_PATH", str(tmp_path / "mail.sqlite3"))
    monkeypatch.setenv("CD_ATTACHMENT_FOLDER", str(tmp_path / "files"))
    monkeypatch.setenv("CD_SES_REGION", REGION)
    monkeypatch.setenv("CD_INBOUND_MAIL_BUCKET", "inbound-mail")
    monkeypatch.setenv("CD_SMTP_PORT", str(mailbox[0]))
    bootstrap.services.cache_clear()
    yield
    bootstrap.services.cache_clear()


@pytest.fixture
def webhook_server():
    """`receive_email` served over real HTTP on loopback, as SNS would call it."""
    app = functions_framework.create_app(
        "receive_email", str(PROJECT_ROOT / "functions" / "receive_email.py"), "http")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()


@pytest.mark.slow
def test_mail_received_by_ses_becomes_a_case_through_a_moto_signed_notification(
        aws_env, webhook_server, monkeypatch):
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="inbound-mail")
        s3.put_object(Bucket="inbound-mail", Key="msg-1",
                      Body=(CORPUS / "foxmail_gbk.eml").read_bytes())
        sns = boto3.client("sns", region_name=REGION)
        topic = sns.create_topic(Name="inbound-mail")["TopicArn"]
        monkeypatch.setenv("CD_INBOUND_TOPIC_ARN", topic)
        bootstrap.services.cache_clear()
        sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=webhook_server)
        sns.publish(TopicArn=topic, Message=ses_notification("inbound-mail", "msg-1"))
        store = bootstrap.services().store
        found = store.find_mail(message_key("<202611281002117318420@foxmail.com>"))
        assert found is not None and found.case_number.startswith("TS-")  # 「投诉门店客服」
        case = store.get_case(found.case_number)
        assert "朱镕基路门店" in case.description
        assert [a.filename for a in case.attachments] == ["购物小票.pdf"]


def publish_through_moto(monkeypatch, webhook_server, raw: bytes) -> None:
    """Store `raw` as SES would and let moto's SNS call the real `receive_email` over HTTP."""
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="inbound-mail")
    s3.put_object(Bucket="inbound-mail", Key="msg-1", Body=raw)
    sns = boto3.client("sns", region_name=REGION)
    topic = sns.create_topic(Name="inbound-mail")["TopicArn"]
    monkeypatch.setenv("CD_INBOUND_TOPIC_ARN", topic)
    bootstrap.services.cache_clear()
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=webhook_server)
    sns.publish(TopicArn=topic, Message=ses_notification("inbound-mail", "msg-1"))


@pytest.mark.slow
@pytest.mark.parametrize("sender", ["王喆@qq.com".encode(), "<王喆@qq.com>".encode(),
                                    "王喆".encode("gb18030") + b"@qq.com"])
def test_a_non_ascii_sender_is_held_not_answered_500_forever(aws_env, webhook_server, monkeypatch,
                                                            sender):
    raw = (b"From: " + sender + b"\r\nTo: report@example.com\r\nSubject: x\r\n"
           b"Message-ID: <wang-1@qq.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           + "正文还在。".encode() + b"\r\n")
    with mock_aws():
        publish_through_moto(monkeypatch, webhook_server, raw)
        store = bootstrap.services().store
        assert store.find_mail(message_key("<wang-1@qq.com>")) is not None  # answered 200
        [held] = store.held_mail(10)
        assert held.reason == "no sender address"


# -- our own signatures: version 1 and 2, forgeries, confirmations ------------------------------

class Signer:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
        now = datetime.now(UTC)
        self.pem = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                    .public_key(self.key.public_key()).serial_number(1)
                    .not_valid_before(now - timedelta(days=1))
                    .not_valid_after(now + timedelta(days=1))
                    .sign(self.key, hashes.SHA256())
                    .public_bytes(serialization.Encoding.PEM))
        self.fetched: list[str] = []

    def http_get(self, url: str) -> bytes:
        self.fetched.append(url)
        return self.pem

    def sign(self, message: dict, version: str = "1") -> dict:
        signed = dict(message, SignatureVersion=version, SigningCertURL=CERT_URL)
        algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
        signature = self.key.sign(string_to_sign(signed), padding.PKCS1v15(), algorithm)
        signed["Signature"] = base64.b64encode(signature).decode()
        return signed


def notification(message: str, **extra) -> dict:
    return dict({"Type": "Notification", "MessageId": "m-1", "TopicArn": TOPIC,
                 "Subject": "Amazon SES Email Receipt Notification", "Message": message,
                 "Timestamp": "2026-11-28T12:00:00.000Z"}, **extra)


@pytest.fixture
def signer():
    return Signer()


@pytest.fixture
def verifier(signer):
    return SnsSignatureVerifier(TOPIC, http_get=signer.http_get)


@pytest.mark.parametrize("version", ["1", "2"])
def test_both_signature_versions_verify(verifier, signer, version):
    verifier.verify(signer.sign(notification("{}"), version))


@pytest.mark.parametrize("tamper", [
    lambda m: m.update(Message=m["Message"] + " "),  # body changed after signing
    lambda m: m.update(Subject="changed"),
    lambda m: m.update(Signature=base64.b64encode(b"x" * 256).decode()),
    lambda m: m.update(Signature="not base64!"),
    lambda m: m.pop("Signature"),
    lambda m: m.update(SignatureVersion="3"),
    lambda m: m.update(TopicArn="arn:aws:sns:us-east-1:999999999999:someone-else"),
    lambda m: m.update(SigningCertURL="https://evil.example.com/cert.pem"),
    lambda m: m.update(SigningCertURL="http://sns.us-east-1.amazonaws.com/cert.pem"),
    lambda m: m.update(SigningCertURL="https://sns.us-east-1.amazonaws.com.evil.com/c.pem"),
    lambda m: m.update(SigningCertURL="https://sns.eu-west-1.amazonaws.com/c.pem"),
    lambda m: m.update(Type="Surprise"),
])
def test_forged_and_tampered_messages_are_refused(verifier, signer, tamper):
    message = signer.sign(notification("{}"))
    tamper(message)
    with pytest.raises(ForgedNotification):
        verifier.verify(message)
    assert all(url == CERT_URL for url in signer.fetched)  # nothing fetched from elsewhere


def webhook_for(signer, settings, clock, sqlite_store, objects):
    class Objects:
        def fetch(self, bucket, key):
            return objects[key]

    return bootstrap.build_services(
        settings, store=sqlite_store, clock=clock,
        verifier=SnsSignatureVerifier(TOPIC, http_get=signer.http_get),
        raw_mail=Objects()).mail_webhook


def test_a_subscription_is_confirmed_only_at_the_sns_host(signer, settings, clock,
                                                          sqlite_store):
    webhook = webhook_for(signer, settings, clock, sqlite_store, {})
    confirm_url = f"https://sns.{REGION}.amazonaws.com/?Action=ConfirmSubscription&Token=t"
    message = signer.sign({"Type": "SubscriptionConfirmation", "MessageId": "c-1",
                           "Token": "t", "TopicArn": TOPIC, "Message": "confirm",
                           "SubscribeURL": confirm_url, "Timestamp": "2026-11-28T12:00:00Z"})
    assert webhook.handle(json.dumps(message).encode()).status == "confirmed"
    assert signer.fetched[-1] == confirm_url
    evil = signer.sign(dict(message, SubscribeURL="https://evil.example.com/confirm"))
    with pytest.raises(ForgedNotification):
        webhook.handle(json.dumps(evil).encode())
    assert "https://evil.example.com/confirm" not in signer.fetched


def test_content_never_causes_a_retry(signer, settings, clock, sqlite_store):
    garbage = b"\x00\xff" * 1000 + b"\r\n\r\n--x--"
    webhook = webhook_for(signer, settings, clock, sqlite_store, {"junk": garbage})
    body = json.dumps(signer.sign(notification(ses_notification("", "junk")))).encode()
    assert webhook.handle(body).status in {"registered", "held"}
    other = json.dumps(signer.sign(notification(json.dumps({"notificationType": "Bounce"}))))
    assert webhook.handle(other.encode()).status == "ignored"
    with pytest.raises(ForgedNotification):
        webhook.handle(b"not json")
    missing = json.dumps(signer.sign(notification(ses_notification("", "gone")))).encode()
    with pytest.raises(KeyError):  # answered 503: SES's object is not there (yet)
        webhook.handle(missing)


def test_the_function_answers_403_to_forgeries_and_200_to_content(aws_env, webhook_server):
    import urllib.error
    import urllib.request

    def post(body: bytes) -> int:
        request = urllib.request.Request(webhook_server, data=body, method="POST",
                                         headers={"Content-Type": "text/plain"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert post(b"{}") == 403
    assert post(b"\xff\xfe garbage") == 403
    unsigned = notification(ses_notification("inbound-mail", "x"))
    assert post(json.dumps(unsigned).encode()) == 403


def test_unauthenticated_senders_are_recorded_but_not_acknowledged(signer, settings, clock,
                                                                  sqlite_store):
    from shared.services.mail_webhook import sender_verified

    def verdicts(**statuses):
        return {f"{name}Verdict": {"status": status} for name, status in statuses.items()}

    qq = "87654321@qq.com"
    assert sender_verified(verdicts(spf="FAIL", dmarc="PASS"), "x@evil.example", "qq.com")
    assert sender_verified(verdicts(spf="PASS", dmarc="GRAY"), "bounce@mail.qq.com", "qq.com")
    # SPF for the attacker's own envelope domain, no DMARC policy: nothing said of From.
    assert not sender_verified(verdicts(spf="PASS", dmarc="GRAY"), "x@evil.example", "qq.com")
    assert not sender_verified(verdicts(dkim="PASS", spf="FAIL"), qq, "qq.com")  # d= unknown
    assert not sender_verified(verdicts(spf="FAIL", dkim="FAIL"), qq, "qq.com")
    assert not sender_verified(verdicts(spf="PASS", dmarc="FAIL"), qq, "qq.com")
    assert not sender_verified(verdicts(dmarc="PASS"), qq, "")  # no sender to verify
    assert sender_verified({}, qq, "qq.com") is False  # no verdicts: not verified (fail closed)
    raw = (CORPUS / "163_complaint.eml").read_bytes()
    app_webhook = webhook_for(signer, settings, clock, sqlite_store, {"m": raw})
    message = json.loads(ses_notification("", "m"))
    message["receipt"].update(spfVerdict={"status": "FAIL"}, dkimVerdict={"status": "FAIL"},
                              dmarcVerdict={"status": "FAIL"})
    body = json.dumps(signer.sign(notification(json.dumps(message)))).encode()
    assert app_webhook.handle(body).status == "registered"
    assert sqlite_store.due_outbox(clock.now(), 10) == []


def test_a_notification_without_verdicts_is_not_a_verified_sender(signer, settings, clock,
                                                                 sqlite_store):
    raw = (CORPUS / "163_complaint.eml").read_bytes()
    app_webhook = webhook_for(signer, settings, clock, sqlite_store, {"m": raw})
    body = json.dumps(signer.sign(notification(ses_notification("", "m")))).encode()
    assert app_webhook.handle(body).status == "registered"
    assert sqlite_store.due_outbox(clock.now(), 10) == []  # no acknowledgment queued


@pytest.mark.parametrize("tamper", [
    lambda m: m.update(SigningCertURL=CERT_URL.replace(".pem", ".txt")),
    lambda m: m.update(SigningCertURL=CERT_URL + "?x=1"),
    lambda m: m.update(Signature=12345),
    lambda m: m.update(Message={"not": "a string"}),
])
def test_odd_certificate_urls_and_field_types_are_refused_before_any_fetch(verifier, signer,
                                                                         tamper):
    message = signer.sign(notification("{}"))
    tamper(message)
    with pytest.raises(ForgedNotification):
        verifier.verify(message)
    assert signer.fetched == []


def test_an_unreachable_certificate_is_a_refusal_not_a_crash(signer):
    def failing_get(url):
        raise OSError("connection refused")

    with pytest.raises(ForgedNotification):
        SnsSignatureVerifier(TOPIC, http_get=failing_get).verify(signer.sign(notification("{}")))
