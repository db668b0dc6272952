"""The mail parser: whatever arrives, it never raises and never loses the text."""
from __future__ import annotations

import base64
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.typed_text import without_controls
from shared.services.automated_mail import automated_reason
from shared.services.mail_parsing import decode_bytes, decode_header_value, parse_mail
from shared.services.quoted_text import trim_quoted

CORPUS = Path(__file__).parent.parent / "mail_corpus"
OWN = frozenset({"report@example.com"})


def test_gb2312_labels_are_read_as_gb18030():
    text = "朱镕基路、啰嗦、赟"  # characters GB2312 does not have
    assert decode_bytes(text.encode("gbk"), "gb2312") == (text, True)
    assert decode_bytes(text.encode("gb18030"), "GBK")[0] == text


def test_wrong_or_unknown_labels_fall_back_without_loss():
    text = "有人在评论区发布淫秽链接"
    assert decode_bytes(text.encode("utf-8"), "x-unknown-charset") == (text, False)
    assert decode_bytes(text.encode("utf-8"), "iso-8859-1") == (text, False)
    assert decode_bytes("评论".encode("utf-8"), "iso-8859-1") == ("评论", False)  # no bad byte
    assert decode_bytes("café".encode("cp1252"), "iso-8859-1") == ("café", True)
    assert decode_bytes(text.encode("gb18030"), None)[0] == text


def test_encoded_words_broken_words_and_raw_8bit_headers():
    assert decode_header_value("=?gb2312?B?1tDOxA==?= =?utf-8?q?a_b?=") == "中文a b"
    assert decode_header_value("=?gb2312?B?broken!!?= ok") == "=?gb2312?B?broken!!?= ok"
    raw8 = "直播间".encode("utf-8").decode("ascii", "surrogateescape")
    assert decode_header_value(raw8) == "直播间"
    assert len(decode_header_value("x" * 200_000)) == 2000


def test_quoted_history_is_trimmed_from_replies():
    qq = "补充一下截图。\n\n------------------ 原始邮件 ------------------\n发件人: 举报中心"
    outlook = "新的情况\n\n发件人: 举报中心 <report@example.com>\n发送时间: 2026年11月28日\n收件人: 我"
    gmail = "Thanks\n\nOn Sat, 28 Nov 2026 at 10:00, Desk <r@example.com> wrote:\n> hi"
    apple = "好的\n\n在 2026年11月28日，举报中心 <report@example.com> 写道：\n> 已收到"
    assert [trim_quoted(t) for t in (qq, outlook, gmail, apple)] == [
        "补充一下截图。", "新的情况", "Thanks", "好的"]
    assert trim_quoted("> only quoted") == "> only quoted"  # never empty a message


def test_what_machines_write_is_recognised():
    def reason(name, **kw):
        return automated_reason(parse_mail((CORPUS / name).read_bytes()), OWN, "example.com", **kw)

    assert reason("out_of_office.eml").startswith("Auto-Submitted")
    assert reason("mailing_list.eml") == "Precedence: list"
    assert reason("dsn_bounce.eml") != ""
    assert reason("qqmail_report.eml") == ""
    assert reason("qqmail_report.eml", envelope_sender="") == "empty Return-Path"


def _message(body: str, charset: str, subject: str) -> bytes:
    message = EmailMessage()
    message["From"] = "someone@example.com"
    message["To"] = "report@example.com"
    message["Subject"] = subject
    message.set_content(body, charset=charset)
    return message.as_bytes()


@settings(max_examples=150, deadline=None)
@given(body=st.text(min_size=1, max_size=400).filter(lambda t: t.strip()),
       charset=st.sampled_from(["utf-8", "gb18030"]),
       subject=st.text(max_size=80))
def test_the_body_text_is_never_lost(body, charset, subject):
    try:
        raw = _message(body, charset, subject.replace("\r", " ").replace("\n", " "))
    except (UnicodeEncodeError, ValueError):
        return  # not representable in that charset: nothing to test
    mail = parse_mail(raw)
    visible = without_controls(body)  # controls and direction overrides go (`typed_text`)
    expected = " ".join(visible.replace("\r\n", "\n").replace("\r", "\n").split())
    assert " ".join(mail.text.split()) == expected


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise(raw):
    mail = parse_mail(raw)
    assert isinstance(mail.text, str) and mail.size == len(raw)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    b"Content-Type: multipart/mixed; boundary=x\r\n", b"--x\r\n", b"--x--\r\n",
    b"Content-Transfer-Encoding: base64\r\n", b"Content-Type: text/plain; charset=gb2312\r\n",
    b"Subject: =?gb2312?B?1tDOxA?=\r\n", b"\r\n", b"\xd6\xd0\xce\xc4\r\n", b"=?utf-8?q?=E4?=\r\n",
    b"Content-Type: message/rfc822\r\n", b"Content-Disposition: attachment; filename*=gbk''%D6\r\n",
    base64.b64encode("正文".encode()) + b"\r\n"]), max_size=40))
