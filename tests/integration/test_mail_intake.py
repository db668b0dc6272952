"""Email intake with real SQLite, a real SMTP server for the replies, and mail from a corpus that
looks like what QQMail, Foxmail, 163, Outlook, Apple Mail, Gmail and phones really send: each
becomes a readable case of the right kind with its acknowledgment, and bad input (attachments,
sizes, broken MIME) gets a clear outcome. Threading is in test_mail_threading, machines,
bounces, duplicates and limits in test_mail_loops_and_limits."""
from __future__ import annotations

import dataclasses
from email import message_from_bytes, policy

import pytest

from shared.bootstrap import build_services
from shared.domain.cases import Channel, EventType, Kind
from shared.domain.reply_tokens import derived_access_code, reply_address
from shared.services.mail_intake import MailOutcome
from tests.support.inbound_mail import corpus, deliver, events, plain, receive_verified, reply
from tests.support.mailbox import read_mailbox

C, R = Kind.COMPLAINT, Kind.REPORT


@pytest.mark.parametrize("name, subject, text, files, kind", [
    ("qqmail_report.eml", "举报：某账号发布赌博广告", "财神到888", ["赌博广告截图.jpg"], R),
    ("foxmail_gbk.eml", "投诉门店客服", "朱镕基路门店（镕、啰、赟）", ["购物小票.pdf"], C),
    ("foxmail_gbk_attachment_names.eml", "举报冒用身份注册的账号", "冒用我的名字王喆",
     ["王喆被冒用的账号截图.jpg", "王喆身份证明.pdf", "喆哥聊天记录.png"], R),
    ("163_complaint.eml", "电饭煲 质量问题", "希望退款 299 元", [], R),  # says neither: the setting
    ("outlook_html_winmail.eml", "会员自动续费扣费", "在我取消后仍然扣费 30 元", ["message.html"], R),
    ("apple_mail.eml", "个人信息被泄露", "我的手机号和住址被人贴在论坛帖子里", ["帖子截图.png"], R),
    ("gmail_forwarded.eml", "Fw: 您的账户已冻结", "请立即转账 5000 元到安全账户解冻", [], R),
    ("phone_client_8bit.eml", "直播间有人辱骂主播", "说要人肉她", [], R),
    ("big5_report.eml", "舉報詐騙帳號", "騙取用戶密碼", [], R),
    ("iso2022jp.eml", "著作権侵害の報告", "無断で使用されています", [], R),
    ("wrong_charsets.eml", "=?gb2312?B?broken!!?=举报", "有人在评论区发布淫秽链接", [], R),
    ("gateway_cut_utf8.eml", "投诉 关于物业\ufffd", "举报内容\ufffd", [], C),  # stray bytes
])


def test_mail_from_every_client_becomes_a_readable_case(app, mailbox, name, subject, text, files,
                                                        kind):
    received = receive_verified(app, corpus(name))
    assert received.outcome == MailOutcome.REGISTERED
    case = app.store.get_case(received.case_number)
    assert case.channel == Channel.EMAIL and case.kind == kind
    assert case.subject == subject
    assert text in case.description
    assert [a.filename for a in case.attachments] == files
    assert app.store.get_identity(case.number).email == message_from_bytes(
        corpus(name), policy=policy.default)["From"].addresses[0].addr_spec.lower()
    [result] = deliver(app)
    assert result.outcome.value == "sent"


def test_a_complaint_by_email_is_a_complaint_and_acknowledged_as_one(app, mailbox):
    _, folder = mailbox
    complaint = receive_verified(app, corpus("foxmail_gbk.eml"))  # 「投诉门店客服」
    english = receive_verified(app, reply("report@example.com", "ann@example.org",
                                          "Order 1234", "I want to complain about the courier."))
    report = receive_verified(app, corpus("qqmail_report.eml"))  # 「举报：…」
    assert complaint.case_number.startswith("TS-") and english.case_number.startswith("TS-")
    assert report.case_number.startswith("JB-")
    deliver(app)
    bodies = {m["To"]: m.get_body(("plain",)).get_content() for m in read_mailbox(folder)}
    assert "我们已收到您的投诉" in bodies["zhaoyun@foxmail.com"]
    assert "您的举报" not in bodies["zhaoyun@foxmail.com"]
    assert "received and registered your complaint" in bodies["ann@example.org"]
    assert "我们已收到您的举报" in bodies["87654321@qq.com"]


