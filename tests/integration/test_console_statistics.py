"""The console's statistics page (R19): supervisors, leaders and auditors choose a period and see
the key figures, the charts (inert SVG images), every table and the major and hot cases with
their causes and measures, and download the XLSX and CSV; in both languages; a period that
makes no sense is shown beside its field with what was typed; other roles get 403 and no link."""
from __future__ import annotations

import base64
import re
from datetime import date
from xml.etree import ElementTree

import pytest

from shared.domain.staff import Role
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.bulletins import a_bulletin
from tests.support.console import text_of
from tests.support.xlsx_reader import read_workbook

sqlite_staff_api = api_fixtures.sqlite_staff_api
sqlite_console = console_fixtures.sqlite_console
XSS = '<img src=x onerror=alert(1)>=1+1'


class Statistics:
    """The statistics service with known figures (the real one reads the period asked): records
    the periods asked."""

    def __init__(self, real):
        self.asked = []
        self.period = real.period

    def bulletin(self, period):
        self.asked.append(period)
        return a_bulletin(cause=XSS)


@pytest.fixture
def browser(sqlite_console):
    app = sqlite_console.api.app
    app.__dict__["statistics"] = Statistics(app.statistics)
    return sqlite_console


def charts(page: str) -> list[str]:
    return [base64.b64decode(data).decode("utf-8")
            for data in re.findall(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)]


@pytest.mark.parametrize("role", [Role.LEADER, Role.SUPERVISOR, Role.AUDITOR])
def test_management_reads_the_month_with_charts_tables_and_downloads(browser, role):
    browser.sign_in_as(role)
    response = browser.get("/console/statistics?month=2026-11")
    assert response.status_code == 200
    page = text_of(response)
    assert "投诉举报统计简报 · 2026-11-01 – 2026-11-30" in page
    assert 'href="/console/statistics" aria-current="page"' in page  # in the navigation
    for words in ("<th scope=\"row\">收到</th><td class=\"n\">120</td>",
                  "<th scope=\"row\">处理决定</th><td class=\"n\">76</td><td class=\"n\">95</td>"
                  "<td class=\"n\">80.0%</td>",
                  "TS-20261103-ABCDEF-1", "上线前增加人工复核", "各部门绩效", "运营部"):
        assert words in page, words
    svgs = charts(page)
    assert len(svgs) == 8
    for svg in svgs:
        ElementTree.fromstring(svg)  # well-formed
        assert "<script" not in svg and " on" not in re.sub(r">[^<]*<", "><", svg)
    assert 'href="/console/statistics/export.xlsx?month=2026-11"' in page
    assert 'href="/console/statistics/export.csv?month=2026-11"' in page
    [period] = browser.api.app.statistics.asked
    assert (period.start, period.end) == (date(2026, 11, 1), date(2026, 12, 1))


def test_a_cause_with_markup_is_text_on_the_page(browser):
    browser.sign_in_as(Role.LEADER)
    page = text_of(browser.get("/console/statistics?month=2026-11"))
    assert "&lt;img src=x onerror=alert(1)&gt;=1+1" in page
    assert "<img src=x" not in page


def test_the_page_reads_in_english(browser):
    browser.sign_in_as(Role.LEADER)
    page = text_of(browser.get("/console/statistics?month=2026-11&lang=en"))
    for words in ("Complaints and reports bulletin", "Key figures", "Received", "By channel",
                  "Major and hot cases", "Preventive measures", "Excel workbook (XLSX)"):
        assert words in page, words
    assert any("Complaint" in svg for svg in charts(page))


def test_the_download_links_give_the_files(browser):
    browser.sign_in_as(Role.LEADER)
    xlsx = browser.get("/console/statistics/export.xlsx?month=2026-11")
    assert xlsx.status_code == 200 and xlsx.headers["Content-Disposition"].startswith("attachment;")
    assert read_workbook(xlsx.data)["重大和热点案件"]["I4"] == ("s", XSS)
    csv = browser.get("/console/statistics/export.csv?month=2026-11&lang=en")
    assert csv.status_code == 200 and csv.data.startswith(b"\xef\xbb\xbf")
    assert "Received,120" in csv.data.decode("utf-8-sig")


@pytest.mark.parametrize("role", [Role.HANDLER, Role.CLERK, Role.ADMIN])
def test_other_roles_get_403_and_no_link(browser, role):
    browser.sign_in_as(role)
    for path in ("/console/statistics?month=2026-11", "/console/statistics/export.xlsx",
                 "/console/statistics/export.csv"):
        assert browser.get(path).status_code == 403
    if role != Role.ADMIN:  # an admin has no page of the console's to land on yet
        assert "/console/statistics" not in text_of(browser.get("/console/cases"))
    assert browser.api.app.statistics.asked == []


def test_a_period_that_makes_no_sense_is_shown_by_its_field_with_what_was_typed(browser):
    browser.sign_in_as(Role.LEADER)
    response = browser.get("/console/statistics?month=2026-13")
    assert response.status_code == 422
    page = text_of(response)
    assert 'id="month" name="month" value="2026-13"' in page and 'aria-invalid="true"' in page
    assert "含有不允许的字符或格式" in page and browser.api.app.statistics.asked == []
    hostile = text_of(browser.get('/console/statistics?month="><script>x</script>'))
    assert "<script>x" not in hostile


def test_signed_out_the_page_asks_to_sign_in(browser):
    response = browser.get("/console/statistics")
    assert response.status_code in (302, 303) and "/sign-in" in response.headers["Location"]
