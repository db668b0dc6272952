"""The staff console in a real browser against the local stack (`bin/serve`): a person files a
complaint on the form; the demo clerk signs in with the password `bin/serve` printed, sees it in
the new cases, opens it (the reporter masked) and accepts it; then signs out."""
from __future__ import annotations

import re

import pytest

from tests.e2e.test_browser_journeys import file_complaint

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CREDENTIALS = re.compile(r"(demo\.[\w-]+@example\.com)\s+password (\S+)")


def test_a_clerk_signs_in_finds_the_new_case_and_accepts_it(page, local_stack, tmp_path):
    number, _ = file_complaint(page, local_stack, tmp_path)
    passwords = dict(CREDENTIALS.findall(local_stack.log.read_text(encoding="utf-8")))
    page.goto(local_stack.base_url + "/staff_api/console/")
    page.get_by_role("heading", name="工作人员登录").wait_for()
    page.get_by_label("邮箱").fill("demo.clerk@example.com")
    page.get_by_label("密码").fill(passwords["demo.clerk@example.com"])
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="案件队列", exact=True).wait_for()
    page.screenshot(path=str(tmp_path / "console-queue.png"), full_page=True)
    page.get_by_role("link", name=number).click()
    page.get_by_role("heading", name=re.compile(number)).wait_for()
    assert "韩**" in page.content() and "韩梅梅" not in page.content()
    page.get_by_label("内部备注（可选，仅工作人员可见）").fill("材料齐全")
    page.get_by_role("button", name="受理", exact=True).click()
    page.get_by_text("已受理。").wait_for()
    assert "已受理" in page.locator("dl.facts").first.inner_text()
    page.screenshot(path=str(tmp_path / "console-case.png"), full_page=True)
    page.get_by_role("link", name="English").click()
    page.get_by_role("heading", name="What you can do").wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Staff sign-in").wait_for()
