"""A person in a real browser against the local stack: files a complaint and an anonymous report,
finds both acknowledgments as .eml files, and looks both cases up."""
from __future__ import annotations

import sqlite3
from email import message_from_bytes, policy

import pytest

from tests.support.local_stack import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def mail_for(stack, number):
    for path in stack.mailbox.glob("*.eml"):
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        if number in mail["Subject"]:
            return mail
    return None


def file_complaint(page, stack, tmp_path):
    page.goto(stack.base_url + "/submit_form")
    page.get_by_role("link", name="投诉（对服务或产品不满意）").click()
    page.get_by_label("类别").select_option("service")
    page.get_by_label("投诉或举报对象").fill("订单 20261128-3456")
    page.get_by_label("详细情况").fill("客服承诺 48 小时内退款，已过去一周仍未到账。")
    page.get_by_label("您希望如何处理").fill("尽快退款")
    page.get_by_label("姓名").fill("韩梅梅")
    page.get_by_label("电子邮箱").fill("hanmeimei@example.com")
    evidence = tmp_path / "退款截图.png"
    evidence.write_bytes(PNG)
    page.get_by_label("附件（证据）").set_input_files(str(evidence))
    page.get_by_role("button", name="提交").click()
    page.get_by_role("heading", name="提交成功").wait_for()
    return page.locator("#case-number").inner_text(), page.locator("#access-code").inner_text()


def file_anonymous_report(page, stack):
    page.goto(stack.base_url + "/submit_form?kind=report")
    page.get_by_label("类别").select_option("harmful_rumours")
    page.get_by_label("投诉或举报对象").fill("https://bbs.example.com/thread/42")
    page.get_by_label("详细情况").fill("该帖捏造“自来水被污染”的谣言，已被转发上千次。")
    page.get_by_label("匿名举报（不记录姓名和电话）").check()
    page.get_by_label("电子邮箱").fill("whistle@example.com")
    page.get_by_label("我保证所举报内容属实", exact=False).check()
    page.get_by_role("button", name="提交").click()
    page.get_by_role("heading", name="提交成功").wait_for()
    return page.locator("#case-number").inner_text(), page.locator("#access-code").inner_text()


def look_up(page, stack, number, code):
    page.goto(stack.base_url + "/case_status")
    page.get_by_label("案件编号").fill(number)
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()


def test_complaint_and_anonymous_report_from_form_to_mailbox_to_status(
        page, local_stack, tmp_path):
    complaint_number, complaint_code = file_complaint(page, local_stack, tmp_path)
    page.screenshot(path=str(tmp_path / "receipt.png"), full_page=True)
    report_number, report_code = file_anonymous_report(page, local_stack)
    assert complaint_number.startswith("TS-") and report_number.startswith("JB-")

    complaint_mail = wait_for(lambda: mail_for(local_stack, complaint_number))
    report_mail = wait_for(lambda: mail_for(local_stack, report_number))
    assert complaint_mail["To"] == "hanmeimei@example.com"
    assert "您的投诉已收到" in complaint_mail["Subject"]
    assert "您的举报已收到" in report_mail["Subject"]
    assert "谣言" in report_mail.get_body(("plain",)).get_content()

    for number, code in ((complaint_number, complaint_code), (report_number, report_code)):

        def acknowledgment_shown(number=number, code=code):
            look_up(page, local_stack, number, code)
            page.get_by_role("heading", name=f"案件 {number}").wait_for()
            return "登记通知已发送" in page.locator("#timeline").inner_text()

        wait_for(acknowledgment_shown, interval=0.5)  # the worker settles just after sending
        assert page.locator("#case-status").inner_text() == "已收到，待初步审核"
    page.screenshot(path=str(tmp_path / "status.png"), full_page=True)


def test_mistakes_are_shown_next_to_their_fields_and_nothing_is_lost(page, local_stack):
    page.goto(local_stack.base_url + "/submit_form?lang=en")
    page.get_by_label("Category").select_option("billing")
    page.get_by_label("What or whom it is about").fill("Invoice 7788")
    page.get_by_label("Email").fill("not-an-address@")
    page.get_by_role("button", name="Submit").click()
    alert = page.get_by_role("alert")
    assert "Your submission was not sent" in alert.inner_text()
    assert page.locator("#description-error").inner_text() == "This field is required."
    assert page.locator("#email-error").inner_text() == "This email address is not valid."
    assert page.get_by_label("What or whom it is about").input_value() == "Invoice 7788"
    assert page.get_by_label("Email").get_attribute("aria-invalid") == "true"
    # The keyboard and the screen reader start at what went wrong.
    assert page.evaluate("document.activeElement.id") == "error-summary"


def test_reloading_the_receipt_or_switching_its_language_keeps_one_case_and_its_code(
        page, local_stack, tmp_path):
    number, code = file_complaint(page, local_stack, tmp_path)
    page.reload()  # after the 303, a reload asks for the receipt again; it does not post
    page.get_by_role("heading", name="提交成功").wait_for()
    assert page.locator("#case-number").inner_text() == number
    page.get_by_role("link", name="English").click()
    page.get_by_role("heading", name="Submitted").wait_for()
    assert (page.locator("#case-number").inner_text(),
            page.locator("#access-code").inner_text()) == (number, code)
    with sqlite3.connect(local_stack.database) as db:
        cases = db.execute("SELECT count(*) FROM cases WHERE number = ?", (number,)).fetchone()
        total = db.execute("SELECT count(*) FROM cases").fetchone()[0]
    page.go_back()
    page.go_back()  # Back past the receipt: the form is shown again, nothing is posted
    page.get_by_role("button", name="提交").wait_for()
    with sqlite3.connect(local_stack.database) as db:
        assert db.execute("SELECT count(*) FROM cases").fetchone()[0] == total
    assert cases == (1,)


def test_a_wrong_access_code_reveals_nothing(page, local_stack, tmp_path):
    number, _ = file_complaint(page, local_stack, tmp_path)
    look_up(page, local_stack, number, "AAAA-BBBB-CCCC-DDDD")
    assert page.get_by_role("alert").inner_text() == "案件编号或查询码不正确。"
    assert "韩梅梅" not in page.content()
