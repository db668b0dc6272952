"""Email in the local stack, over real SMTP: a GBK message with an attachment to the report
address, the acknowledgment in the mailbox, a reply from a client that drops In-Reply-To joining
the same case, and an out-of-office reply that gets no answer."""
from __future__ import annotations

import smtplib
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from tests.support.local_stack import MTA_VERDICT, wait_for

pytestmark = [pytest.mark.slow]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def send(stack, message: EmailMessage, sender: str, recipient: str) -> None:
    with smtplib.SMTP("127.0.0.1", stack.inbound_smtp_port, timeout=10) as smtp:
        smtp.sendmail(sender, [recipient], message.as_bytes())


def mails_to(stack, address):
    found = []
    for path in stack.mailbox.glob("*.eml"):
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        if mail["To"] == address:
            found.append(mail)
    return found


def test_report_by_email_reply_without_threading_and_out_of_office(local_stack, page):
    report = EmailMessage()
    report["From"] = "小王 <87654321@qq.com>"
    report["To"] = "report@example.com"
    report["Subject"] = "举报：有人冒充客服诈骗"
    report["Message-ID"] = make_msgid(domain="qq.com")
    report["X-Mailer"] = "Foxmail 7.2"
    report["Authentication-Results"] = MTA_VERDICT  # what the operator's MTA adds
    report.set_content("有人冒充贵平台客服（朱镕基路店），要求转账 3000 元。截图见附件。",
                       charset="gbk")
    report.add_attachment(PNG, maintype="image", subtype="png", filename="转账截图.png")
    send(local_stack, report, "87654321@qq.com", "report@example.com")

    [ack] = wait_for(lambda: mails_to(local_stack, "87654321@qq.com"))
    number = ack["Subject"].rsplit("[", 1)[1].rstrip("]")
    body = ack.get_body(("plain",)).get_content()
    code = body.split("查询码: ")[1].split()[0]
    assert "朱镕基路店" in body and ack["In-Reply-To"] == report["Message-ID"]

    # QQMail: the reply goes to the plain address, keeps the subject, drops In-Reply-To.
    answer = EmailMessage()
    answer["From"] = "87654321@qq.com"
    answer["To"] = "report@example.com"
    answer["Subject"] = "回复：" + ack["Subject"]
    answer["Message-ID"] = make_msgid(domain="qq.com")
    answer["Authentication-Results"] = MTA_VERDICT  # verified: may join by the case number
    answer.set_content("他们刚才又打来电话了，号码 170 0000 0000。\n\n"
                       "------------------ 原始邮件 ------------------\n发件人: 举报中心",
                       charset="gb18030")
    send(local_stack, answer, "87654321@qq.com", "report@example.com")

    # An out-of-office reply from someone else must not be answered.
    away = EmailMessage()
    away["From"] = "zhoujie@corp.example.cn"
    away["To"] = "report@example.com"
    away["Subject"] = "自动回复: 休假中"
    away["Auto-Submitted"] = "auto-replied"
    away.set_content("我正在休假。")
    send(local_stack, away, "zhoujie@corp.example.cn", "report@example.com")

    def reply_on_case():
        page.goto(local_stack.base_url + "/case_status")
        page.get_by_label("案件编号").fill(number)
        page.get_by_label("查询码").fill(code)
        page.get_by_role("button", name="查询").click()
        return "号码 170 0000 0000" in page.locator("#timeline").inner_text()

    wait_for(reply_on_case, interval=0.5)
    timeline = page.locator("#timeline").inner_text()
    assert "您发来了补充邮件" in timeline and "原始邮件" not in timeline
    assert "转账截图.png" in page.content()
    wait_for(lambda: "auto" in local_stack.log.read_text())  # the stack logged the held mail
    assert mails_to(local_stack, "zhoujie@corp.example.cn") == []
    assert len(mails_to(local_stack, "87654321@qq.com")) == 1
