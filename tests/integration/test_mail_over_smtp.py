"""Mail handed to the local stack's real SMTP server: what once made it answer 451 on every
retry (so the report never arrived) is answered 250 and recorded."""
from __future__ import annotations

from email.message import EmailMessage

import pytest

from shared.services.mail_parsing import message_key
from tests.support.inbound_mail import deliver, report_address_server, smtp_answer
from tests.support.mailbox import read_mailbox

LONG_NAME = "投诉证据截图" * 14 + ".png"  # 84 Chinese characters: 256 bytes in UTF-8
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.mark.parametrize("sender", ["王喆@qq.com".encode(), '"小王" <王喆@qq.com>'.encode(),
                                    "王喆".encode("gb18030") + b"@qq.com",
                                    b"=?utf-8?B?546L5ZaGQHFxLmNvbQ==?="])
def test_a_non_ascii_sender_is_accepted_and_held(app, sender):
    raw = (b"From: " + sender + b"\r\nTo: report@example.com\r\nSubject: x\r\n"
           b"Message-ID: <wang-2@qq.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           + "有人冒充客服诈骗。".encode() + b"\r\n")
    with report_address_server(app) as port:
        code, _ = smtp_answer(port, raw)
    assert code == 250
    assert app.store.find_mail(message_key("<wang-2@qq.com>")) is not None
    [held] = app.store.held_mail(10)
    assert held.reason == "no sender address"
    assert app.attachments.get(held.raw_key) == raw


def test_an_attachment_with_a_long_chinese_name_is_registered_with_it(app):
    mail = EmailMessage()
    mail["From"], mail["To"] = "小王 <87654321@qq.com>", "report@example.com"
    mail["Subject"], mail["Message-ID"] = "投诉：截图见附件", "<long-name@qq.com>"
    mail.set_content("客服三天没有回复我的退款申请，截图见附件。")
    mail.add_attachment(PNG, maintype="image", subtype="png", filename=LONG_NAME)
    with report_address_server(app) as port:
        code, answer = smtp_answer(port, mail.as_bytes())
    assert code == 250, answer
    number = app.store.find_mail(message_key("<long-name@qq.com>")).case_number
    [attachment] = app.store.get_case(number).attachments
    assert attachment.filename == LONG_NAME  # the name as data, whole
    assert len(attachment.key.encode()) <= 200 and app.attachments.get(attachment.key) == PNG


def test_two_from_headers_with_a_dmarc_pass_are_held_and_never_answered(app, mailbox):
    # The MTA's DMARC pass vouches for one From; with two, nobody knows which.
    raw = (b"From: Someone <victim@qq.com>\r\n"
           b"Authentication-Results: mx.localhost; dmarc=pass header.from=qq.com\r\n"
           b"From: other@evil.com\r\nTo: report@example.com\r\nSubject: x\r\n"
           b"Message-ID: <two-froms@qq.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           + "请查看这个账号。".encode() + b"\r\n")
    with report_address_server(app, trusted_authserv_id="mx.localhost") as port:
        code, _ = smtp_answer(port, raw)
    assert code == 250
    [held] = app.store.held_mail(10)
    assert held.reason == "no sender address" and app.attachments.get(held.raw_key) == raw
    deliver(app)
    assert read_mailbox(mailbox[1]) == []
