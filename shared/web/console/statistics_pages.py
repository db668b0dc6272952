"""The statistics bulletin's page (R19) for supervisors, leaders and auditors: a period chooser
(a month, or from/to days), the key figures, the charts, every table, the major and hot cases
with their causes and measures, and the downloads (the same files as the staff API's).

The charts are pygal's SVG (`statistics_output`) shown as `<img src="data:image/svg+xml;…">`:
the console's Content-Security-Policy allows images from `data:`, an image never runs a script
(and ours has none), and its styles live inside the image, which the page's `style-src 'self'`
does not govern. The page computes the bulletin once; the tables below each chart hold the same
figures as text, for screen readers and for copying."""
from __future__ import annotations

import base64

from werkzeug.wrappers import Response

from shared.domain.errors import InvalidCommand
from shared.domain.permissions import Action, authorize
from shared.services.served_files import ServedFile
from shared.web.file_answers import file_answer
from shared.web.staff_api.messages import field_message
from shared.web.statistics_output import bulletin_chart, bulletin_file
from shared.web.statistics_tables import CHART_KEYS, bulletin_tables

from .visit import Visit

_TYPED_MAX = 20  # what the chooser keeps of what was typed
FIELDS = ("month", "from", "to")  # as the API's GET /statistics: `to` is the day after the last


def statistics(visit: Visit) -> Response:
    """GET /console/statistics?month=2026-11 (or from=&to=): the bulletin of the period."""
    authorize(visit.who.member, Action.READ_STATISTICS)
    app, texts = visit.app, visit.texts
    typed = {name: visit.request.args.get(name, "")[:_TYPED_MAX] for name in FIELDS}
    try:
        period = _period(app, typed)
    except InvalidCommand as refused:
        errors = {name: field_message(code, visit.lang) for name, code in refused.errors.items()}
        return visit.page("console/statistics.html", 422, typed=typed, errors=errors,
                          bulletin=None, tables=[], charts={}, downloads={})
    bulletin = app.statistics.bulletin(period)
    tables = bulletin_tables(bulletin, texts, _names(app), app.renderer.local_time)
    charts = {key: _data_uri(bulletin_chart(bulletin, key, texts)) for key in CHART_KEYS}
    query = _query(typed, period)
    downloads = {kind: visit.url(f"/statistics/export.{kind}", **query) for kind in ("xlsx", "csv")}
    return visit.page("console/statistics.html", typed={**typed, **query}, errors={},
                      bulletin=bulletin, tables=tables, charts=charts, downloads=downloads,
                      last_day=bulletin.period.days[-1])


def statistics_xlsx(visit: Visit) -> Response:
    """GET /console/statistics/export.xlsx?…: the workbook, to save."""
    return _download(visit, "xlsx")


def statistics_csv(visit: Visit) -> Response:
    """GET /console/statistics/export.csv?…: the CSV file, to save."""
    return _download(visit, "csv")


def _download(visit: Visit, kind: str) -> Response:
    authorize(visit.who.member, Action.READ_STATISTICS)
    app = visit.app
    asked = {name: visit.request.args[name] for name in FIELDS if visit.request.args.get(name)}
    try:
        period = _period(app, asked)
    except InvalidCommand:  # a download link is ours; a hand-typed bad one goes to the page
        return visit.redirect("/statistics", **asked)
    data, content_type, name = bulletin_file(
        app.statistics.bulletin(period), kind, visit.texts, app.settings.platform_name,
        _names(app), app.renderer.local_time)
    body, status, headers = file_answer(ServedFile(data, name, content_type))
    return Response(body, status, headers)


def _period(app, typed: dict):
    """The period the chooser names (blank fields are not given). Raises InvalidCommand."""
    given = {name: typed.get(name) or None for name in FIELDS}
    return app.statistics.period(given["month"], given["from"], given["to"])


def _names(app) -> dict[str, str]:
    """Staff ids → display names, for the handlers' table."""
    return {member.id: member.display_name for member in app.store.list_staff()}


def _query(typed: dict, period) -> dict:
    """The query naming the period shown (the current month when none was asked)."""
    if typed.get("from") or typed.get("to"):
        return {"from": typed["from"], "to": typed["to"]}
    return {"month": f"{period.start.year:04d}-{period.start.month:02d}"}


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
