"""Who sent it, whatever the From header holds: an address we cannot answer in ASCII is no
sender (held, never answered, never lost), and no address of any shape crashes intake."""
from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from shared.bootstrap import build_services
from shared.domain.queues import reporter_email_hash
from shared.domain.rate_limits import acknowledgment_slot
from shared.services.mail_intake import MailOutcome
from shared.services.mail_parsing import message_key
from tests.support.inbound_mail import deliver
from tests.support.mailbox import read_mailbox

BODY = "有人冒充贵平台客服，要求转账 3000 元。".encode()


def raw_mail(from_header: bytes, message_id: str) -> bytes:
    return (b"From: " + from_header + b"\r\nTo: report@example.com\r\nSubject: "
            b"=?utf-8?B?5Li+5oql?=\r\nMessage-ID: <" + message_id.encode() + b">\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n" + BODY + b"\r\n")


UNANSWERABLE = {
    "raw utf-8": "王喆@qq.com".encode(),
    "raw utf-8 in angles": "<王喆@qq.com>".encode(),
    "raw utf-8 with a name": '"小王" <王喆@qq.com>'.encode(),
    "raw gb18030 (not utf-8)": "王喆".encode("gb18030") + b"@qq.com",
    "rfc 2047 address": b"=?utf-8?B?546L5ZaGQHFxLmNvbQ==?=",
    "rfc 2047 local part": b"=?utf-8?B?5bCP546L?= <=?utf-8?B?546L5ZaG?=@qq.com>",
    "rfc 2047 ascii local part": b"<=?us-ascii?Q?bob?=@qq.com>",
}


@pytest.fixture
def any_app(settings, mailbox, clock, store):
    """Every service as in production, on each store."""
    return build_services(dataclasses.replace(settings, smtp_port=mailbox[0]), store=store,
                          clock=clock)


@pytest.mark.parametrize("from_header", UNANSWERABLE.values(), ids=UNANSWERABLE.keys())
def test_a_sender_we_cannot_answer_in_ascii_is_held_and_never_answered(any_app, mailbox,
                                                                      from_header):
    received = any_app.mail_intake.receive(raw_mail(from_header, "odd-1@qq.com"),
                                           sender_verified=True)
    assert received.outcome == MailOutcome.HELD and received.detail == "no sender address"
    assert any_app.store.find_mail(message_key("<odd-1@qq.com>")) is not None
    [held] = any_app.store.held_mail(10)
    assert held.sender == "" and any_app.attachments.get(held.raw_key).endswith(BODY + b"\r\n")
    deliver(any_app)
    assert read_mailbox(mailbox[1]) == []


def test_an_internationalised_domain_is_answered_in_punycode(app, mailbox):
    received = app.mail_intake.receive(raw_mail("小王 <Wang@例子.中国>".encode(), "idn@qq.com"),
                                       sender_verified=True)
    assert received.outcome == MailOutcome.REGISTERED
    identity = app.store.get_identity(received.case_number)
    assert identity.email == "wang@xn--fsqu00a.xn--fiqs8s" and identity.name == "小王"
    deliver(app)
    [ack] = read_mailbox(mailbox[1])
    assert ack["To"] == "wang@xn--fsqu00a.xn--fiqs8s"


def test_a_sender_nobody_verified_is_registered_but_not_answered(app, mailbox):
    received = app.mail_intake.receive(raw_mail(b"Xiao Wang <wang@qq.com>", "plain@qq.com"))
    assert received.outcome == MailOutcome.REGISTERED  # verdict not known: unverified
    deliver(app)
    assert read_mailbox(mailbox[1]) == []


SEVERAL_FROMS = {
    "two From headers": b"From: Someone <victim@qq.com>\r\n"
                        b"Authentication-Results: mx.localhost; dmarc=pass header.from=qq.com\r\n"
                        b"From: other@evil.com",
    "a lower-case second from": b"From: victim@qq.com\r\nfrom: other@evil.com",
    "a space before the colon": b"From: victim@qq.com\r\nFrom : other@evil.com",
    "From : first, an mbox line to the parser": b"From : other@evil.com\r\nFrom: victim@qq.com",
}


@pytest.mark.parametrize("headers", SEVERAL_FROMS.values(), ids=SEVERAL_FROMS.keys())
def test_a_message_with_several_from_headers_has_no_sender(any_app, mailbox, headers):
    # RFC 5322 allows one From, and a DMARC pass vouches for one: with two, we cannot know which.
    raw = headers + b"\r\n" + raw_mail(b"unused", "froms@qq.com").split(b"\r\n", 1)[1]
    received = any_app.mail_intake.receive(raw, sender_verified=True)
    assert received.outcome == MailOutcome.HELD and received.detail == "no sender address"
    [held] = any_app.store.held_mail(10)
    assert held.sender == "" and any_app.attachments.get(held.raw_key) == raw  # the text is kept
    deliver(any_app)
    assert read_mailbox(mailbox[1]) == []


@pytest.mark.parametrize("address", ["\udce7\udc8e\udc8b@qq.com", "王喆@qq.com", "\ud800@x.org"])
def test_no_address_can_crash_the_hashes(address):
    now = datetime(2026, 11, 28, tzinfo=UTC)
    assert acknowledgment_slot(address, now).id != acknowledgment_slot("x@qq.com", now).id
    assert len(reporter_email_hash(address)) == 64
    assert reporter_email_hash("Ann@Example.org ") == reporter_email_hash("ann@example.org")