def test_forbidden_and_oversize_attachments_are_dropped_with_a_note_and_a_line_in_the_reply(
        app, mailbox):
    _, folder = mailbox
    received = receive_verified(app, corpus("foxmail_gbk.eml"))
    dropped = events(app, received.case_number, EventType.ATTACHMENT_DROPPED)
    assert [e.text for e in dropped] == ["setup.exe (file_type_not_allowed, 202 bytes)"]
    assert "朱镕基路门店" in app.store.get_case(received.case_number).description
    deliver(app)
    [ack] = read_mailbox(folder)
    body = ack.get_body(("plain",)).get_content()
    assert "setup.exe" in body and "以下附件未能接收" in body
    assert "winmail" not in body


def test_the_acknowledgment_threads_and_carries_the_way_back(app, mailbox, settings):
    _, folder = mailbox
    received = receive_verified(app, corpus("qqmail_report.eml"))
    deliver(app)
    [ack] = read_mailbox(folder)
    number = received.case_number
    assert ack["To"] == "87654321@qq.com"
    assert ack["In-Reply-To"] == "<tencent_2B1C0A4D5E6F7A8B9C0D1E2F@qq.com>"
    assert ack["References"] == "<tencent_2B1C0A4D5E6F7A8B9C0D1E2F@qq.com>"
    assert ack["Subject"] == f"Re: 举报：某账号发布赌博广告 [{number}]"
    assert ack["Reply-To"] == reply_address("report@example.com", settings.reply_key, number)
    assert ack["Auto-Submitted"] == "auto-replied"
    code = derived_access_code(settings.reply_key, number)
    assert code in ack.get_body(("plain",)).get_content()
    view = app.status.look_up(number, code, "203.0.113.5")  # the code in the mail works
    assert view.subject == "举报：某账号发布赌博广告"


def test_a_subject_with_a_direction_override_is_answered_without_it(app, mailbox):
    _, folder = mailbox
    received = receive_verified(app, reply("report@example.com", "ann@example.org",
                                           "投诉\u202e订单\x07 退款", "订单没有\x1b[31m发货"))
    case = app.store.get_case(received.case_number)
    assert case.subject == "投诉订单 退款" and "\x1b" not in case.description
    deliver(app)
    [ack] = read_mailbox(folder)
    assert ack["Subject"] == f"Re: 投诉订单 退款 [{case.number}]"


def test_the_acknowledgment_is_a_registration_notice_that_says_where_the_code_is(app, mailbox):
    _, folder = mailbox
    receive_verified(app, corpus("qqmail_report.eml"))
    receive_verified(app, reply("report@example.com", "ann@example.org", "Scam account",
                                "Please look at this account."))
    deliver(app)
    acks = {m["To"]: m for m in read_mailbox(folder)}
    zh, en = acks["87654321@qq.com"], acks["ann@example.org"]
    assert (zh["Content-Language"], en["Content-Language"]) == ("zh-CN", "en")
    zh_text = zh["Subject"] + zh.get_body(("plain",)).get_content() + \
        zh.get_body(("html",)).get_content()
    # Registered, not yet accepted: 受理 is the decision after the initial review.
    assert "我们已收到您的举报，并已登记" in zh_text and "受理通知" not in zh_text
    # An email case never saw a receipt page: the code is in this mail.
    assert "提交时显示" not in zh_text and "凭上面的案件编号和查询码" in zh_text
    en_text = en.get_body(("plain",)).get_content()
    assert "shown when you submitted" not in en_text and "access code above" in en_text


def test_utf8_with_stray_bytes_keeps_its_text_and_its_kind(app, mailbox):
    # A gateway that cuts a line mid-character: the subject and body stay UTF-8 (one U+FFFD
    # each), not cp1252 mojibake, so the subject still says 投诉 and the case is a complaint.
    _, folder = mailbox
    received = receive_verified(app, corpus("gateway_cut_utf8.eml"))
    assert received.outcome == MailOutcome.REGISTERED and received.case_number.startswith("TS-")
    case = app.store.get_case(received.case_number)
    assert case.kind == C and case.subject == "投诉 关于物业\ufffd"
    assert case.description == "物业公司每月多收停车费 200 元，\n举报内容\ufffd"
    notes = [e.text for e in events(app, case.number, EventType.NOTE)]
    assert any("subject" in n and "U+FFFD" in n for n in notes)
    assert any("text" in n and "U+FFFD" in n for n in notes)
    deliver(app)
    [ack] = read_mailbox(folder)
    assert "我们已收到您的投诉" in ack.get_body(("plain",)).get_content()


def test_a_message_forwarded_as_an_attachment_is_kept_as_one_eml(app):
    inner = plain(subject="您的账户已冻结", body="请立即转账 5000 元")
    outer = plain(subject="Fw: 诈骗邮件", body="请看附件里的诈骗邮件。")
    outer.add_attachment(inner)
    received = receive_verified(app, outer.as_bytes())
    case = app.store.get_case(received.case_number)
    assert case.description == "请看附件里的诈骗邮件。"
    [attachment] = case.attachments
    assert attachment.filename == "您的账户已冻结.eml"
    assert attachment.content_type == "message/rfc822"