def test_mime_shaped_garbage_never_raises(lines):
    parse_mail(b"".join(lines))


def test_undefined_and_escape_charsets_fall_back_instead_of_raising():
    raw = (b"From: a@example.com\r\nSubject: =?undefined?B?5Lit?=\r\n"
           b"Content-Type: text/plain; charset=undefined\r\n\r\n\xe4\xb8\xad\xe6\x96\x87")
    mail = parse_mail(raw)
    assert (mail.subject, mail.text) == ("中", "中文")
    assert decode_bytes(b"\\u4e2d", "unicode_escape")[0] == "\\u4e2d"


def test_html_without_closing_head_keeps_its_text():
    from shared.services.html_text import html_to_text

    assert html_to_text("<html><head><meta charset=utf-8><body><p>举报内容：诈骗</p>") == \
        "举报内容：诈骗"
    assert html_to_text("<html><head><title>t<body><p>正文</p><script>x()</script>") == "正文"


def test_inline_text_with_a_file_name_is_the_body():
    body = base64.b64encode("正文内容".encode("gbk"))
    raw = (b"From: a@example.com\r\nContent-Type: text/plain; charset=gbk; name=body.txt\r\n"
           b"Content-Disposition: inline; filename=body.txt\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\n" + body)
    mail = parse_mail(raw)
    assert mail.text == "正文内容" and mail.attachments == []


def test_the_sender_is_the_angle_bracketed_mailbox_or_nobody():
    def sender(value: bytes):
        mail = parse_mail(b"From: " + value + b"\r\n\r\nx")
        return mail.from_name, mail.from_address

    assert sender(b"victim@qq.com <att@evil.com>") == ("victim@qq.com", "att@evil.com")
    assert sender(b"<victim@qq.com>, <att@evil.com>") == ("", "")
    assert sender(b"a@b.com, c@d.com") == ("", "")
    assert sender(b'"=?gb18030?B?0KHN9Q==?=" <87654321@qq.com>') == ("小王", "87654321@qq.com")
    assert sender(b"MAILER-DAEMON@mx.example.net (Mail Delivery System)") == (
        "Mail Delivery System", "mailer-daemon@mx.example.net")


@pytest.mark.parametrize("value, expected", [
    ("王喆@qq.com".encode(), ("", "")),  # raw UTF-8: a mailbox name we cannot send to
    ('"小王" <王喆@qq.com>'.encode(), ("", "")),
    ("王喆".encode("gb18030") + b"@qq.com", ("", "")),  # raw bytes that are not UTF-8
    (b"=?utf-8?B?546L5ZaGQHFxLmNvbQ==?=", ("", "")),  # an encoded word is no address
    (b"<=?us-ascii?Q?bob?=@qq.com>", ("", "")),
    ("小王 <Wang@例子.中国>".encode(), ("小王", "wang@xn--fsqu00a.xn--fiqs8s")),  # punycode
    ("小王 <wang@qq.com>".encode(), ("小王", "wang@qq.com")),  # a raw 8-bit name is read
    ("wang@bad..中国".encode(), ("", "")),  # a domain IDNA refuses
])
def test_the_sender_is_an_address_we_can_answer_in_ascii(value, expected):
    mail = parse_mail(b"From: " + value + b"\r\n\r\nx")
    assert (mail.from_name, mail.from_address) == expected
    assert mail.from_address.isascii()


def test_gbk_attachment_names_keep_characters_gb2312_lacks():
    # Foxmail: RFC 2047 words labelled gb2312 inside filename=/name=; RFC 2231 continuations;
    # raw 8-bit GBK. 喆 is in GBK, not in GB2312.
    mail = parse_mail((CORPUS / "foxmail_gbk_attachment_names.eml").read_bytes())
    assert [a.filename for a in mail.attachments] == [
        "王喆被冒用的账号截图.jpg", "王喆身份证明.pdf", "喆哥聊天记录.png"]
    assert mail.from_name == "王喆" and "冒用我的名字王喆" in mail.text


def _with_attachment(disposition: bytes) -> bytes:
    return (b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n--b\r\n"
            b"Content-Type: application/pdf\r\nContent-Disposition: attachment; " + disposition +
            b"\r\n\r\n%PDF-1.4\r\n--b--\r\n")


@pytest.mark.parametrize("disposition, name", [
    (b'filename="=?GB2312?Q?=CD=F5=86=B4.pdf?="', "王喆.pdf"),
    (b"filename*=gbk''%CD%F5%86%B4.pdf", "王喆.pdf"),
    (b"filename*=''%E7%8E%8B%E5%96%86.pdf", "王喆.pdf"),  # no charset: UTF-8 first
    (b'filename="' + "王喆.pdf".encode() + b'"', "王喆.pdf"),  # raw 8-bit UTF-8
    (b'filename="\xcd\xf5\x86\xb4.pdf"', "王喆.pdf"),  # raw 8-bit GBK
    (b"filename=plain.pdf", "plain.pdf"),
    (b'filename="a \\"quoted\\" name.pdf"', 'a "quoted" name.pdf'),
    (b'filename*=utf-8\'\'%E4%B8%AD.pdf; filename="fallback.pdf"', "中.pdf"),  # RFC 2231 wins
])
def test_attachment_name_parameters_in_every_encoding(disposition, name):
    [attachment] = parse_mail(_with_attachment(disposition)).attachments
    assert attachment.filename == name


