"""An email built the cheap way (`mime_alternative`, issue 12) reads on the wire as the same email
built by `EmailMessage.set_content`/`add_alternative` under `policy.default` (how notices were
built before): every header with the same decoded value, in the same order; both parts with
their type, charset and text; and a header that would smuggle in another is refused as before."""
from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from shared.adapters.mail_composition import MailComposer
from shared.adapters.mime_alternative import alternative_email
from shared.adapters.smtp_transport import Envelope
from shared.domain.cases import Channel
from shared.domain.outbox import Template, queue_notice
from tests.support.builders import a_case, unique_number

TEXT = "您好：\n\n我们已收到您的投诉。\n案件编号: TS-20261128-ABC123-4\n"
HTML = "<p>您好：</p>\n<p>我们已收到您的投诉。</p>\n<table><tr><td>TS-20261128-ABC123-4</td></tr></table>\n"
HEADERS = [("From", "举报和投诉中心 <report@example.com>"), ("To", "li.lei@example.com"),
           ("Reply-To", "report+ts20261128abc1234.token@example.com"),
           ("Subject", "[TS-20261128-ABC123-4] 您的投诉已收到"),
           ("Date", "Sat, 28 Nov 2026 12:30:00 +0000"),
           ("Message-ID", "<0123456789abcdef@example.com>"),
           ("In-Reply-To", "<CAF=qq.1234@mail.qq.com>"), ("References", "<CAF=qq.1234@mail.qq.com>"),
           ("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All")]


def the_old_way(headers, text: str, html: str, language: str) -> EmailMessage:
    email = EmailMessage()
    for name, value in headers:
        email[name] = value
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    email["Content-Language"] = language
    return email


def as_read(email: EmailMessage) -> tuple:
    """What a mail client reads of it, once sent (CRLF, as the transport writes it)."""
    received = message_from_bytes(Envelope.of(email).data, policy=policy.default)
    headers = [(name, str(value)) for name, value in received.items()
               if name != "Content-Type"]  # its boundary is anybody's
    parts = [(part.get_content_type(), part.get_content_charset(), part.get_content())
             for part in received.iter_parts()]
    return headers, received.get_content_type(), parts


@pytest.mark.parametrize("text, html", [
    (TEXT, HTML),
    ("Dear reporter,\n\nWe received your complaint.\n", "<p>Dear reporter,</p>\n"),  # 7bit
    ("A line longer than a mail line may be " + "x" * 120 + "\n", "<p>" + "y" * 300 + "</p>"),
    ("no newline at the end", "<p>CRLF\r\nline ends</p>"),
    ("=?utf-8?q?not_an_encoded_word?=\n. a dot line\nFrom the start\n", "<p>=_ and --</p>\n"),
])
def test_the_cheap_email_reads_as_the_old_one(text, html):
    assert as_read(alternative_email(HEADERS, text, html, "zh-CN")) == \
        as_read(the_old_way(HEADERS, text, html, "zh-CN"))


@pytest.mark.parametrize("subject", [
    "Your complaint TS-20261128-ABC123-4 was received",
    "Re: " + "一个很长的主题" * 30 + " [TS-20261128-ABC123-4]",  # folded over several lines
    "Re: " + "a long ASCII subject " * 12,
    "Re: =\u200b?utf-8?b?5oKo?= tricked out",  # how compose defuses an encoded word
    "tab\there and ünïcode",
])
def test_headers_read_back_as_they_were_given(subject):
    headers = [*HEADERS[:3], ("Subject", subject), *HEADERS[4:]]
    assert as_read(alternative_email(headers, TEXT, HTML, "en")) == \
        as_read(the_old_way(headers, TEXT, HTML, "en"))


@pytest.mark.parametrize("value", ["evil\r\nBcc: everyone@example.com", "evil\nBcc: x@example.com",
                                   "恶意\r\nBcc: x@example.com"])
def test_a_header_with_a_line_break_is_refused_as_before(value):
    headers = [*HEADERS[:3], ("Subject", value)]
    with pytest.raises(ValueError):
        the_old_way(headers, TEXT, HTML, "en")
    with pytest.raises(ValueError):
        alternative_email(headers, TEXT, HTML, "en")


def test_a_part_that_contains_the_usual_boundary_gets_another():
    first = alternative_email(HEADERS, "plain", "<p>html</p>", "en")
    boundary = first.get_boundary()
    email = alternative_email(HEADERS, f"quoting --{boundary}\n", "<p>html</p>", "en")
    assert email.get_boundary() != boundary
    assert as_read(email)[2][0][2].splitlines() == [f"quoting --{boundary}"]


def test_an_acknowledgment_composed_now_reads_as_composed_before(app):
    s = app.settings
    composer = MailComposer(app.renderer, s.mail_from, s.mail_domain, s.public_status_url,
                            app.clock, s.reply_key, s.inbound_address)
    case = a_case(unique_number(), app.clock.now(), channel=Channel.EMAIL,
                  subject="退款三周未到账 =?utf-8?b?5oKo?=")
    message = queue_notice(case, Template.ACKNOWLEDGMENT, app.clock.now(),
                           in_reply_to="<CAF=qq.1234@mail.qq.com>")
    email = composer.compose(message, case, "li.lei@example.com")
    headers = [(name, str(value)) for name, value in email.items()
               if name not in ("MIME-Version", "Content-Type", "Content-Language")]
    text, html = (email.get_body((kind,)).get_content() for kind in ("plain", "html"))
    assert as_read(email) == as_read(the_old_way(headers, text, html, "zh-CN"))
    names = [name for name, _ in headers]
    assert names == ["From", "To", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To",
                     "References", "Auto-Submitted", "X-Auto-Response-Suppress"]
    assert email["Subject"].startswith("Re: 退款三周未到账 =\u200b?utf-8")
    assert email["Content-Language"] == "zh-CN" and case.number in text and case.number in html
