"""Inbound mail for the email intake tests: messages from the corpus (tests/mail_corpus) or built
in code, and what intake made of them."""
from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

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


def deliver(app):
    return app.delivery.deliver_due()


def first_case(app, name="qqmail_report.eml"):
    """Register a corpus message and send its acknowledgment; the case number."""
    received = app.mail_intake.receive(corpus(name))
    deliver(app)
    return received.case_number


def events(app, number, kind):
    """The case's events of one type, oldest first."""
    return [e for e in events_of(app.store, number) if e.type == kind]

