"""Email intake with real SQLite, a real SMTP server for the replies, and mail from a corpus that
looks like what QQMail, Foxmail, 163, Outlook, Apple Mail, Gmail and phones really send."""
from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from shared.bootstrap import build_services
from shared.domain.cases import Channel, EventType, Kind
from shared.domain.reply_tokens import derived_access_code, reply_address
from shared.services.mail_intake import MailOutcome
from tests.support.mailbox import read_mailbox
from tests.support.timeline import events_of

CORPUS = Path(__file__).parent.parent / "mail_corpus"


def corpus(name: str, **replacements) -> bytes:
    raw = (CORPUS / name).read_bytes()
    for key, value in replacements.items():
        raw = raw.replace(("{%s}" % key.upper()).encode(), value.encode())
    return raw


def deliver(app):
    return app.delivery.deliver_due()


def events(app, number, kind):
    return [e for e in events_of(app.store, number) if e.type == kind]


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
])
def test_mail_from_every_client_becomes_a_readable_case(app, mailbox, name, subject, text, files,
                                                        kind):
    received = app.mail_intake.receive(corpus(name))
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
    complaint = app.mail_intake.receive(corpus("foxmail_gbk.eml"))  # 「投诉门店客服」
    english = app.mail_intake.receive(reply("report@example.com", "ann@example.org",
                                            "Order 1234", "I want to complain about the courier."))
    report = app.mail_intake.receive(corpus("qqmail_report.eml"))  # 「举报：…」
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
    received = app.mail_intake.receive(corpus("foxmail_gbk.eml"))
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
    received = app.mail_intake.receive(corpus("qqmail_report.eml"))
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


def reply(to: str, sender: str, subject: str, body: str, **headers) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", f"<reply-{abs(hash(body))}@qq.com>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body, charset="gb18030")
    return message.as_bytes()


