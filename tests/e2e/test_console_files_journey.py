"""Files a person sent, opened by staff in a real browser against the local stack: a real PNG is
shown; an HTML page, a GIF-and-HTML polyglot and a name with a right-to-left override are saved,
never rendered, the override shown escaped on the case page; the printable form opens from the
case page with its own stylesheet applied under its strict policy, nothing refused."""
from __future__ import annotations

import re

import pytest

from tests.e2e.test_console_journey import CREDENTIALS
from tests.support.files import GIF_POLYGLOT, HTML_PAGE, a_png

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FILES = {"photo.png": a_png(40, 20), "invoice.html": HTML_PAGE, "photo.gif": GIF_POLYGLOT,
         "report\u202elmth.txt": HTML_PAGE}


def file_complaint_with_files(page, stack, tmp_path) -> str:
    page.goto(stack.base_url + "/submit_form")
    page.get_by_role("link", name="投诉（对服务或产品不满意）").click()
    page.get_by_label("类别").select_option("service")
    page.get_by_label("投诉或举报对象").fill("订单 20261203-0042")
    page.get_by_label("详细情况").fill("<script>alert(1)</script> 退款一直没有到账，附截图和账单。")
    page.get_by_label("姓名").fill("李雷")
    page.get_by_label("电子邮箱").fill("lilei@example.com")
    page.get_by_label("附件（证据）").set_input_files(
        [{"name": name, "mimeType": "application/octet-stream", "buffer": data}
         for name, data in FILES.items()])
    page.get_by_role("button", name="提交").click()
    page.get_by_role("heading", name="提交成功").wait_for()
    return page.locator("#case-number").inner_text()


def sign_in_as_clerk(page, stack) -> None:
    passwords = dict(CREDENTIALS.findall(stack.log.read_text(encoding="utf-8")))
    page.goto(stack.base_url + "/staff_api/console/")
    page.get_by_label("邮箱").fill("demo.clerk@example.com")
    page.get_by_label("密码").fill(passwords["demo.clerk@example.com"])
    page.get_by_role("button", name="登录").click()
    page.get_by_role("heading", name="案件队列", exact=True).wait_for()


def test_staff_see_a_real_image_save_everything_else_and_print_the_form(page, local_stack,
                                                                         tmp_path):
    number = file_complaint_with_files(page, local_stack, tmp_path)
    sign_in_as_clerk(page, local_stack)
    case_url = f"{local_stack.base_url}/staff_api/console/cases/{number}"
    page.goto(case_url)
    page.get_by_role("heading", name=re.compile(number)).wait_for()
    assert page.get_by_role("link", name="report\\u202elmth.txt").count() == 1  # escaped
    assert "\u202e" not in page.content()
    for name in ("invoice.html", "photo.gif", "report\\u202elmth.txt"):
        with page.expect_download() as saving:
            page.get_by_role("link", name=name, exact=True).click()
        assert saving.value.suggested_filename == name.replace("\\", "_"), name
        assert page.url == case_url  # saved, never rendered in our origin
    image_url = page.get_by_role("link", name="photo.png").get_attribute("href")
    shown = page.goto(local_stack.base_url + image_url)
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert page.locator("img").count() == 1  # the browser's own image view
    page.goto(case_url)
    refused = []
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="打印处理表").click()
    form = opened.value
    form.on("console", lambda message: refused.append(message.text))
    form.reload()
    form.get_by_role("heading", name="客户投诉处理表").wait_for()
    assert number in form.content() and "&lt;script&gt;" in form.content()
    background = form.locator("th").first.evaluate("th => getComputedStyle(th).backgroundColor")
    assert background == "rgb(238, 238, 238)"  # its stylesheet applies under the hash policy
    assert not [text for text in refused if "Content Security Policy" in text], refused
    form.screenshot(path=str(tmp_path / "case-form.png"), full_page=True)
