"""A case from the form to its closure notice entirely in the staff console, in a real browser
against the local stack (`bin/serve`), as the demo staff it printed: a person files a complaint;
the clerk accepts it; the supervisor assigns it to the handler; the handler starts, writes to the
reporter, and the supervisor approves that reply; the handler drafts the decision and the
supervisor approves it, which closes the case; the closure notice lands in the stack's mailbox.
A screenshot of every step is kept (`artifacts`, printed at the end of the run)."""
from __future__ import annotations

import re

import pytest

from tests.e2e.test_browser_journeys import file_complaint
from tests.e2e.test_decision_journey import mail_with, mails_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CREDENTIALS = re.compile(r"(demo\.[\w-]+@example\.com)\s+password (\S+)")


class Desk:
    """The console in one browser page, signed in as one demo member at a time."""

    def __init__(self, page, stack, folder):
        self.page, self.stack, self.folder = page, stack, folder
        self.passwords = dict(CREDENTIALS.findall(stack.log.read_text(encoding="utf-8")))
        self.shots = 0

    def sign_in(self, role: str) -> None:
        page, email = self.page, f"demo.{role}@example.com"
        page.goto(self.stack.base_url + "/staff_api/console/")
        page.get_by_label("邮箱").fill(email)
        page.get_by_label("密码").fill(self.passwords[email])
        page.get_by_role("button", name="登录").click()
        page.get_by_role("heading", name="案件队列", exact=True).wait_for()

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="退出登录").click()
        self.page.get_by_role("heading", name="工作人员登录").wait_for()

    def open_case(self, number: str, queue: str) -> None:
        """Find the case in one of the member's queues (its number typed in the search box)."""
        self.page.get_by_label("队列", exact=True).select_option(queue)
        self.page.get_by_label("搜索", exact=True).fill(number)
        self.page.get_by_role("button", name="显示").click()
        self.page.get_by_role("link", name=number).click()
        self.page.get_by_role("heading", name=re.compile(number)).wait_for()

    def act(self, button: str, done: str) -> None:
        """Submit the action's form and see its confirmation."""
        self.page.get_by_role("button", name=button, exact=True).click()
        self.page.get_by_text(done).wait_for()

    def shot(self, name: str) -> None:
        self.shots += 1
        self.page.screenshot(path=str(self.folder / f"{self.shots:02d}-{name}.png"),
                             full_page=True)

    def status(self) -> str:
        return self.page.locator("dl.facts").first.inner_text()


def test_a_case_is_handled_from_the_form_to_the_closure_notice_in_the_console(
        page, local_stack, tmp_path, artifacts):
    number, _ = file_complaint(page, local_stack, tmp_path)
    page.screenshot(path=str(artifacts / "00-form-receipt.png"), full_page=True)
    desk, label = Desk(page, local_stack, artifacts), page.get_by_label

    desk.sign_in("clerk")  # initial review (R6)
    desk.open_case(number, "new")
    label("内部备注（可选，仅工作人员可见）").fill("材料齐全，予以受理。")
    desk.act("受理", "已受理。")
    desk.shot("clerk-accepted")
    desk.sign_out()

    desk.sign_in("supervisor")  # assignment (R10)
    desk.open_case(number, "all")
    label("承办人编号").fill("demo.handler")
    label("部门", exact=True).fill("运营部")
    desk.act("分派", "已分派。")
    desk.shot("supervisor-assigned")
    desk.sign_out()

    desk.sign_in("handler")  # the handler takes it up and writes to the reporter
    desk.open_case(number, "mine")
    desk.act("开始办理", "已开始办理。")
    label("消息内容（将发送给投诉人/举报人）").fill("您好，我们已核实您的退款申请，将于三个工作日内退回原支付账户。")
    desk.act("给投诉人/举报人发消息", "须经主管审核后发出")
    assert "待审核的回复" in page.content()
    desk.shot("handler-reply-waiting")
    desk.sign_out()

    desk.sign_in("supervisor")  # the service centre approves the reply (R12)
    desk.open_case(number, "all")
    approval = page.get_by_role("region", name="审核通过并发出回复")
    assert approval.get_by_label(re.compile("三个工作日内退回")).is_checked()
    desk.act("审核通过并发出回复", "回复已审核并发出。")
    desk.shot("supervisor-reply-approved")
    desk.sign_out()

    desk.sign_in("handler")  # the decision (R14)
    desk.open_case(number, "mine")
    label("结论", exact=True).select_option("partly_upheld")
    label("退款", exact=True).check()
    label("道歉", exact=True).check()
    label("查明的事实", exact=True).fill("退款申请于 11 月 28 日提交，因系统故障未处理。")
    label("处理依据", exact=True).fill("《用户协议》第 7.2 条")
    label("否", exact=True).check()
    label("决定内容", exact=True).fill("全额退款并致歉。")
    label("所依据的事实和情况", exact=True).fill("退款申请积压一周。")
    label("法律或协议依据", exact=True).fill("《用户协议》第 7.2 条")
    label("救济途径（复核、监管部门、法院）", exact=True).fill("可在六个月内申请复核，或向 12315 投诉。")
    desk.shot("handler-decision-form")
    desk.act("起草处理意见", "处理意见已保存，等待审核。")
    desk.shot("handler-decision-drafted")
    desk.sign_out()

    desk.sign_in("supervisor")  # approved: closed, and the person told at once (R12, R15)
    desk.open_case(number, "all")
    assert "全额退款并致歉。" in page.locator("#decision").inner_text()
    desk.act("审核通过处理意见并结案", "案件已办结，结案通知已发出。")
    assert "已结案" in desk.status()
    desk.shot("supervisor-closed")
    desk.sign_out()

    closure = mail_with(local_stack, number, "已处理完毕")
    text = closure.get_body(("plain",)).get_content()
    assert "部分属实" in text and "12315" in text
    assert any("三个工作日内退回" in m.get_body(("plain",)).get_content()
               for m in mails_of(local_stack, number))  # the approved reply reached them too
    print(f"Screenshots of the console journey: {artifacts}")
