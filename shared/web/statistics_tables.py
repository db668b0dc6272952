"""The bulletin (R19) as the tables and charts a reader sees, in their language: what the console
page, the CSV and XLSX downloads and the charts are all written from (`report_tables`). Codes
(kinds, channels, categories, severities, outcomes, statuses) become their names; a handler's id
becomes their name when the caller knows it. The words of a major case's closure report are the
staff's own, passed as they are (the writers keep them text)."""
from __future__ import annotations

from collections.abc import Mapping

from shared.domain.bulletin_mail import headline
from shared.domain.report_tables import Cell, Chart, ChartKind, Column, Measure, Table, chart_of
from shared.domain.statistics import Bulletin, Performance

# Which tables are charted, and how: (table key, kind, the columns charted).
CHARTS: tuple[tuple[str, ChartKind, tuple[int, ...]], ...] = (
    ("by_kind", ChartKind.PIE, (1,)),
    ("by_channel", ChartKind.PIE, (1,)),
    ("by_category", ChartKind.HORIZONTAL_BAR, (1,)),
    ("by_severity", ChartKind.BAR, (1,)),
    ("timeliness", ChartKind.BAR, (3,)),
    ("handling_time", ChartKind.BAR, (1,)),
    ("satisfaction", ChartKind.BAR, (1,)),
    ("departments", ChartKind.HORIZONTAL_BAR, (1, 2)),
)
CHART_KEYS = tuple(key for key, _, _ in CHARTS)


def bulletin_tables(bulletin: Bulletin, texts: Mapping, names: Mapping[str, str] | None = None,
                    local_time=None) -> list[Table]:
    """Every table of the bulletin, in the order the page and the files show them. `texts`: the
    language's catalog (`Renderer.texts`); `names`: staff ids → display names; `local_time`:
    a moment as the platform's local time (`Renderer.local_time`; else UTC)."""
    s, names = texts["statistics"], names or {}
    when = local_time or (lambda moment: moment.strftime("%Y-%m-%d %H:%M"))
    col, title = s["columns"], s["tables"]
    severities, statuses = texts["staff_mail"]["severities"], texts["staff_mail"]["statuses"]
    figures = headline(bulletin)
    tables = [Table("headline", title["headline"], (Column(col["figure"]),
                                                    Column(col["value"], Measure.COUNT)),
                    tuple((s["figures"][key], value) for key, _, value in figures),
                    row_measures=tuple(Measure(measure) for _, measure, _ in figures))]
    for key, counts, labels in (("by_kind", bulletin.by_kind, texts["kinds"]),
                                ("by_channel", bulletin.by_channel, s["channels"]),
                                ("by_category", bulletin.by_category, texts["categories"]),
                                ("by_severity", bulletin.by_severity, severities)):
        tables.append(_counts(key, title[key], col[key.removeprefix("by_")], col, counts, labels))
    stages = s["stages"]
    tables.append(Table("timeliness", title["timeliness"], (
        Column(col["stage"]), Column(col["on_time"], Measure.COUNT),
        Column(col["total"], Measure.COUNT), Column(col["rate"], Measure.RATE)), tuple(
        (stages[stage], rate.on_time, rate.total, rate.rate)
        for stage, rate in (("review", bulletin.review_on_time),
                            ("decision", bulletin.decision_on_time)))))
    tables.append(Table("handling_time", title["handling_time"], (
        Column(col["hours"]), Column(col["count"], Measure.COUNT)),
        _buckets(bulletin.handling_time.buckets, s)))
    tables.append(_counts("outcomes", title["outcomes"], col["outcome"], col, bulletin.outcomes,
                          texts["outcomes"]))
    tables.append(_counts("appeals", title["appeals"], col["outcome"], col,
                          bulletin.appeal_outcomes, texts["outcomes"]))
    tables.append(Table("satisfaction", title["satisfaction"], (
        Column(col["score"]), Column(col["count"], Measure.COUNT)), tuple(
        (s["score_of"].format(score=score), bulletin.satisfaction.counts.get(score, 0))
        for score in range(5, 0, -1))))
    tables.append(_performance("departments", title["departments"], col["department"], col,
                               bulletin.departments, lambda p: p.id or s["no_department"]))
    tables.append(_performance("handlers", title["handlers"], col["handler"], col,
                               bulletin.handlers, lambda p: names.get(p.id, p.id)))
    tables.append(Table("major_and_hot", title["major_and_hot"], tuple(Column(col[name]) for name in (
        "number", "kind", "severity", "status", "category", "department", "received_at",
        "closed_at", "cause", "prevention", "summary")), tuple(
        (c.number, texts["kinds"].get(c.kind, c.kind), severities.get(c.severity, c.severity),
         statuses.get(c.status, c.status), texts["categories"].get(c.category, c.category),
         c.department, when(c.received_at), when(c.closed_at) if c.closed_at else "", c.cause,
         c.prevention, c.summary)
        for c in bulletin.major_and_hot)))
    tables.append(misuse_table(bulletin, texts["misuse"]["statistics"]))
    return tables


MISUSE_MEASURES = ("warned", "hold_started", "held", "released", "lifted")


def misuse_table(bulletin: Bulletin, m: Mapping) -> Table:
    """The misuse policy (R21): warnings sent, holds started, reports held, released, lifted;
    every measure, 0 when it did not happen."""
    return Table("misuse", m["title"], (Column(m["measure"]), Column(m["count"], Measure.COUNT)),
                 tuple((m[name], bulletin.misuse.get(name, 0)) for name in MISUSE_MEASURES))


def bulletin_charts(tables: list[Table], texts: Mapping) -> dict[str, Chart]:
    """The charts of the tables (`CHARTS`), by key."""
    by_key = {table.key: table for table in tables}
    no_data = texts["statistics"]["no_data"]
    return {key: chart_of(by_key[key], kind, columns, no_data=no_data)
            for key, kind, columns in CHARTS}


def _counts(key: str, title: str, label: str, col: Mapping, counts: Mapping[str, int],
            names: Mapping[str, str]) -> Table:
    """Counts by code, the largest first, each with its share of the whole."""
    total = sum(counts.values())
    rows = tuple((names.get(code, code), n, n / total if total else None)
                 for code, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    return Table(key, title, (Column(label), Column(col["count"], Measure.COUNT),
                              Column(col["share"], Measure.RATE)), rows)


def _buckets(buckets: Mapping[int, int], s: Mapping) -> tuple[tuple[Cell, ...], ...]:
    """The histogram of handling time: "≤ 24 h" per edge, then beyond the last edge (key 0)."""
    edges = sorted(edge for edge in buckets if edge)
    rows: list[tuple[Cell, ...]] = [(s["hours_up_to"].format(hours=edge), buckets[edge])
                                    for edge in edges]
    if buckets.get(0):
        rows.append((s["hours_beyond"].format(hours=edges[-1] if edges else 0), buckets[0]))
    return tuple(rows)


def _performance(key: str, title: str, label: str, col: Mapping, rows: list[Performance],
                 name) -> Table:
    return Table(key, title, (
        Column(label), Column(col["assigned"], Measure.COUNT), Column(col["closed"], Measure.COUNT),
        Column(col["closed_on_time"], Measure.COUNT), Column(col["rate"], Measure.RATE),
        Column(col["median_hours"], Measure.HOURS)), tuple(
        (name(p), p.assigned, p.closed, p.decision_on_time.on_time, p.decision_on_time.rate,
         p.median_hours) for p in rows))
