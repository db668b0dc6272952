"""Inbound mail for the email intake tests: messages from the corpus (tests/mail_corpus) or built
in code, and what intake made of them."""
from __future__ import annotations

import re
import smtplib
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

from shared.local.inbound_smtp import start_inbound_smtp
from tests.support.mailbox import free_port
from tests.support.timeline import events_of

CORPUS = Path(__file__).parent.parent / "mail_corpus"


def corpus(name: str, **replacements) -> bytes:
    """A corpus message, each `{KEY}` placeholder replaced by the value given as `key=`."""
    raw = (CORPUS / name).read_bytes()
    for key, value in replacements.items():
        raw = raw.replace(("{%s}" % key.upper()).encode(), value.encode())
    return raw


def reply(to: str, sender: str, subject: str, body: str, **headers) -> bytes:
    """A plain GB18030 message such as a mail client sends; `In_Reply_To=` becomes In-Reply-To."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", f"<reply-{abs(hash(body))}@qq.com>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body, charset="gb18030")
    return message.as_bytes()


def plain(subject="坏邮件", body="正文还在。", **headers) -> EmailMessage:
    """A message from bad@example.com to build awkward input on (attachments, sizes)."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "bad@example.com", "report@example.com", subject
    for name, value in headers.items():
        message[name] = value
    message.set_content(body)
    return message


def receive_verified(app, raw: bytes, recipients=(), envelope_sender=None):
    """Mail whose sender the receiving server verified (DMARC passed), handed to intake."""
    return app.mail_intake.receive(raw, recipients, envelope_sender, sender_verified=True)


def deliver(app):
    return app.delivery.deliver_due()


def first_case(app, name="qqmail_report.eml"):
    """Register a corpus message and send its acknowledgment; the case number."""
    received = receive_verified(app, corpus(name))
    deliver(app)
    return received.case_number


def events(app, number, kind):
    """The case's events of one type, oldest first."""
    return [e for e in events_of(app.store, number) if e.type == kind]



@contextmanager
def report_address_server(app, trusted_authserv_id: str = ""):
    """The report address as the real SMTP server of the local stack, on loopback; its port."""
    port = free_port()
    controller = start_inbound_smtp(app.mail_intake, "report@example.com", "127.0.0.1", port,
                                    app.settings.max_message_bytes, trusted_authserv_id)
    try:
        yield port
    finally:
        controller.stop()


def smtp_answer(port: int, raw: bytes, envelope_sender: str = "87654321@qq.com") -> tuple[int, bytes]:
    """Hand raw bytes to the report address as an MTA would; the server's answer to DATA."""
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.ehlo()
        assert smtp.mail(envelope_sender)[0] == 250
        assert smtp.rcpt("report@example.com")[0] == 250
        return smtp.data(re.sub(rb"\r?\n", b"\r\n", raw))  # smtplib leaves bytes' line ends as they are
