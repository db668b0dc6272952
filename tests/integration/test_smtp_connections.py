"""The SMTP transport keeps its connections open between messages (issue 12), against a real SMTP
server on loopback that keeps every message it is given — duplicates too — with the connection
each came on: several messages travel on one connection; a connection the relay closed meanwhile
(a restart) is replaced and the message sent once; a failure after the relay accepted the sender
is not repeated by the transport (the delivery retries it later, with the same Message-ID)."""
from __future__ import annotations

import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from shared.adapters.smtp_transport import SmtpTransport
from shared.domain.errors import DeliveryFailed
from tests.support.mailbox import free_port, smtp_server


class Relay:
    """Keeps every message (no collapsing by Message-ID) with the client port it came from, and
    counts the senders it accepted. A recipient starting `closing-` is answered 421."""

    def __init__(self):
        self.messages: list[tuple[str, int]] = []  # (Subject, client port)
        self.senders = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        self.senders += 1
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("closing-"):
            return "421 4.3.2 Service shutting down, closing transmission channel"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((str(message["Subject"]), session.peer[1]))
        return "250 OK"

    def subjects(self) -> list[str]:
        return [subject for subject, _ in self.messages]

    def connections(self) -> int:
        return len({port for _, port in self.messages})


def mail(subject: str, to: str = "reporter@example.com") -> EmailMessage:
    message = EmailMessage()
    message["From"] = "举报中心 <report@example.com>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{subject}@example.com>"
    message.set_content(f"第 {subject} 封")
    return message


@pytest.fixture
def relay():
    handler, port = Relay(), free_port()
    with smtp_server(handler, port):
        yield handler, port


def test_messages_in_a_row_travel_on_one_connection(relay):
    handler, port = relay
    transport = SmtpTransport("127.0.0.1", port)
    for n in range(5):
        assert transport.send(mail(f"ack-{n}")) == [f"<ack-{n}@example.com>"]
    transport.close()
    assert handler.subjects() == [f"ack-{n}" for n in range(5)]
    assert handler.connections() == 1 and transport.connections_opened == 1


def test_a_connection_the_relay_closed_is_replaced_and_the_message_sent_once():
    port, before, after = free_port(), Relay(), Relay()
    transport = SmtpTransport("127.0.0.1", port, timeout=5)
    with smtp_server(before, port):
        transport.send(mail("before-restart"))
    with smtp_server(after, port):  # the relay restarted: the kept connection is dead
        transport.send(mail("after-restart"))
        transport.send(mail("next"))
        transport.close()
    assert before.subjects() == ["before-restart"]
    assert after.subjects() == ["after-restart", "next"]  # each once, none lost
    assert after.senders == 2 and after.connections() == 1
    assert transport.connections_opened == 2


def test_a_failure_after_the_sender_was_accepted_is_not_repeated_by_the_transport(relay):
    handler, port = relay
    transport = SmtpTransport("127.0.0.1", port)
    transport.send(mail("first"))  # the connection is kept
    with pytest.raises(DeliveryFailed) as failed:
        transport.send(mail("refused", to="closing-reporter@example.com"))
    assert not failed.value.permanent  # 421: the delivery retries later, same Message-ID
    assert handler.senders == 2  # once: nothing was sent again on a new connection
    transport.send(mail("after"))
    transport.close()
    assert handler.subjects() == ["first", "after"]
    assert transport.connections_opened == 2  # the closed one was not reused


def test_a_connection_idle_too_long_is_not_reused(relay):
    handler, port = relay
    now = [0.0]
    transport = SmtpTransport("127.0.0.1", port, idle_seconds=30, monotonic=lambda: now[0])
    transport.send(mail("one"))
    now[0] = 29.0
    transport.send(mail("two"))  # within the idle limit: the same connection
    now[0] = 60.0
    transport.send(mail("three"))  # idle 31 s: a new one
    transport.close()
    assert handler.subjects() == ["one", "two", "three"]
    assert transport.connections_opened == 2


def test_workers_in_threads_share_the_transport_each_message_sent_once(relay):
    handler, port = relay
    transport = SmtpTransport("127.0.0.1", port, keep=4)
    errors: list[Exception] = []

    def work(worker: int) -> None:
        try:
            for n in range(10):
                transport.send(mail(f"w{worker}-{n}"))
        except Exception as exc:  # the assertion below names it
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    transport.close()
    assert errors == []
    assert sorted(handler.subjects()) == sorted(f"w{w}-{n}" for w in range(4) for n in range(10))
    assert transport.connections_opened <= 4  # one at a time per thread, kept between messages


def test_an_address_that_is_not_ascii_goes_over_smtputf8(relay):
    handler, port = relay
    transport = SmtpTransport("127.0.0.1", port)
    transport.send(mail("utf8", to="王小明@example.com"))
    transport.close()
    assert handler.subjects() == ["utf8"]