def test_the_acknowledgment_is_a_registration_notice_that_says_where_the_code_is(app, mailbox):
    _, folder = mailbox
    app.mail_intake.receive(corpus("qqmail_report.eml"))
    app.mail_intake.receive(reply("report@example.com", "ann@example.org", "Scam account",
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


def first_case(app, name="qqmail_report.eml"):
    received = app.mail_intake.receive(corpus(name))
    deliver(app)
    return received.case_number


def test_a_reply_to_the_token_address_joins_its_case(app, mailbox, settings):
    number = first_case(app)
    token_address = reply_address("report@example.com", settings.reply_key, number)
    received = app.mail_intake.receive(reply(token_address, "87654321@qq.com", "回复：收到",
                                             "他们又发了新帖。\n\n------------------ 原始邮件 "
                                             "------------------\n> 旧内容"))
    assert (received.outcome, received.case_number) == (MailOutcome.JOINED, number)
    [event] = events(app, number, EventType.REPORTER_REPLIED)
    assert event.text == "他们又发了新帖。"  # the quoted history is trimmed
    assert event.data["raw"].startswith("mail/")  # the whole message is kept


def test_a_forged_token_does_not_join(app, mailbox):
    number = first_case(app)
    forged = f"report+{number.replace('-', '').lower()}.aaaaaaaaaaaaaaaa@example.com"
    received = app.mail_intake.receive(reply(forged, "mallory@example.net", "hi", "let me in"))
    assert received.outcome == MailOutcome.REGISTERED and received.case_number != number


def test_a_reply_that_keeps_references_joins_by_message_id(app, mailbox):
    _, folder = mailbox
    number = first_case(app)
    [ack] = read_mailbox(folder)
    received = app.mail_intake.receive(reply("report@example.com", "friend@163.com", "Re: 举报",
                                             "我是他朋友，补充一个链接。",
                                             In_Reply_To=ack["Message-ID"],
                                             References=ack["Message-ID"]))
    assert (received.outcome, received.case_number) == (MailOutcome.JOINED, number)


def test_qqmail_reply_without_threading_headers_joins_by_case_number_from_its_reporter(
        app, mailbox):
    number = first_case(app)
    received = app.mail_intake.receive(reply("report@example.com", "87654321@qq.com",
                                             f"回复：Re: 举报 [{number}]", "还有这个账号也在发。"))
    assert (received.outcome, received.case_number) == (MailOutcome.JOINED, number)


def test_a_stranger_quoting_a_case_number_opens_a_new_case_and_learns_nothing(app, mailbox):
    _, folder = mailbox
    number = first_case(app)
    received = app.mail_intake.receive(reply("report@example.com", "stranger@example.net",
                                             f"About {number}", "What is the status of this?"))
    assert received.outcome == MailOutcome.REGISTERED and received.case_number != number
    assert events(app, number, EventType.REPORTER_REPLIED) == []
    deliver(app)
    answer = next(m for m in read_mailbox(folder) if m["To"] == "stranger@example.net")
    text = answer.get_body(("plain",)).get_content()
    assert "赌博" not in text and "财神到888" not in text  # nothing of the old case
    assert received.case_number in answer["Subject"]  # only the stranger's own new case


def test_machines_are_never_answered_but_always_recorded(app, mailbox):
    _, folder = mailbox
    for name in ("out_of_office.eml", "mailing_list.eml"):
        assert app.mail_intake.receive(corpus(name)).outcome == MailOutcome.HELD
    assert deliver(app) == [] and read_mailbox(folder) == []
    held = app.store.held_mail(10)
    assert {h.sender for h in held} == {"zhoujie@corp.example.cn", "digest@lists.example.org"}
    assert all(h.raw_key.startswith("mail/") for h in held)


def test_an_out_of_office_reply_on_a_case_is_recorded_there_and_not_answered(app, mailbox,
                                                                             settings):
    _, folder = mailbox
    number = first_case(app)
    token_address = reply_address("report@example.com", settings.reply_key, number)
    auto = reply(token_address, "87654321@qq.com", "自动回复", "我在休假", Auto_Submitted="auto-replied")
    received = app.mail_intake.receive(auto)
    assert (received.outcome, received.case_number) == (MailOutcome.JOINED, number)
    assert len(events(app, number, EventType.AUTOMATED_MAIL_RECEIVED)) == 1
    assert deliver(app) == [] and len(read_mailbox(folder)) == 1  # only the first acknowledgment


def test_our_own_mail_coming_back_is_never_answered(app, mailbox):
    own = reply("report@example.com", "report@example.com", "loop?", "我们自己的邮件")
    assert app.mail_intake.receive(own).outcome == MailOutcome.HELD
    assert deliver(app) == []


def test_a_bounce_marks_our_message_failed_and_the_reporter_unreachable(app, mailbox, settings):
    _, folder = mailbox
    number = first_case(app)
    [ack] = read_mailbox(folder)
    received = app.mail_intake.receive(corpus("dsn_bounce.eml", our_message_id=ack["Message-ID"]))
    assert (received.outcome, received.case_number) == (MailOutcome.BOUNCE_RECORDED, number)
    case = app.store.get_case(number)
    assert case.reporter_unreachable
    assert events(app, number, EventType.MAIL_BOUNCED)[0].text.startswith("5.1.1")
    outbox_id = ack["Message-ID"].strip("<>").split("@")[0]
    assert app.store.get_outbox(outbox_id).status.value == "failed"
    code = derived_access_code(settings.reply_key, number)
    public = [e.type for e in app.status.look_up(number, code, "c").timeline]
    assert EventType.MAIL_BOUNCED in public


def test_a_bounce_for_no_message_of_ours_is_held_and_opens_no_case(app):
    received = app.mail_intake.receive(corpus("dsn_bounce.eml", our_message_id="<x@elsewhere>"))
    assert received.outcome == MailOutcome.HELD
    assert app.store.held_mail(1)[0].reason.startswith("delivery report")


def test_the_same_message_twice_registers_once(app, mailbox):
    raw = corpus("163_complaint.eml")
    first = app.mail_intake.receive(raw)
    assert app.mail_intake.receive(raw).outcome == MailOutcome.DUPLICATE
    without_id = b"\r\n".join(line for line in raw.split(b"\r\n")
                                if not line.startswith(b"Message-ID"))
    assert app.mail_intake.receive(without_id).outcome == MailOutcome.REGISTERED
    assert app.mail_intake.receive(without_id).outcome == MailOutcome.DUPLICATE
    assert len(deliver(app)) == 2 and first.outcome == MailOutcome.REGISTERED


def test_acknowledgments_per_sender_are_limited(settings, mailbox, clock, sqlite_store):
    port, folder = mailbox
    app = build_services(dataclasses.replace(settings, smtp_port=port,
                                             acknowledgments_per_sender_per_hour=2),
                         store=sqlite_store, clock=clock)
    outcomes = [app.mail_intake.receive(reply("report@example.com", "flood@example.net",
                                              f"report {i}", f"内容 {i}")) for i in range(4)]
    assert {o.outcome for o in outcomes} == {MailOutcome.REGISTERED}
    deliver(app)
    assert len(read_mailbox(folder)) == 2
    skipped = events(app, outcomes[-1].case_number, EventType.ACKNOWLEDGMENT_SKIPPED)
    assert len(skipped) == 1
    clock.advance(timedelta(hours=1))
    app.mail_intake.receive(reply("report@example.com", "flood@example.net", "later", "新的"))
    deliver(app)
    assert len(read_mailbox(folder)) == 3


class CopiesInFlight:
    """The real store, with every registration held back until `copies` of them have arrived:
    the interleaving in which all redelivered copies pass the duplicate check before one is
    written (SNS retrying while SMTP delivers, or two workers on one notification)."""

    def __init__(self, store, copies: int):
        self._store = store
        self.barrier: threading.Barrier | None = threading.Barrier(copies)

    def register(self, *args, **kwargs):
        if self.barrier is not None:
            self.barrier.wait(timeout=60)  # a safety net for a broken test, not a timing
        return self._store.register(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._store, name)


def test_redelivered_copies_do_not_use_up_the_senders_acknowledgments(settings, mailbox, clock,
                                                                        store):
    port, folder = mailbox
    in_flight = CopiesInFlight(store, copies=6)
    app = build_services(dataclasses.replace(settings, smtp_port=port), store=in_flight,
                         clock=clock)
    copy = reply("report@example.com", "busy@example.net", "举报 1", "第一封", message_id="<one@x>")
    with ThreadPoolExecutor(6) as pool:
        outcomes = sorted(r.outcome for r in pool.map(app.mail_intake.receive, [copy] * 6))
    assert outcomes == [MailOutcome.DUPLICATE] * 5 + [MailOutcome.REGISTERED]
    in_flight.barrier = None
    others = [app.mail_intake.receive(reply("report@example.com", "busy@example.net",
                                            f"举报 {i}", f"第 {i} 封")) for i in range(2, 6)]
    assert {o.outcome for o in others} == {MailOutcome.REGISTERED}
    deliver(app)
    assert len(read_mailbox(folder)) == 5  # one per distinct message, the hourly limit


def test_a_reply_with_a_dropped_file_is_answered_with_that_line(app, mailbox, settings):
    _, folder = mailbox
    number = first_case(app)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = (
        "87654321@qq.com", reply_address("report@example.com", settings.reply_key, number), "补充")
    message["Message-ID"] = "<with-exe@qq.com>"
    message.set_content("补充材料见附件")
    message.add_attachment(b"MZ" + bytes(100), maintype="application", subtype="octet-stream",
                           filename="证据.exe")
    assert app.mail_intake.receive(message.as_bytes()).outcome == MailOutcome.JOINED
    deliver(app)
    notice = next(m for m in read_mailbox(folder) if "部分附件未能接收" in m["Subject"])
    text = notice.get_body(("plain",)).get_content()
    assert "证据.exe" in text
    assert "提交时显示" not in text and "登记通知邮件中的查询码" in text  # not in this mail
    assert notice["In-Reply-To"] == "<with-exe@qq.com>"


# -- bad input: each gets a clear outcome, never an exception ------------------------------------

def plain(subject="坏邮件", body="正文还在。", **headers) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "bad@example.com", "report@example.com", subject
    for name, value in headers.items():
        message[name] = value
    message.set_content(body)
    return message


def test_malformed_mime_keeps_what_can_be_read_with_a_note(app):
    raw = (b"From: bad@example.com\r\nTo: report@example.com\r\nSubject: broken\r\n"
           b"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\n\xe8\xbf\x98\xe8\x83\xbd\xe8\xaf\xbb\r\n"
           b"--b\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64")
    received = app.mail_intake.receive(raw)
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
    received = app.mail_intake.receive(raw)
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
    received = app.mail_intake.receive(raw)
    assert received.outcome == MailOutcome.REJECTED and "too large" in received.detail
    [held] = app.store.held_mail(5)
    assert held.sender == "bad@example.com" and "too large" in held.reason
    assert app.mail_intake.receive(raw).outcome == MailOutcome.DUPLICATE


def test_five_hundred_parts_are_read_up_to_a_limit_and_the_dropped_ones_summarised(app, mailbox):
    _, folder = mailbox
    message = plain(body="五百个附件")
    for i in range(500):
        message.add_attachment(f"part {i}".encode(), maintype="text", subtype="plain",
                               filename=f"{i}.txt")
    received = app.mail_intake.receive(message.as_bytes())
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
    received = app.mail_intake.receive(message.as_bytes())
    [dropped] = events(app, received.case_number, EventType.ATTACHMENT_DROPPED)
    assert dropped.text.startswith("42.zip (file_type_not_allowed")


def test_a_100_kb_header_is_cut_to_size(app):
    raw = ("From: bad@example.com\r\nTo: report@example.com\r\nSubject: " + "长" * 34_000 +
           "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n正文还在。\r\n").encode()
    assert len(raw) > 100_000
    received = app.mail_intake.receive(raw)
    case = app.store.get_case(received.case_number)
    assert received.outcome == MailOutcome.REGISTERED and case.subject == "长" * 500


# -- attacks and awkward clients (from review) -----------------------------------------------------

def test_a_forged_dsn_quoting_the_reporters_own_message_id_changes_nothing(app, mailbox):
    number = first_case(app)
    forged = corpus("dsn_bounce.eml", our_message_id="<tencent_2B1C0A4D5E6F7A8B9C0D1E2F@qq.com>")
    assert app.mail_intake.receive(forged).outcome == MailOutcome.HELD
    assert not app.store.get_case(number).reporter_unreachable


def test_a_report_without_a_failed_action_is_no_bounce(app, mailbox):
    _, folder = mailbox
    first_case(app)
    [ack] = read_mailbox(folder)
    delayed = corpus("dsn_bounce.eml", our_message_id=ack["Message-ID"]).replace(
        b"Action: failed", b"Action: delayed")
    assert app.mail_intake.receive(delayed).outcome == MailOutcome.HELD


def test_a_display_name_that_looks_like_the_reporter_does_not_join(app, mailbox):
    number = first_case(app)
    spoof = reply("report@example.com", "87654321@qq.com <att@evil.com>", f"Re: {number}",
                  "I withdraw my complaint.")
    received = app.mail_intake.receive(spoof)
    assert received.case_number != number
    assert events(app, number, EventType.REPORTER_REPLIED) == []


def test_a_stranger_replying_to_the_reporters_message_opens_a_new_case(app, mailbox):
    number = first_case(app)
    cc_reply = reply("report@example.com", "att@evil.com", "Re: 举报", "Injected text.",
                     In_Reply_To="<tencent_2B1C0A4D5E6F7A8B9C0D1E2F@qq.com>")
    received = app.mail_intake.receive(cc_reply)
    assert received.outcome == MailOutcome.REGISTERED and received.case_number != number
    own = reply("report@example.com", "87654321@qq.com", "Re: 举报", "我自己补充。",
                In_Reply_To="<tencent_2B1C0A4D5E6F7A8B9C0D1E2F@qq.com>")
    assert app.mail_intake.receive(own).case_number == number


def test_a_null_sender_is_never_answered(app):
    received = app.mail_intake.receive(reply("report@example.com", "someone@example.org",
                                             "Out of office", "away"), envelope_sender="<>")
    assert received.outcome == MailOutcome.HELD and app.delivery.deliver_due() == []


def test_a_case_number_right_after_chinese_text_is_found(app, mailbox):
    number = first_case(app)
    received = app.mail_intake.receive(reply("report@example.com", "87654321@qq.com",
                                             f"关于案件{number}的补充", "补充内容"))
    assert received.case_number == number


def test_forwarded_evidence_in_a_follow_up_is_kept(app, mailbox, settings):
    number = first_case(app)
    text = ("补充证据如下：\n\n---------- Forwarded message ---------\nFrom: 骗子 <x@evil.com>\n"
            "请立即转账")
    app.mail_intake.receive(reply(reply_address("report@example.com", settings.reply_key, number),
                                  "87654321@qq.com", "补充", text))
    [event] = events(app, number, EventType.REPORTER_REPLIED)
    assert "请立即转账" in event.text


def test_an_unverified_sender_gets_no_acknowledgment_and_cannot_join_by_number(app, mailbox):
    number = first_case(app)
    spoofed = reply("report@example.com", "87654321@qq.com", f"Re: [{number}]", "withdraw",
                    message_id="<spoofed@evil.com>")
    received = app.mail_intake.receive(spoofed, sender_verified=False)
    assert received.outcome == MailOutcome.REGISTERED and received.case_number != number
    assert app.delivery.deliver_due() == []
    skipped = events(app, received.case_number, EventType.ACKNOWLEDGMENT_SKIPPED)
    assert "SPF" in skipped[0].text


def test_a_message_forwarded_as_an_attachment_is_kept_as_one_eml(app):
    inner = plain(subject="您的账户已冻结", body="请立即转账 5000 元")
    outer = plain(subject="Fw: 诈骗邮件", body="请看附件里的诈骗邮件。")
    outer.add_attachment(inner)
    received = app.mail_intake.receive(outer.as_bytes())
    case = app.store.get_case(received.case_number)
    assert case.description == "请看附件里的诈骗邮件。"
    [attachment] = case.attachments
    assert attachment.filename == "您的账户已冻结.eml"
    assert attachment.content_type == "message/rfc822"
