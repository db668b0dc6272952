"""The transparency page of a seeded month (R22), on both stores: the month of cases that
`tests/support/seeded_statistics.py` takes through the real services, whose figures are counted
by hand in test_statistics_month.py; here, what the public page shows of them, and that nothing
of the people, the handlers or the leaders' closure reports appears."""
from __future__ import annotations

import re

import pytest

from tests.support.seeded_statistics import REPORT, SUMMARY, seed

DISCLOSED = {"what": "一起退款长期未处理的投诉经媒体报道。", "cause": "退款审核缺少时限提醒。",
             "measures": "全额退款；增加退款时限提醒。"}


@pytest.fixture
def month(settings, store):
    m = seed(settings, store)
    m.at(2026, 12, 2, 10, 0)
    m.cases.propose_disclosure(m.boss, m.n["D"], **DISCLOSED)  # D: major, closed in November
    return m


def shown(month, period: str, lang: str = "zh-CN") -> str:
    app = month.app
    return app.public_pages.transparency(lang, app.transparency.report(period))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.partition("<main")[2]))


def test_the_months_figures_as_counted_by_hand(month):
    page = text_of(shown(month, "2026-11"))
    assert "收到 12" not in page and "收到 5 " in page  # A B C D E
    assert "投诉 4" in page and "举报 1" in page  # A B D E; C
    assert "服务问题 3" in page and "产品或质量问题 1" in page and "诈骗 1" in page
    assert "完成初步审核 4" in page and "受理 3" in page and "不予受理 1" in page
    assert "初步审核按时完成 3 / 4（75.0%）" in page  # B's review was late
    assert "办结 4" in page and "按时办结 3 / 4（75.0%）" in page  # G A D B; B late
    assert "48.0 小时以内" in page  # the median of 24, 48, 96, 672
    assert "收到复核申请 1" in page and "复核办结 1" in page and "其中改变原处理结论 1" in page
    assert "2 份，平均 3.5 分" in page  # A rated 5, D 2
    assert "认定为恶意举报 1" in page  # C
    english = text_of(shown(month, "2026-11", "en"))
    assert "Received 5 " in english and "Closed on time 3 / 4 (75.0%)" in english


def test_no_personal_data_handler_or_closure_report_on_the_page(month):
    month.cases.approve_disclosure(month.boss2, month.n["D"])
    html = shown(month, "2026-11") + shown(month, "2026-12") + shown(month, "2026-11", "en")
    private = ["王小明", "李四", "13812345678", "@example.com", "案件 D", "案件 A", "申请退款十天",
               "运营部", "法务部", month.h1.member.id, month.h2.member.id, month.boss.member.id,
               REPORT["cause"], REPORT["prevention"], SUMMARY["summary"], *month.n.values()]
    assert [p for p in private if p in html] == []


def test_the_disclosure_shows_in_its_month_once_another_supervisor_approved_it(month):
    assert DISCLOSED["what"] not in shown(month, "2026-12")  # proposed, not approved
    month.cases.approve_disclosure(month.boss2, month.n["D"])
    december, november = shown(month, "2026-12"), shown(month, "2026-11")
    assert all(text in december for text in DISCLOSED.values())
    assert "公示日期：2026-12-02" in december
    assert DISCLOSED["what"] not in november  # published in December
