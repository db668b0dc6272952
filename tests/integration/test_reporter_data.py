"""The reporter downloads what the system holds about their case from the status page (issue 12,
PIPL Art. 45): JSON or HTML, saved as a file, recorded on the timeline, limited like lookups;
their own data only — never staff-only events, staff members' ids, the respondent's data or
another person's — and every field they typed kept as text, never markup."""
from __future__ import annotations

import json

import pytest

from shared import bootstrap
from shared.domain import lifecycle
from shared.domain.cases import REPORTER, EventType, TimelineEvent
from shared.domain.commands import AcceptCase, AssignCase
from shared.services.reporter_data import DOWNLOADS_PER_HOUR
from tests.integration.test_web_form import complaint_form, receipt, submit
from tests.support.timeline import events_of

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(2)>'
STAFF_SECRETS = ("内部备注：投诉人很难缠", "s-handler-7", "受理理由仅内部可见", "商家王五的手机 13911112222")


@pytest.fixture(autouse=True)
def behind_one_proxy(monkeypatch):
    monkeypatch.setenv("CD_TRUSTED_PROXIES", "1")


def hostile_case(function_client) -> tuple[str, str]:
    """A case whose reporter typed markup everywhere, with staff work on it the reporter must
    not see: an internal note, a staff member's id, an acceptance's reason, a respondent set by
    staff and a notice to the respondent."""
    form = complaint_form(subject=f"耳机{SCRIPT}", description=f"描述{IMAGE}",
                          desired_outcome=f"换货{SCRIPT}", name="李雷&韩梅梅")
    number, code = receipt(submit(function_client("submit_form"), form).get_data(as_text=True))
    status = function_client("case_status")
    added = status.post("/", data={"action": "add", "number": number, "code": code,
                                   "text": f"补充{SCRIPT}{IMAGE}"},
                        headers={"X-Forwarded-For": "203.0.113.7"})
    assert added.status_code == 200
    app = bootstrap.services()
    now = app.clock.now()

    def staff_work(case):
        lifecycle.apply(case, AcceptCase(actor="staff:s-clerk", reason=STAFF_SECRETS[2]), now)
        lifecycle.apply(case, AssignCase(actor="staff:s-boss", assignee=STAFF_SECRETS[1],
                                         department="客服中心"), now)
        case.record(TimelineEvent(EventType.NOTE_ADDED, now, text=STAFF_SECRETS[0],
                                  actor="staff:" + STAFF_SECRETS[1]))
        case.record(TimelineEvent(EventType.NOTICE_SENT, now, text=STAFF_SECRETS[3],
                                  data={"template": "respondent_outcome",
                                        "addressee": "respondent"}))
        case.respondent = STAFF_SECRETS[3]

    app.store.update_case(number, staff_work)
    return number, code


def download(client, number, code, fmt="json", ip="203.0.113.7"):
    return client.post("/?lang=en", data={"action": "download", "number": number, "code": code,
                                          "format": fmt}, headers={"X-Forwarded-For": ip})


def test_the_json_download_holds_their_data_as_text_and_nothing_of_staff(function_client):
    number, code = hostile_case(function_client)
    response = download(function_client("case_status"), number, code)
    assert response.status_code == 200
    headers = response.headers
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["Content-Disposition"].startswith(
        f'attachment; filename="case-{number}-my-data.json"')
    assert headers["X-Content-Type-Options"] == "nosniff" and "sandbox" in headers[
        "Content-Security-Policy"]
    body = response.get_data(as_text=True)
    assert "<" not in body and ">" not in body and "&" not in body  # written as \u escapes
    data = json.loads(body)
    assert data["case"]["subject"] == f"耳机{SCRIPT}"  # exactly what they typed, as text
    assert data["case"]["description"] == f"描述{IMAGE}"
    assert data["private_record"] == {"anonymous": False, "name": "李雷&韩梅梅",
                                      "email": "lilei@example.com", "phone": "+8613800138000"}
    assert [m["text"] for m in data["messages"]] == [f"补充{SCRIPT}{IMAGE}"]
    types = [e["type"] for e in data["timeline"]]
    assert types[0] == "case_registered" and types[-1] == "reporter_data_downloaded"
    assert "case_accepted" in types and "note_added" not in types and "case_assigned" not in types
    assert {e["by"] for e in data["timeline"]} <= {"you", "staff", "system"}
    for secret in STAFF_SECRETS + ("s-clerk", "s-boss", "respondent"):
        assert secret not in body, secret


def test_the_html_download_escapes_every_field_and_runs_nothing(function_client):
    number, code = hostile_case(function_client)
    response = download(function_client("case_status"), number, code, fmt="html")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        f'attachment; filename="case-{number}-my-data.html"')
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "sandbox" in policy and "script-src" not in policy
    html = response.get_data(as_text=True)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "onerror=alert(2)&gt;" in html
    assert "李雷&amp;韩梅梅" in html and "You downloaded your data" in html
    for secret in STAFF_SECRETS + ("s-clerk", "s-boss"):
        assert secret not in html, secret


def test_each_download_is_recorded_and_limited_and_a_wrong_code_gets_nothing(function_client):
    number, code = hostile_case(function_client)
    client = function_client("case_status")
    app = bootstrap.services()
    wrong = download(client, number, "AAAA-BBBB-CCCC-DDDD")
    assert wrong.status_code == 404 and "attachment" not in wrong.headers.get(
        "Content-Disposition", "")
    assert download(client, number, code, fmt="pdf").status_code == 422
    answers = [download(client, number, code).status_code for _ in range(DOWNLOADS_PER_HOUR + 1)]
    assert answers == [200] * DOWNLOADS_PER_HOUR + [429]
    recorded = [e for e in events_of(app.store, number)
                if e.type == EventType.REPORTER_DATA_DOWNLOADED]
    assert len(recorded) == DOWNLOADS_PER_HOUR
    assert all(e.actor == REPORTER and e.public for e in recorded)


def test_the_status_page_offers_the_download_in_both_languages(function_client):
    number, code = hostile_case(function_client)
    client = function_client("case_status")
    for lang, words in (("zh-CN", "下载（JSON"), ("en", "Download (HTML")):
        page = client.post(f"/?lang={lang}", data={"action": "look_up", "number": number,
                                                    "code": code},
                           headers={"X-Forwarded-For": "203.0.113.7"}).get_data(as_text=True)
        assert words in page and 'name="action" value="download"' in page
