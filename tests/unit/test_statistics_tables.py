"""The bulletin as a reader sees it: a seeded bulletin whose figures are known by hand becomes the
tables, charts and files, in both languages, with every code named."""
import csv
import io
from pathlib import Path

import pytest

from shared.web.rendering import LANGUAGES, Renderer
from shared.web.statistics_output import bulletin_chart, bulletin_file
from shared.web.statistics_tables import CHART_KEYS, bulletin_tables
from tests.support.bulletins import HOSTILE, a_bulletin
from tests.support.xlsx_reader import read_workbook, rows

RENDERER = Renderer(Path(__file__).resolve().parents[2] / "templates", "Asia/Shanghai", "平台")


def tables(lang="zh-CN", **kwargs):
    return {t.key: t for t in bulletin_tables(a_bulletin(**kwargs), RENDERER.texts(lang),
                                              {"s-wangwu": "王五"}, RENDERER.local_time)}


def test_the_tables_hold_the_known_figures_with_their_names():
    t = tables()
    assert dict(t["headline"].rows)["收到"] == 120
    assert dict(t["headline"].rows)["处理决定按时率"] == 0.8
    assert [r[:2] for r in t["by_kind"].rows] == [("投诉", 90), ("举报", 30)]
    assert t["by_kind"].rows[0][2] == 0.75
    assert t["by_channel"].rows[0][:2] == ("网页表单", 70)
    assert [r[:2] for r in t["by_severity"].rows] == [("一般", 100), ("重要", 12), ("热点", 6),
                                                      ("重大", 2)]
    assert t["timeliness"].rows[1] == ("处理决定", 76, 95, 0.8)
    assert t["handling_time"].rows[-1] == ("> 168 小时", 5)
    assert t["satisfaction"].rows[0] == ("5 分", 40)
    assert t["departments"].rows[1] == ("法务部", 20, 10, 5, 0.5, 120.0)
    assert t["handlers"].rows[0][0] == "王五"  # the name, not the id
    major = t["major_and_hot"].rows[0]
    assert major[:6] == ("TS-20261103-ABCDEF-1", "投诉", "重大", "已办结", "收费或账单", "运营部")
    assert major[6] == "2026-11-03 10:00"  # Beijing time
    assert major[8:10] == ("商家资质审核规则缺失", "上线前增加人工复核")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_chart_draws_in_both_languages(lang):
    for key in CHART_KEYS:
        svg = bulletin_chart(a_bulletin(), key, RENDERER.texts(lang))
        assert "<script" not in svg and svg.startswith("<svg")
    assert "Complaint" in bulletin_chart(a_bulletin(), "by_kind", RENDERER.texts("en"))
    with pytest.raises(KeyError):
        bulletin_chart(a_bulletin(), "../etc", RENDERER.texts(lang))


def test_the_workbook_has_every_table_and_a_hostile_cause_as_text():
    data, content_type, name = bulletin_file(a_bulletin(cause=HOSTILE), "xlsx",
                                             RENDERER.texts("zh-CN"), "平台")
    assert content_type.endswith("spreadsheetml.sheet")
    assert name == "bulletin-2026-11-01-2026-11-30.xlsx"
    sheets = read_workbook(data)
    assert list(sheets)[:3] == ["要点", "按类型", "按渠道"] and "重大和热点案件" in sheets
    major = rows(sheets["重大和热点案件"])
    assert major[3][8] == HOSTILE and sheets["重大和热点案件"]["I4"][0] == "s"
    assert rows(sheets["按时率"])[4] == ["处理决定", 76.0, 95.0, 0.8]


def test_the_csv_parses_back_with_the_figures_in_english():
    data, content_type, name = bulletin_file(a_bulletin(cause=HOSTILE), "csv",
                                             RENDERER.texts("en"), "Platform")
    assert data.startswith(b"\xef\xbb\xbf") and content_type == "text/csv; charset=utf-8"
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed[0] == ["Platform complaints and reports bulletin 2026-11-01 to 2026-11-30"]
    assert ["Received", "120"] in parsed and ["Decision", "76", "95", "0.8"] in parsed
    major = next(r for r in parsed if r and r[0] == "TS-20261103-ABCDEF-1")
    assert major[8] == "'" + HOSTILE


def test_an_unknown_file_kind_is_refused():
    with pytest.raises(KeyError):
        bulletin_file(a_bulletin(), "pdf", RENDERER.texts("en"), "Platform")
