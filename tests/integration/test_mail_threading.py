"""Email intake: which case a message joins (a reply token, our Message-IDs, a case number from
its reporter) and that strangers, spoofed senders and unverified senders never join one."""
from __future__ import annotations

from email.message import EmailMessage

from shared.domain.cases import EventType
from shared.domain.reply_tokens import reply_address
from shared.services.mail_intake import MailOutcome
from tests.support.inbound_mail import deliver, events, first_case, receive_verified, reply
from tests.support.mailbox import read_mailbox


def test_a_reply_to_the_token_address_joins_its_case(app, mailbox, settings):
    number = first_case(app)
    token_address = reply_address("report@example.com", settings.reply_key, number)
    received = receive_verified(app, reply(token_address, "87654321@qq.com", "回复：收到",
                                           "他们又发了新帖。\n\n------------------ 原始邮件 "
                                           "------------------\n> 旧内容"))
    assert (received.outcome, received.case_number) == (MailOutcome.JOINED, number)
    [event] = events(app, number, EventType.REPORTER_REPLIED)
    assert event.text == "他们又发了新帖。"  # the quoted history is trimmed
    assert event.data["raw"].startswith("mail/")  # the whole message is kept


def test_a_forged_token_does_not_join(app, mailbox):
    number = first_case(app)
    forged = f"report+{number.replace('-', '').lower()}.aaaaaaaaaaaaaaaa@example.com"
    received = receive_verified(app, reply(forged, "mallory@example.net", "hi", "let me in"))
    assert received.outcome == MailOutcome.REGISTERED and received.case_number != number


def test_a_reply_that_keeps_references_joins_by_message_id(app, mailbox):
    _, folder = mailbox
    number = first_case(app)
    [ack] = read_mailbox(folder)
    received = receive_verified(app, reply("report@example.com", "friend@163.com", "Re: 举报",
                                           "我是他朋友，补充一个链接。",
                                           In_Reply_To=ack["Message-ID"],
                                           References=ack["Message-ID"]))
    assert (received.outcome, received.case_number) == (MailOutcome.JOINED, number)


def test_qqmail_reply_without_threading_headers_joins_by_case_number_from_its_reporter(
        app, mailbox):
    number = first_case(app)
    received = receive_verified(app, reply("report@example.com", "87654321@qq.com",
                                           f"回复：Re: 举报 [{number}]", "还有这个账号也在发。"))
    assert (received.outcome, received.case_number) == (MailOutcome.JOINED, number)


def test_a_case_number_right_after_chinese_text_is_found(app, mailbox):
    number = first_case(app)
    received = receive_verified(app, reply("report@example.com", "87654321@qq.com",
                                           f"关于案件{number}的补充", "补充内容"))
    assert received.case_number == number


def test_forwarded_evidence_in_a_follow_up_is_kept(app, mailbox, settings):
    number = first_case(app)
    text = ("补充证据如下：\n\n---------- Forwarded message ---------\nFrom: 骗子 <x@evil.com>\n"
            "请立即转账")
    receive_verified(app, reply(reply_address("report@example.com", settings.reply_key, number),
                                "87654321@qq.com", "补充", text))
    [event] = events(app, number, EventType.REPORTER_REPLIED)
    assert "请立即转账" in event.text


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
    assert receive_verified(app, message.as_bytes()).outcome == MailOutcome.JOINED
    deliver(app)
    notice = next(m for m in read_mailbox(folder) if "部分附件未能接收" in m["Subject"])
    text = notice.get_body(("plain",)).get_content()
    assert "证据.exe" in text
    assert "提交时显示" not in text and "登记通知邮件中的查询码" in text  # not in this mail
    assert notice["In-Reply-To"] == "<with-exe@qq.com>"


# -- strangers and spoofs never join (from review) -------------------------------------------------

def test_a_stranger_quoting_a_case_number_opens_a_new_case_and_learns_nothing(app, mailbox):
    _, folder = mailbox
    number = first_case(app)
    received = receive_verified(app, reply("report@example.com", "stranger@example.net",
                                           f"About {number}", "What is the status of this?"))
    assert received.outcome == MailOutcome.REGISTERED and received.case_number != number
    assert events(app, number, EventType.REPORTER_REPLIED) == []
    deliver(app)
    answer = next(m for m in read_mailbox(folder) if m["To"] == "stranger@example.net")
    text = answer.get_body(("plain",)).get_content()
    assert "赌博" not in text and "财神到888" not in text  # nothing of the old case
    assert received.case_number in answer["Subject"]  # only the stranger's own new case


def test_a_display_name_that_looks_like_the_reporter_does_not_join(app, mailbox):
    number = first_case(app)
    spoof = reply("report@example.com", "87654321@qq.com <att@evil.com>", f"Re: {number}",
                  "I withdraw my complaint.")
    received = receive_verified(app, spoof)
    assert received.case_number != number
    assert events(app, number, EventType.REPORTER_REPLIED) == []


def test_a_stranger_replying_to_the_reporters_message_opens_a_new_case(app, mailbox):
    number = first_case(app)
    cc_reply = reply("report@example.com", "att@evil.com", "Re: 举报", "Injected text.",
                     In_Reply_To="<tencent_2B1C0A4D5E6F7A8B9C0D1E2F@qq.com>")
    received = receive_verified(app, cc_reply)
    assert received.outcome == MailOutcome.REGISTERED and received.case_number != number
    own = reply("report@example.com", "87654321@qq.com", "Re: 举报", "我自己补充。",
                In_Reply_To="<tencent_2B1C0A4D5E6F7A8B9C0D1E2F@qq.com>")
    assert receive_verified(app, own).case_number == number


def test_an_unverified_sender_gets_no_acknowledgment_and_cannot_join_by_number(app, mailbox):
    number = first_case(app)
    spoofed = reply("report@example.com", "87654321@qq.com", f"Re: [{number}]", "withdraw",
                    message_id="<spoofed@evil.com>")
    received = app.mail_intake.receive(spoofed, sender_verified=False)
    assert received.outcome == MailOutcome.REGISTERED and received.case_number != number
    assert app.delivery.deliver_due() == []
    skipped = events(app, received.case_number, EventType.ACKNOWLEDGMENT_SKIPPED)
    assert "SPF" in skipped[0].text
