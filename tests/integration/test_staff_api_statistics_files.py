"""The bulletin's downloads on the staff API (R19): the XLSX and the CSV of the period asked,
saved by the browser, with the figures and the major cases' causes; for supervisors, leaders and
auditors only; a period that makes no sense refused in the requester's language, never a 500."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from shared.domain.staff import Role
from tests.support import staff_api as fixtures
from tests.support.bulletins import HOSTILE, a_bulletin
from tests.support.staff_api import json_of
from tests.support.xlsx_reader import read_workbook, rows

sqlite_staff_api = fixtures.sqlite_staff_api  # the fixture: the routes do not touch the store


class Statistics:
    """The statistics service with known figures (the real one reads the period asked): records
    the periods asked."""

    def __init__(self, real):
        self.asked = []
        self.period = real.period

    def bulletin(self, period):
        self.asked.append(period)
        return a_bulletin(cause=HOSTILE)


@pytest.fixture
def api(sqlite_staff_api):
    app = sqlite_staff_api.app
    app.__dict__["statistics"] = Statistics(app.statistics)
    return sqlite_staff_api


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.LEADER, Role.AUDITOR])
def test_management_downloads_the_workbook_of_the_month(api, role):
    _, token = api.member(role)
    response = api.get("/statistics/export.xlsx?month=2026-11", token)
    assert response.status_code == 200
    assert response.headers["Content-Type"].endswith("spreadsheetml.sheet")
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="bulletin-2026-11-01-2026-11-30.xlsx"')
    assert response.headers["Cache-Control"] == "no-store"
    sheets = read_workbook(response.data)
    assert rows(sheets["要点"])[3] == ["收到", 120.0]
    major = sheets["重大和热点案件"]
    assert major["A4"] == ("s", "TS-20261103-ABCDEF-1") and major["I4"] == ("s", HOSTILE)
    [period] = api.app.statistics.asked
    assert (period.start, period.end) == (date(2026, 11, 1), date(2026, 12, 1))


def test_the_csv_comes_in_english_when_asked(api):
    _, token = api.member(Role.LEADER)
    response = api.get("/statistics/export.csv?from=2026-11-23&to=2026-11-30&lang=en", token)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert ["Received", "120"] in parsed and ["Complaint", "90", "0.75"] in parsed
    [period] = api.app.statistics.asked
    assert (period.start, period.end) == (date(2026, 11, 23), date(2026, 11, 30))


@pytest.mark.parametrize("role", [Role.HANDLER, Role.CLERK, Role.ADMIN])
@pytest.mark.parametrize("path", ["/statistics/export.xlsx", "/statistics/export.csv"])
def test_other_roles_are_refused(api, role, path):
    _, token = api.member(role)
    response = api.get(f"{path}?month=2026-11", token)
    assert response.status_code == 403
    assert json_of(response)["error"] == "forbidden"
    assert api.app.statistics.asked == []


def test_without_a_session_nothing_is_told(api):
    assert api.get("/statistics/export.xlsx?month=2026-11").status_code == 401


@pytest.mark.parametrize("query, field, code", [  # read as GET /statistics reads them
    ("month=2026-13", "month", "invalid"),
    ("month=<script>", "month", "invalid"),
    ("month=2026-11&from=2026-11-01", "month", "invalid"),
    ("from=2026-11-30&to=2026-11-01", "to", "out_of_range"),
    ("from=2025-01-01&to=2026-11-30", "to", "out_of_range"),
    ("from=2026-11-01", "to", "required"),
    ("month=2026-11&month=2026-10", "month", "invalid"),
    ("year=2026", "year", "unknown_field"),
])
def test_a_period_that_makes_no_sense_is_refused_in_words(api, query, field, code):
    _, token = api.member(Role.LEADER)
    for lang, word in (("zh-CN", "。"), ("en", ".")):
        response = api.get(f"/statistics/export.xlsx?{query}&lang={lang}", token)
        assert response.status_code == 422, query
        body = json_of(response)
        assert body["fields"][field]["code"] == code
        assert body["fields"][field]["message"].endswith(word)
    assert api.app.statistics.asked == []
