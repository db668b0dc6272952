"""The bulletin's charts (pygal): they show the figures and are inert SVG — no script, no event
attribute, no link anywhere outside the document, whatever the labels say."""
import re
from xml.etree import ElementTree

import pytest

from shared.adapters.pygal_charts import chart_svg
from shared.domain.report_tables import ChartKind, Column, Measure, Table, chart_of

HOSTILE = '<script>alert(1)</script><a href="https://evil.example/">x</a>'
KINDS = Table("by_kind", "按类型 <b>", (Column("类型"), Column("数量", Measure.COUNT)),
              (("投诉", 12), ("举报", 7), (HOSTILE, 3)))
RATES = Table("on_time", "按时率", (Column("环节"), Column("按时", Measure.RATE),
                                    Column("上月", Measure.RATE)),
              (("初步审核", 0.875, 0.5), ("处理决定", 0.25, None)))


def _elements(svg: str):
    return list(ElementTree.fromstring(svg).iter())


@pytest.mark.parametrize("kind", list(ChartKind))
def test_a_chart_shows_its_figures_and_labels(kind):
    svg = chart_svg(chart_of(KINDS, kind))
    texts = " ".join(e.text or "" for e in _elements(svg))
    for figure in ("12", "7", "3"):
        assert re.search(rf"(?<!\d){figure}(?!\d)", texts)
    assert "投诉" in texts and "举报" in texts


@pytest.mark.parametrize("kind", list(ChartKind))
def test_a_chart_carries_no_script_no_handler_and_no_outside_link(kind):
    svg = chart_svg(chart_of(KINDS, kind))
    elements = _elements(svg)
    assert not [e for e in elements if e.tag.rpartition("}")[2].lower() == "script"]
    assert "<script" not in svg.lower() and "<!--" not in svg
    assert not [name for e in elements for name in e.attrib
                if name.rpartition("}")[2].lower().startswith("on")]
    assert not [e for e in elements if any("href" in n for n in e.attrib)]
    assert "&lt;script&gt;" in svg  # a hostile label is text, escaped


@pytest.mark.parametrize("kind", list(ChartKind))
def test_the_only_url_in_a_chart_is_the_svg_namespace(kind):
    plain = Table("by_kind", "按类型", KINDS.columns, KINDS.rows[:2])
    svg = chart_svg(chart_of(plain, kind))
    assert set(re.findall(r"(?:https?:)?//[^\"'\s<>)]+", svg)) == {"http://www.w3.org/2000/svg"}


def test_rates_are_shown_as_percentages():
    svg = chart_svg(chart_of(RATES, ChartKind.BAR, (1, 2)))
    texts = [e.text for e in _elements(svg) if e.text]
    assert "88%" in texts and "25%" in texts and "50%" in texts


def test_an_empty_table_says_so():
    empty = Table("by_kind", "按类型", KINDS.columns, ())
    svg = chart_svg(chart_of(empty, ChartKind.PIE, no_data="本期没有数据"))
    assert "本期没有数据" in svg


def test_a_chart_of_words_is_refused():
    with pytest.raises(ValueError):
        chart_of(KINDS, ChartKind.BAR, (0,))