# -- bad input: each gets a clear outcome, never an exception --------------------------------------

def test_malformed_mime_keeps_what_can_be_read_with_a_note(app):
    raw = (b"From: bad@example.com\r\nTo: report@example.com\r\nSubject: broken\r\n"
           b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\n\xe8\xbf\x98\xe8\x83\xbd\xe8\xaf\xbb\r\n"
           b"--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64")
    received = receive_verified(app, raw)
    assert received.outcome == MailOutcome.REGISTERED
    case = app.store.get_case(received.case_number)
    assert "还能读" in case.description
    assert any("malformed MIME" in e.text for e in events(app, case.number, EventType.NOTE))


@pytest.mark.slow
def test_a_30_mb_message_keeps_its_text_and_drops_the_huge_file(app, mailbox):
    _, folder = mailbox
    message = plain(body="附件是 23MB 的录像（邮件约 31MB）。")
    message.add_attachment(b"\x00\x00\x00\x18ftypmp42" + bytes(23 * 1024 * 1024),
                           maintype="video", subtype="mp4", filename="录像.mp4")
    raw = message.as_bytes()
    assert len(raw) > 30 * 1024 * 1024
    received = receive_verified(app, raw)
    assert received.outcome == MailOutcome.REGISTERED
    case = app.store.get_case(received.case_number)
    assert case.description == "附件是 23MB 的录像（邮件约 31MB）。" and case.attachments == []
    [dropped] = events(app, case.number, EventType.ATTACHMENT_DROPPED)
    assert dropped.text.startswith("录像.mp4 (file_too_large")
    deliver(app)
    assert "录像.mp4" in read_mailbox(folder)[0].get_body(("plain",)).get_content()


def test_a_message_over_the_limit_is_refused_and_recorded(settings, clock, sqlite_store):
    app = build_services(dataclasses.replace(settings, max_message_bytes=100_000),
                         store=sqlite_store, clock=clock)
    raw = plain(body="x" * 200_000).as_bytes()
    received = receive_verified(app, raw)
    assert received.outcome == MailOutcome.REJECTED and "too large" in received.detail
    [held] = app.store.held_mail(5)
    assert held.sender == "bad@example.com" and "too large" in held.reason
    assert receive_verified(app, raw).outcome == MailOutcome.DUPLICATE


def test_five_hundred_parts_are_read_up_to_a_limit_and_the_dropped_ones_summarised(app, mailbox):
    _, folder = mailbox
    message = plain(body="五百个附件")
    for i in range(500):
        message.add_attachment(f"part {i}".encode(), maintype="text", subtype="plain",
                               filename=f"{i}.txt")
    received = receive_verified(app, message.as_bytes())
    case = app.store.get_case(received.case_number)
    assert case.description == "五百个附件" and len(case.attachments) == 5
    notes = [e.text for e in events(app, case.number, EventType.NOTE)]
    assert "only the first 100 MIME parts were read" in notes
    # 98 attachment parts were read (the other two are the container and the text): 5 kept.
    [dropped] = events(app, case.number, EventType.ATTACHMENT_DROPPED)
    listed = [f"{i}.txt (too_many_files, {len(f'part {i}')} bytes)" for i in range(5, 25)]
    assert dropped.text == "; ".join(listed) + "; … (+73)"
    assert dropped.data["count"] == 93
    deliver(app)
    [ack] = read_mailbox(folder)
    body = ack.get_body(("plain",)).get_content()
    assert all(f"- {line}" in body for line in listed) and "25.txt" not in body
    assert "……另有 73 个附件未能接收" in body
    assert "另有 73 个附件未能接收" in ack.get_body(("html",)).get_content()


def test_a_zip_bomb_is_never_opened_only_dropped(app):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("inner.txt", b"0" * 10_000_000)
    message = plain(body="见压缩包")
    message.add_attachment(buffer.getvalue(), maintype="application", subtype="zip",
                           filename="42.zip")
    received = receive_verified(app, message.as_bytes())
    [dropped] = events(app, received.case_number, EventType.ATTACHMENT_DROPPED)
    assert dropped.text.startswith("42.zip (file_type_not_allowed")


def test_a_100_kb_header_is_cut_to_size(app):
    raw = ("From: bad@example.com\r\nTo: report@example.com\r\nSubject: " + "长" * 34_000 +
           "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n正文还在。\r\n").encode()
    assert len(raw) > 100_000
    received = receive_verified(app, raw)
    case = app.store.get_case(received.case_number)
    assert received.outcome == MailOutcome.REGISTERED and case.subject == "长" * 500
