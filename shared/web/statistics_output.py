"""The bulletin (R19) as files and pictures, for the staff API's downloads and the console's
page: the workbook, the CSV and the charts, in the reader's language, written from the same
tables (`statistics_tables`)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from shared.adapters.bulletin_files import bulletin_csv, bulletin_xlsx
from shared.adapters.pygal_charts import chart_svg
from shared.domain.statistics import Bulletin

from .statistics_tables import CHART_KEYS, bulletin_charts, bulletin_tables

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILES = {"xlsx": (XLSX, bulletin_xlsx), "csv": ("text/csv; charset=utf-8", bulletin_csv)}
SVG = "image/svg+xml"
# A chart is a picture of figures: no script may run in it, not even opened on its own in our
# origin, and nothing is loaded from anywhere (its styles are inline, in the SVG itself).
SVG_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                          "frame-ancestors 'self'; sandbox",
               "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store",
               "Content-Disposition": "inline"}


def bulletin_file(bulletin: Bulletin, kind: str, texts: Mapping, platform: str,
                  names: Mapping[str, str] | None = None, local_time=None
                  ) -> tuple[bytes, str, str]:
    """(the file, its content type, its file name) of the bulletin as `kind` (xlsx or csv).
    Raises KeyError for another kind."""
    content_type, write = FILES[kind]
    first, last = bulletin.period.start, bulletin.period.end - timedelta(days=1)
    title = texts["statistics"]["file_title"].format(platform=platform, first=first, last=last)
    data = write(title, bulletin_tables(bulletin, texts, names, local_time))
    return data, content_type, f"bulletin-{first.isoformat()}-{last.isoformat()}.{kind}"


def bulletin_chart(bulletin: Bulletin, key: str, texts: Mapping) -> str:
    """The chart `key` (one of `CHART_KEYS`) of the bulletin as an SVG document. Raises KeyError
    for another key."""
    if key not in CHART_KEYS:
        raise KeyError(key)
    return chart_svg(bulletin_charts(bulletin_tables(bulletin, texts), texts)[key])
