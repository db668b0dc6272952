"""Fuzzing email intake on SQLite (issue 12): every generated hostile message
(`tests/support/hostile_mail.py`) is taken by `MailIntake.receive` without an exception (content
never makes intake crash: over SNS a crash is a retry forever, over SMTP a 451), in bounded
memory, and is recorded (its key is in the store, whatever became of it); the acknowledgments it
causes are sent, and none carries a header the message smuggled in. A few hundred by default;
`CD_FUZZ_LONG=1` for 100 000 (`tests/support/fuzzing.py`)."""
from __future__ import annotations

import base64
import dataclasses
import time
import tracemalloc
from email import message_from_bytes, policy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.bootstrap import build_services
from shared.services.mail_intake import MailOutcome
from shared.services.mail_parsing import parse_mail
from tests.support.fuzzing import Progress, fuzz_settings
from tests.support.hostile_mail import addresses, hostile_messages

MiB = 1 << 20
MEMORY_CEILING = 96 * MiB  # a generated message is at most ~2 MB; intake peaked at ~20 MB
# What an outgoing message may carry: anything else came from the input.
OUR_HEADERS = {"from", "to", "reply-to", "subject", "date", "message-id", "in-reply-to",
               "references", "auto-submitted", "x-auto-response-suppress", "content-type",
               "content-transfer-encoding", "mime-version", "content-language"}


RECEIVED = Progress("MailIntake.receive")


@pytest.fixture
def fuzz_app(settings, mailbox, clock, sqlite_store):
    """The production wiring on SQLite; every sender may have many acknowledgments, so that the
    fuzzed subjects and names reach real outgoing mail."""
    port, _ = mailbox
    return build_services(dataclasses.replace(settings, smtp_port=port,
                                              acknowledgments_per_sender_per_hour=1_000_000),
                          store=sqlite_store, clock=clock)


@fuzz_settings(default=100)
@given(raw=hostile_messages(), verified=st.sampled_from([True, False, None]),
       envelope=st.lists(addresses().map(lambda b: b.decode("utf-8", "surrogateescape")),
                         max_size=2))
def test_intake_takes_every_generated_message_and_records_it(fuzz_app, mailbox, raw, verified,
                                                           envelope):
    RECEIVED.tick()
    tracemalloc.start()
    try:
        started = time.perf_counter()
        received = fuzz_app.mail_intake.receive(raw, envelope, None, sender_verified=verified)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert received.outcome in set(MailOutcome)
    assert peak < MEMORY_CEILING and seconds < 30.0, (peak, seconds)
    assert fuzz_app.store.find_mail(parse_mail(raw).dedup_key) is not None  # never lost
    for result in fuzz_app.delivery.deliver_due():
        assert result.outcome.value == "sent", result


def test_no_acknowledgment_carries_a_header_from_the_input(fuzz_app, mailbox):
    """After the fuzz run's kind of input, every message in the mailbox has only our headers,
    one To, and a one-line subject (the header-injection check of the fuzz, on fixed input)."""
    _, folder = mailbox
    sender = b"=?utf-8?Q?Ann=0D=0ABcc:_victim@example.com?= <ann@example.org>"
    for subject in [b"=?utf-8?Q?hi=0D=0ABcc:_victim@example.com?=", b"a\r\n Bcc: b@example.com",
                    "举报\u202e".encode() + b"\r\n\tX-Evil: 1", b"=?utf-8?B?DQpCY2M6IHZAZS5jb20=?=",
                    # an encoded word inside one: decoded once here, it must not decode again
                    b"=?utf-8?B?PT91dGYtOD9RP2hpPTBEPTBBQmNjOl92aWN0aW1AZXhhbXBsZS5jb20/PQ==?="]:
        raw = (b"From: " + sender + b"\r\nTo: report@example.com\r\nSubject: " + subject
               + b"\r\nMessage-ID: <" + str(hash(subject)).encode() + b"@example.org>\r\n\r\nbody\r\n")
        fuzz_app.mail_intake.receive(raw, (), None, sender_verified=True)
    assert [r.outcome.value for r in fuzz_app.delivery.deliver_due()] == ["sent"] * 5
    for path in sorted(folder.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert {name.lower() for name in message.keys()} <= OUR_HEADERS
        assert [str(v) for v in message.get_all("To")] == ["ann@example.org"]
        assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])


def _encoded(text: bytes) -> bytes:
    return b"=?utf-8?B?" + base64.b64encode(text) + b"?="


@pytest.mark.parametrize("message_id", [  # each decoded once by intake, to an encoded word
    _encoded(b"<=?utf-8?Q?=0D=0ABcc:_victim@example.com?=@example.org>"),
    _encoded(b"<a=?utf-8?B?DQpCY2M6IHZpY3RpbUBlLmNvbQ==?=@example.org>"),
])
def test_a_message_id_holding_an_encoded_line_break_never_becomes_a_header(fuzz_app, mailbox,
                                                                           message_id):
    """Our acknowledgment answers in the sender's thread (In-Reply-To, References): a Message-ID
    with an encoded word in it was written by the standard library as a line break and a Bcc
    header, so our mail went to whomever the sender named."""
    raw = (b"From: ann@example.org\r\nTo: report@example.com\r\nSubject: x\r\nMessage-ID: "
           + message_id + b"\r\n\r\nbody\r\n")
    assert fuzz_app.mail_intake.receive(raw, (), None, sender_verified=True).case_number
    assert [r.outcome.value for r in fuzz_app.delivery.deliver_due()] == ["sent"]
    [path] = sorted(mailbox[1].glob("*.eml"))
    written = path.read_bytes()
    assert b"\nBcc:" not in written and b"victim" not in written
    message = message_from_bytes(written, policy=policy.default)
    assert {name.lower() for name in message.keys()} <= OUR_HEADERS
