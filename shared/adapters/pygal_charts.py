"""The bulletin's charts as SVG, drawn by pygal from plain `Chart` values.

pygal writes an interactive SVG: a `<script>` with its configuration and links to its tooltip
script. Ours must be inert (served from our origin, shown through `<img>`), so the links are
turned off (`js=[]`) and an XML filter — pygal's own hook for post-processing its tree — removes
every script element, every `on…` attribute and every comment (which name pygal's web site)
before the tree is written. No external reference is left: fonts are named, not loaded.
"""
from __future__ import annotations

import pygal
from pygal.style import Style

from shared.domain.report_tables import Chart, ChartKind, Measure

_KINDS = {ChartKind.BAR: pygal.Bar, ChartKind.HORIZONTAL_BAR: pygal.HorizontalBar,
          ChartKind.PIE: pygal.Pie}
_FONTS = '"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif'
_STYLE = Style(font_family=_FONTS, background="white", plot_background="white",
               title_font_size=18, label_font_size=13, major_label_font_size=13,
               legend_font_size=13, value_font_size=13, tooltip_font_size=13)
_FORMATS = {Measure.RATE: lambda v: "" if v is None else f"{v:.0%}",
            Measure.HOURS: lambda v: "" if v is None else f"{v:.1f}",
            Measure.SCORE: lambda v: "" if v is None else f"{v:.2f}",
            Measure.COUNT: lambda v: "" if v is None else f"{v:g}"}


def chart_svg(chart: Chart, width: int = 720, height: int = 420) -> str:
    """The chart as a standalone SVG document (text), with no script and no external link."""
    draw = _KINDS[chart.kind](
        style=_STYLE, width=width, height=height, js=[], disable_xml_declaration=True,
        explicit_size=True, print_values=True, value_formatter=_FORMATS[chart.measure],
        show_legend=len(chart.series) > 1 or chart.kind == ChartKind.PIE,
        legend_at_bottom=True, truncate_legend=40, truncate_label=30, x_label_rotation=0,
        no_data_text=chart.no_data or "-", title=chart.title)
    if chart.measure == Measure.RATE:
        draw.range = (0, 1)
    draw.add_xml_filter(_inert)
    if chart.kind == ChartKind.PIE:  # one slice per row: the label names the slice
        for label, value in zip(chart.labels, chart.series[0].values if chart.series else ()):
            if value:
                draw.add(label, [value])
    else:
        draw.x_labels = list(chart.labels)
        for series in chart.series:
            draw.add(series.name, list(series.values))
    return draw.render(is_unicode=True)


def _inert(root):
    """pygal's tree without its scripts, event attributes and comments."""
    for parent in list(root.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str) or _local(child.tag) == "script":
                parent.remove(child)  # a comment's tag is a function, not a name
        for name in [n for n in parent.attrib if _local(n).lower().startswith("on")]:
            del parent.attrib[name]
    return root


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
