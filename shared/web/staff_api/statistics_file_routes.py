"""Routes of the bulletin's downloads (R19): the period's bulletin as an XLSX workbook or a CSV
file, saved by the browser (`attachment`), in the requester's language; the same roles as the
bulletin itself (`read_statistics`)."""
from __future__ import annotations

from shared.domain.permissions import Action, authorize
from shared.web.statistics_output import bulletin_file

from .call import Call
from .responses import file_answer


def statistics_xlsx(call: Call):
    """GET /statistics/export.xlsx?month=2026-11 (or from=&to=, `to` excluded): one sheet per
    table."""
    return _download(call, "xlsx")


def statistics_csv(call: Call):
    """GET /statistics/export.csv?month=2026-11 (or from=&to=): UTF-8 with a BOM, a section per
    table."""
    return _download(call, "csv")


def _download(call: Call, kind: str):
    authorize(call.who.member, Action.READ_STATISTICS)
    app = call.app
    query = call.query("month", "from", "to")  # as GET /statistics: `to` excluded
    period = app.statistics.period(query.get("month"), query.get("from"), query.get("to"))
    bulletin = app.statistics.bulletin(period)
    names = {member.id: member.display_name for member in app.store.list_staff()}
    data, content_type, name = bulletin_file(
        bulletin, kind, app.renderer.texts(call.lang), app.settings.platform_name, names,
        app.renderer.local_time)
    return file_answer(data, content_type, name)
