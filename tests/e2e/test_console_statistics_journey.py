"""A leader opens the month's statistics bulletin in a real browser against the local stack
(`bin/serve`): the complaint just filed is counted, every chart is drawn as an image under the
console's strict CSP (no violation reported), and the XLSX downloads with the figure in it."""
from __future__ import annotations

import re

import pytest

from tests.e2e.test_browser_journeys import file_complaint
from tests.support.xlsx_reader import read_workbook, rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CREDENTIALS = re.compile(r"(demo\.[\w-]+@example\.com)\s+password (\S+)")


def test_a_leader_opens_the_bulletin_sees_the_charts_and_downloads_it(page, local_stack, tmp_path):
    file_complaint(page, local_stack, tmp_path)
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    passwords = dict(CREDENTIALS.findall(local_stack.log.read_text(encoding="utf-8")))
    page.goto(local_stack.base_url + "/staff_api/console/")
    page.get_by_label("邮箱").fill("demo.leader@example.com")
    page.get_by_label("密码").fill(passwords["demo.leader@example.com"])
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="统计简报").click()
    page.get_by_role("heading", name=re.compile("投诉举报统计简报")).wait_for()
    received = page.get_by_role("row", name=re.compile(r"^收到 \d+$")).locator("td").inner_text()
    assert int(received) >= 1  # the complaint just filed
    images = page.locator("section.statistics img")
    assert images.count() == 8
    widths = images.evaluate_all("all => all.map(img => img.complete ? img.naturalWidth : 0)")
    assert all(width > 0 for width in widths), widths
    page.screenshot(path=str(tmp_path / "console-statistics.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel 表格（XLSX）").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name.startswith("bulletin-") and path.suffix == ".xlsx"
    assert rows(read_workbook(path.read_bytes())["要点"])[3][0] == "收到"
    assert violations == []
