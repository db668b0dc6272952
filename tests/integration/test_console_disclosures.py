"""Disclosure of a major case in the console (R22): a supervisor proposes it with its summary, a
supervisor other than the proposer sees the summary escaped and approves it, and the same refusals
as the API show on the page with what was typed kept."""
from __future__ import annotations

import re

from shared.domain.cases import Severity, Status
from shared.domain.staff import Role
from tests.integration.test_disclosures import SUMMARY
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.console import text_of
from tests.support.staff_desk import StaffDesk

sqlite_staff_api = api_fixtures.sqlite_staff_api
sqlite_console = console_fixtures.sqlite_console

HOSTILE = '<script>alert(1)</script>"onmouseover="alert(2)'


def _forms(page: str) -> set[str]:
    return set(re.findall(r'action="/console/cases/[\w-]+/([\w-]+)"', page))


def test_proposed_in_the_console_and_approved_by_another_supervisor(sqlite_console):
    console = sqlite_console
    number = StaffDesk(console.store, console.api.app.clock).case(Status.CLOSED,
                                                                  severity=Severity.MAJOR)
    console.sign_in_as(Role.SUPERVISOR, id="sup.one")
    posted = console.post(f"/console/cases/{number}/disclosure",
                          {**SUMMARY, "what": HOSTILE, "language": "zh-CN"})
    assert posted.status_code == 303
    page = text_of(console.get(posted.headers["Location"]))
    assert "已提请公示" in page
    assert "disclosure-approve" not in _forms(page)  # not the proposer's to approve
    console.sign_in_as(Role.SUPERVISOR, id="sup.two")
    page = text_of(console.get(f"/console/cases/{number}"))
    assert {"disclosure-approve", "disclosure-refuse", "disclosure-withdraw"} <= _forms(page)
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "提出人：sup.one" in page
    approved = console.post(f"/console/cases/{number}/disclosure-approve", {})
    assert approved.status_code == 303
    assert console.store.get_case(number).disclosure["state"] == "approved"


def test_refusals_show_on_the_page_with_what_was_typed(sqlite_console):
    console = sqlite_console
    cases = StaffDesk(console.store, console.api.app.clock)
    number = cases.case(Status.CLOSED, severity=Severity.MAJOR)
    console.sign_in_as(Role.SUPERVISOR)
    typed = {**SUMMARY, "cause": "举报人王小明的电话 13812345678"}
    refused = console.post(f"/console/cases/{number}/disclosure?lang=en", typed)
    assert refused.status_code == 422
    page = text_of(refused)
    assert "what may identify a person" in page and SUMMARY["what"] in page
    assert console.store.get_case(number).disclosure == {}
    general = cases.case(Status.CLOSED)
    assert "disclosure" not in _forms(text_of(console.get(f"/console/cases/{general}")))
    forged = console.post(f"/console/cases/{general}/disclosure", SUMMARY)
    assert forged.status_code == 409  # the language chosen above stays
    assert "Only a major case may be disclosed to the public." in text_of(forged)