def test_a_name_only_in_content_type_is_read_the_same_way():
    word = "=?gb2312?B?" + base64.b64encode("王喆.pdf".encode("gbk")).decode() + "?="
    raw = (b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n--b\r\n"
           b'Content-Type: application/pdf; name="' + word.encode() + b'"\r\n\r\n%PDF-1.4\r\n--b--\r\n')
    assert [a.filename for a in parse_mail(raw).attachments] == ["王喆.pdf"]


@pytest.mark.parametrize("data, charset, text", [
    ("投诉 关于物业".encode() + b"\x80", None, "投诉 关于物业\ufffd"),  # a stray byte
    ("举报内容".encode() + b"\xa0", None, "举报内容\ufffd"),
    (b"\xff\xfe\xfd bad", "utf-8", "\ufffd\ufffd\ufffd bad"),  # declared UTF-8: never cp1252
    ("物业投诉".encode()[:10], None, "物业投\ufffd"),  # cut mid-character: GB18030 would "decode" it
    ("投诉".encode() + b"\x80", None, "投诉\ufffd"),  # short, but no GB18030 or Big5 either
    ("投诉 关于物业".encode() + b"\x80", "iso-8859-1", "投诉 关于物业\ufffd"),
    ("投诉 关于物业".encode() + b"\x80", "gb2312", "投诉 关于物业\ufffd"),  # the label fails
])
def test_utf8_with_a_few_bad_bytes_stays_utf8(data, charset, text):
    assert decode_bytes(data, charset) == (text, False)


@pytest.mark.parametrize("text", ["中文", "朱镕基路、啰嗦、赟", "有人在评论区发布淫秽链接，请处理。",
                                  "投诉门店客服 关于物业费 2026年11月", "王喆", "退款299元"])
def test_gbk_and_big5_are_not_taken_for_damaged_utf8(text):
    assert decode_bytes(text.encode("gbk"), None)[0] == text
    traditional = text.replace("门", "門").replace("评论", "評論")
    try:
        data = traditional.encode("big5")
    except UnicodeEncodeError:
        return
    assert decode_bytes(data, "big5")[0] == traditional


def test_a_damaged_utf8_subject_and_body_keep_their_text_and_say_so():
    raw = (b"From: a@example.com\r\nSubject: " + "投诉 关于物业".encode() + b"\x80\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
           + "物业乱收费，".encode() + b"\xe6\x8a\r\n")
    mail = parse_mail(raw)
    assert mail.subject == "投诉 关于物业\ufffd"
    assert mail.text == "物业乱收费，\ufffd"
    assert any("U+FFFD" in note and "subject" in note for note in mail.notes)
    assert any("U+FFFD" in note and "text" in note for note in mail.notes)


def test_damaged_utf8_names_are_read_as_utf8():
    name = "举报截图".encode() + b"\x80"
    raw = (b"From: " + "王芳".encode() + b"\xa0 <wang@qq.com>\r\n"
           b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nbody\r\n--b\r\n"
           b'Content-Type: application/pdf\r\nContent-Disposition: attachment; filename="' + name +
           b'.pdf"\r\n\r\n%PDF-1.4\r\n--b--\r\n')
    mail = parse_mail(raw)
    assert mail.from_name == "王芳\ufffd" and mail.from_address == "wang@qq.com"
    assert [a.filename for a in mail.attachments] == ["举报截图\ufffd.pdf"]


@pytest.mark.parametrize("headers", [
    b"From: Someone <victim@qq.com>\r\nFrom: other@evil.com\r\n",
    b"From: victim@qq.com\r\nfrom: other@evil.com\r\n",
    b"From: victim@qq.com\r\nFrom : other@evil.com\r\n",  # obsolete syntax: space before the colon
    b"From : other@evil.com\r\nFrom: victim@qq.com\r\n",  # the parser's mbox "envelope" line
    b"From: victim@qq.com\r\nFrom\t: other@evil.com\r\n",  # the parser's start of the body
])
def test_several_from_headers_are_no_sender(headers):
    mail = parse_mail(headers + b"Subject: x\r\n\r\nbody")
    assert (mail.from_name, mail.from_address) == ("", "")


def test_the_subject_and_text_lose_controls_and_direction_overrides():
    message = EmailMessage()
    message["From"], message["To"] = "a@example.com", "report@example.com"
    message["Subject"] = "投诉\u202e订单\x07\t退款"
    message.set_content("订单没有\x1b[31m发货\u2067\n第二行")
    mail = parse_mail(message.as_bytes())
    assert mail.subject == "投诉订单 退款"
    assert mail.text.strip() == "订单没有[31m发货\n第二行"
