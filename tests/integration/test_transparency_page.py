"""The transparency page (R22): a month's figures from the statistics bulletin and the major cases
disclosed in it — only after another supervisor approved them, their texts escaped — never a
person's data nor the bulletin's per-handler or per-case lists; both languages."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from shared.domain.cases import Severity, Status
from shared.domain.staff import Role
from shared.domain.statistics import (
    Bulletin,
    HandlingTime,
    ListedCase,
    Performance,
    Period,
    Rate,
    Satisfaction,
)
from shared.services.transparency import MonthNotValid
from tests.integration.test_disclosures import SUMMARY
from tests.support.staff_desk import StaffDesk


def november(period: Period) -> Bulletin:
    """A bulletin known by hand, with every list the public must never see filled in."""
    return Bulletin(
        period=period, received=12, by_kind={"complaint": 7, "report": 5},
        by_category={"service": 4, "billing": 3, "fraud": 5}, by_channel={"web_form": 9, "email": 3},
        reviewed=10, accepted=8, rejected=2, review_on_time=Rate(9, 10, 0.9), closed=6,
        outcomes={"upheld": 4, "not_upheld": 2}, decision_on_time=Rate(5, 6, 5 / 6),
        handling_time=HandlingTime(count=6, median_hours=72.0, p90_hours=240.0),
        appeals_received=2, appeals_decided=1, appeals_changed=1,
        satisfaction=Satisfaction(count=3, average=4.333),
        departments=[Performance("秘密部门甲")], handlers=[Performance("handler.zhang")],
        major_and_hot=[ListedCase("TS-20261105-ABCDEF-1", "complaint", "major", "closed",
                                  "service", "客服中心", datetime(2026, 11, 5, tzinfo=UTC), None,
                                  cause="内部原因：张三操作失误")])


@pytest.fixture
def app(app):
    asked = []

    def bulletin(period):
        asked.append(period)
        return november(period)

    app.statistics = SimpleNamespace(bulletin=bulletin)
    app.asked = asked
    return app


def page(app, month="2026-11", lang="zh-CN") -> str:
    return app.public_pages.transparency(lang, app.transparency.report(month))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.partition("<main")[2]))


def test_the_month_shows_the_bulletins_figures(app):
    shown = text_of(page(app))
    assert app.asked == [Period.month(2026, 11)]
    assert "收到 12" in shown and "办结 6" in shown
    assert "按时办结 5 / 6（83.3%）" in shown and "初步审核按时完成 9 / 10（90.0%）" in shown
    assert "72.0 小时以内" in shown and "收到复核申请 2" in shown
    assert "投诉 7" in shown and "诈骗 5" in shown and "收费或账单 3" in shown
    assert "属实 4" in shown and "在线表单 9" in shown
    english = text_of(page(app, lang="en"))
    assert "Received 12" in english and "Closed on time 5 / 6 (83.3%)" in english
    assert "within 72.0 hours" in english and "Fraud 5" in english


def test_nothing_the_bulletin_holds_about_people_or_single_cases(app):
    html = page(app)
    for private in ("秘密部门甲", "handler.zhang", "TS-20261105-ABCDEF-1", "张三", "客服中心"):
        assert private not in html


def test_a_disclosure_appears_only_once_approved_and_escaped(app):
    desk = StaffDesk(app.store, app.clock)
    disclosures = desk.cases
    number = desk.case(Status.CLOSED, severity=Severity.MAJOR)
    proposer, reviewer = desk.member(Role.SUPERVISOR), desk.member(Role.SUPERVISOR)
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    disclosures.propose_disclosure(proposer, number, **{**SUMMARY, "cause": hostile})
    assert "商家资质" not in page(app) and "本月没有公示的重大案件" in page(app)
    disclosures.approve_disclosure(reviewer, number)
    html = page(app)
    assert SUMMARY["what"] in html and SUMMARY["measures"] in html
    assert hostile not in html and "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert number not in html and "王小明" not in html and "wangxm" not in html
    assert "公示日期：2026-11-28" in html
    assert text_of(page(app, "2026-10")).count(SUMMARY["what"]) == 0  # another month
    disclosures.withdraw_disclosure(reviewer, number, reason="暂停公示")
    assert SUMMARY["what"] not in page(app)  # at once, not after the figures' cache


@pytest.mark.parametrize("month, code", [("2026-13", "invalid"), ("11-2026", "invalid"),
                                         ("2026-12-01", "invalid"), ("2027-01", "future"),
                                         ("<script>", "invalid")])
def test_a_month_that_is_not_published(app, month, code):
    with pytest.raises(MonthNotValid) as refused:
        app.transparency.report(month)
    assert refused.value.code == code


def test_the_default_is_the_last_complete_month_and_the_chooser_lists_24(app):
    report = app.transparency.report()
    assert report.month == "2026-10" and report.complete  # the clock is in November 2026
    assert report.months[0] == "2026-11" and len(report.months) == 24
    assert not app.transparency.report("2026-11").complete


def test_over_http_with_its_headers_and_refusals(function_client, monkeypatch):
    from shared import bootstrap

    monkeypatch.setattr(bootstrap.Services, "statistics",
                        property(lambda self: SimpleNamespace(bulletin=november)), raising=False)
    client = function_client("public_pages")
    answer = client.get("/transparency?month=2026-11&lang=en")
    assert answer.status_code == 200 and "Received" in answer.get_data(as_text=True)
    assert answer.headers["Cache-Control"] == "public, max-age=3600"  # a month that is over
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    refused = client.get("/transparency?month=%3Cscript%3E")
    assert refused.status_code == 400 and "月份格式不正确" in refused.get_data(as_text=True)
    assert "<script>" not in refused.get_data(as_text=True)
    later = client.get("/transparency?month=2999-01&lang=en")
    assert later.status_code == 400 and "has not begun" in later.get_data(as_text=True)
