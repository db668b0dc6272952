"""Issue 9's journey through the local stack (`bin/serve`), in Chinese and in English: a person
files a complaint in the browser; staff take it to a decision through the staff API, the handler
drafting and the service centre approving, which sends the closure notice; the person rates the
handling from the notice's link and appeals on the status page; a reviewer and a second
supervisor who did not decide the case decide the appeal, and the final notice arrives. Every
email lands in the stack's mailbox folder and reads in the case's language."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from email import message_from_bytes, policy

import pytest

from tests.support.local_stack import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CREDENTIALS = re.compile(r"(demo\.[\w-]+@example\.com)\s+password (\S+)")
WORDS = {
    "zh-CN": dict(tab="投诉（对服务或产品不满意）", category="类别", subject="投诉或举报对象",
                  description="详细情况", name="姓名", email="电子邮箱", submit="提交",
                  done="提交成功", number="案件编号", code="查询码", look_up="查询",
                  closed="已处理完毕", final="最终决定", twelve315="12315", appeal_until="申请复核",
                  appeal_text="请说明您不同意处理结果的理由", appeal_submit="提交复核申请",
                  lodged="您的复核申请已登记", rate_submit="提交评价", rated="感谢您的评价",
                  score="5 — 非常满意", outcome="部分属实", final_outcome="属实"),
    "en": dict(tab="Complain (unhappy with a service or product)", category="Category",
               subject="What or whom it is about", description="What happened", name="Name",
               email="Email", submit="Submit", done="Submitted", number="Case number",
               code="Access code", look_up="Look up", closed="was dealt with",
               final="final", twelve315="12315", appeal_until="ask for a review",
               appeal_text="Why do you disagree with the result?", appeal_submit="Ask for a review",
               lodged="Your appeal was registered", rate_submit="Send my rating",
               rated="Thank you", score="5 — very satisfied", outcome="Partly upheld",
               final_outcome="Upheld"),
}


class Staff:
    """The staff API over HTTP, signed in as the demo members `bin/serve` printed."""

    def __init__(self, stack):
        self.api = stack.base_url + "/staff_api"
        passwords = dict(CREDENTIALS.findall(stack.log.read_text(encoding="utf-8")))
        self.tokens = {email.split("@")[0].removeprefix("demo."):
                       self.call("POST", "/sign-in", body={"email": email, "password": password})
                       [1]["token"] for email, password in passwords.items()}

    def call(self, method, path, who=None, body=None):
        request = urllib.request.Request(self.api + path, method=method,
                                         data=json.dumps(body).encode() if body is not None
                                         else None)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if who:
            request.add_header("Authorization", "Bearer " + self.tokens[who])
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read())

    def ok(self, method, path, who, body=None) -> dict:
        status, answer = self.call(method, path, who, body)
        assert status == 200, (path, answer)
        return answer


def decision(outcome: str) -> dict:
    return {"outcome": outcome, "measures": [{"measure": "refund"}, {"measure": "apology"}],
            "facts_found": "退款申请于 11 月 1 日提交，因系统故障未处理。",
            "grounds": "《用户协议》第 7.2 条", "automated": False,
            "reasons": {"decided": "全额退款并致歉。", "facts": "退款申请积压三周。",
                        "ground": "《用户协议》第 7.2 条",
                        "redress": "可在六个月内申请复核，或向 12315 投诉。"}}


def mails_of(stack, number) -> list:
    found = []
    for path in stack.mailbox.glob("*.eml"):
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        if number in mail["Subject"]:
            found.append(mail)
    return found


def mail_with(stack, number, words: str):
    def found():
        return next((m for m in mails_of(stack, number) if words in m["Subject"]), None)
    return wait_for(found)


def file_complaint(page, stack, lang, w) -> tuple[str, str]:
    page.goto(f"{stack.base_url}/submit_form?lang={lang}")
    page.get_by_role("link", name=w["tab"]).click()
    page.get_by_label(w["category"]).select_option("service")
    page.get_by_label(w["subject"]).fill("订单 20261101-778")
    page.get_by_label(w["description"]).fill("申请退款三周仍未到账，客服电话打不通。")
    page.get_by_label(w["name"]).fill("王小明")
    page.get_by_label(w["email"]).fill(f"xiaoming.{lang.lower()}@example.com")
    page.get_by_role("button", name=w["submit"], exact=True).click()
    page.get_by_role("heading", name=w["done"]).wait_for()
    return page.locator("#case-number").inner_text(), page.locator("#access-code").inner_text()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_form_to_closure_rating_appeal_and_final_notice(page, local_stack, lang, tmp_path):
    w, stack = WORDS[lang], local_stack
    staff = Staff(stack)
    number, code = file_complaint(page, stack, lang, w)
    path = f"/cases/{number}"

    staff.ok("POST", f"{path}/accept", "supervisor")
    staff.ok("POST", f"{path}/assignment", "supervisor",
             {"assignee": "demo.handler", "department": "运营部"})
    staff.ok("POST", f"{path}/start", "handler")
    staff.ok("POST", f"{path}/decision", "handler", decision("partly_upheld"))
    assert staff.call("POST", f"{path}/decision/approve", "handler")[0] == 403
    assert staff.ok("POST", f"{path}/decision/approve", "supervisor")["status"] == "closed"
    assert staff.call("POST", f"{path}/decision/approve", "supervisor")[0] == 409  # once

    closure = mail_with(stack, number, w["closed"])
    text = closure.get_body(("plain",)).get_content()
    assert closure["Content-Language"] == lang and w["outcome"] in text
    assert w["twelve315"] in text and w["appeal_until"] in text
    rating_link = re.search(r"http://\S+rate=\S+", text).group(0)

    page.goto(rating_link)
    page.get_by_label(w["score"]).check()
    page.get_by_role("button", name=w["rate_submit"]).click()
    assert w["rated"] in page.locator("#rating-done").inner_text()

    page.goto(f"{stack.base_url}/case_status?lang={lang}")
    page.get_by_label(w["number"]).fill(number)
    page.get_by_label(w["code"]).fill(code)
    page.get_by_role("button", name=w["look_up"], exact=True).click()
    assert w["outcome"] in page.locator("#decision").inner_text()
    assert w["twelve315"] in page.locator("#remedies").inner_text()
    page.get_by_label(w["appeal_text"]).fill("退款只到账一半，处理结果与事实不符。")
    page.get_by_role("button", name=w["appeal_submit"]).click()
    page.get_by_text(w["lodged"]).wait_for()
    page.screenshot(path=str(tmp_path / f"appeal-{lang}.png"), full_page=True)

    status, refused = staff.call("POST", f"{path}/assignment", "supervisor",
                                 {"assignee": "demo.handler", "reason": "复核"})
    assert (status, refused["error"]) == (409, "original_decider")
    staff.ok("POST", f"{path}/assignment", "supervisor",
             {"assignee": "demo.reviewer", "department": "复核组", "reason": "复核"})
    staff.ok("POST", f"{path}/start", "reviewer")
    staff.ok("POST", f"{path}/decision", "reviewer", decision("upheld"))
    status, refused = staff.call("POST", f"{path}/decision/approve", "supervisor")
    assert (status, refused["error"]) == (409, "original_decider")
    final = staff.ok("POST", f"{path}/decision/approve", "reviewer-supervisor")
    assert final["status"] == "closed" and final["appeal_round"] == 1

    last = mail_with(stack, number, "复核申请已作出决定" if lang == "zh-CN" else "appeal was decided")
    last_text = last.get_body(("plain",)).get_content()
    assert w["final_outcome"] in last_text and w["final"] in last_text
    mails = mails_of(stack, number)
    assert len(mails) == 6  # acknowledgment, acceptance, assignment, closure, appeal received, final
    assert {m["Content-Language"] for m in mails} == {lang}
    assert all(m["To"] == f"xiaoming.{lang.lower()}@example.com" for m in mails)
