"""The archive's routes (R18) on both stores: archiving, the export as a file to save, the raw
emails, the year filter; and that every route that changes a case answers 409 on an archived one
while reads, the timeline and the audit chain still work."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from shared.domain.cases import EventType, Status, TimelineEvent
from shared.domain.staff import Requester, Role
from shared.web.staff_api.routes import ROUTES
from tests.support import staff_api as fixtures
from tests.support.builders import a_decision_record
from tests.support.staff_api import json_of
from tests.support.staff_desk import CLIENT, StaffDesk, unknown_number

staff_api, sqlite_staff_api = fixtures.staff_api, fixtures.sqlite_staff_api  # the fixtures

RAW = b"From: <wangxm@qq.com>\r\nSubject: refund\r\nMessage-ID: <r1@qq.com>\r\n\r\nrefund\r\n"
# Routes the lifecycle table allows on an archived case: they record something about it (a note,
# a reveal, confidentiality) rather than change what was decided; the read routes are GETs.
ALLOWED_WHEN_ARCHIVED = {"/cases/<number>/notes", "/cases/<number>/identity/reveal",
                         "/cases/<number>/confidentiality"}
# A valid body for each changing route, so that what answers is the status, not the input.
BODIES = {
    "/cases/<number>/accept": {},
    "/cases/<number>/reject": {"reason": "other", "text": "不属于平台"},
    "/cases/<number>/reopen": {"reason": "初审有误"},
    "/cases/<number>/classification": {"category": "billing", "reason": "r"},
    "/cases/<number>/severity": {"severity": "hot", "reason": "r"},
    "/cases/<number>/assignment": {"department": "运营部", "reason": "r"},
    "/cases/<number>/start": {},
    "/cases/<number>/messages": {"text": "您好"},
    "/cases/<number>/reporter-answers": {"text": "电话答复"},
    "/cases/<number>/referrals": {"authority": "cac", "referred_on": "2026-11-28"},
    "/cases/<number>/archive": {},
    "/cases/<number>/decision": a_decision_record(),
    "/cases/<number>/decision/compensation-approval": {},
    "/cases/<number>/decision/approve": {},
    "/cases/<number>/decision/send-back": {"reason": "补充事实"},
    "/cases/<number>/appeal": {"text": "来电：不服"},
    "/cases/<number>/mark": {"mark": "malicious", "reason": "捏造事实"},
}


@pytest.fixture
def desk(staff_api):
    """(api, StaffDesk on the function's own store and clock)."""
    return staff_api, StaffDesk(staff_api.store, staff_api.app.clock)


def _error(answer) -> tuple[int, str]:
    return answer.status_code, json_of(answer)["error"]


def closed_case(cases: StaffDesk, window_left=-timedelta(days=1), **fields) -> str:
    now = cases.clock.now()
    record = a_decision_record()
    return cases.case(Status.CLOSED, decision={"record": record, "sent": record,
                                               "drafted_by": "h1", "approved_by": "s1"},
                      closed_at=now - timedelta(days=200), appeal_until=now + window_left,
                      **fields)


def with_raw_mail(api, cases: StaffDesk, number: str) -> str:
    key = f"mail/{hashlib.sha256(RAW).hexdigest()}.eml"
    api.app.attachments.put(key, RAW, "message/rfc822")
    cases.store.update_case(number, lambda case: case.record(TimelineEvent(
        EventType.REPORTER_REPLIED, cases.clock.now(), text="refund",
        data={"raw": key, "subject": "refund"}, actor="reporter")))
    return key


def test_a_supervisor_archives_a_closed_case_once(desk):
    api, cases = desk
    number = closed_case(cases)
    _, supervisor = api.member(Role.SUPERVISOR)
    archived = json_of(api.post(f"/cases/{number}/archive", supervisor))
    assert archived["status"] == "archived" and archived["archived_at"]
    again = api.post(f"/cases/{number}/archive", supervisor, json={})
    assert _error(again) == (409, "transition_not_allowed")
    _, handler = api.member(Role.HANDLER)
    assert _error(api.post(f"/cases/{closed_case(cases)}/archive", handler)) == (403, "forbidden")
    assert _error(api.post(f"/cases/{unknown_number()}/archive", supervisor)) == \
        (404, "case_not_found")


def test_inside_the_window_archiving_needs_force_and_a_reason(desk):
    api, cases = desk
    number = closed_case(cases, window_left=timedelta(days=10))
    _, supervisor = api.member(Role.SUPERVISOR)
    refused = api.post(f"/cases/{number}/archive", supervisor, headers={"Accept-Language": "en"})
    assert _error(refused) == (409, "appeal_window_open")
    assert "appeal window is still open" in json_of(refused)["message"]
    forced = api.post(f"/cases/{number}/archive", supervisor, json={"force": True})
    assert forced.status_code == 422 and json_of(forced)["fields"]["reason"]["code"] == "required"
    bad = api.post(f"/cases/{number}/archive", supervisor, json={"force": "yes", "reason": "r"})
    assert bad.status_code == 422
    assert cases.store.get_case(number).status == Status.CLOSED
    done = api.post(f"/cases/{number}/archive", supervisor,
                    json={"force": True, "reason": "法院调卷"})
    assert json_of(done)["status"] == "archived"


def test_every_changing_route_answers_409_on_an_archived_case(desk):
    api, cases = desk
    # A supervisor and a leader: the role table lets every route through.
    supervisor, token = api.member(Role.SUPERVISOR, Role.LEADER, department="运营部")
    # Theirs, so that need-to-know lets every route through to the status (start_work too).
    number = closed_case(cases, assignee=supervisor.id, department="运营部")
    cases.cases.archive(Requester(supervisor, CLIENT), number)
    before = cases.snapshot(number)
    changing = [path for path, method, _ in ROUTES
                if method == "POST" and path.startswith("/cases/<number>/")]
    assert ALLOWED_WHEN_ARCHIVED | {"/cases/<number>/archive"} <= set(changing)
    for path in changing:
        if path in ALLOWED_WHEN_ARCHIVED:
            continue
        url = path.replace("<number>", number).replace("<reply_id>", "r1")
        answer = api.post(url, token, json=BODIES.get(path, {"reason": "r", "text": "t"}))
        if path in BODIES:
            assert _error(answer) == (409, "transition_not_allowed"), path
        else:  # a route added since: refused all the same, by status or by its input
            assert answer.status_code in (404, 409, 422), path
    assert cases.snapshot(number) == before
    assert json_of(api.get(f"/cases/{number}", token))["status"] == "archived"
    events = json_of(api.get(f"/cases/{number}/events", token))["events"]
    assert events[-1]["type"] == "case_archived"
    _, auditor = api.member(Role.AUDITOR)
    assert json_of(api.get(f"/cases/{number}/audit", auditor))["intact"] is True
    noted = api.post(f"/cases/{number}/notes", token, json={"text": "调卷备注"})
    assert noted.status_code == 200


def test_archived_cases_are_found_by_year_and_words(desk):
    api, cases = desk
    number = closed_case(cases, subject="退款 物流 archive")
    _, supervisor = api.member(Role.SUPERVISOR)
    api.post(f"/cases/{number}/archive", supervisor)
    year = cases.clock.now().year

    def found(query: str) -> list[str]:
        return [i["number"] for i in json_of(api.get(f"/cases?{query}", supervisor))["items"]]

    assert found(f"status=archived&year={year}") == [number]
    assert found(f"status=archived&year={year}&words=物流") == [number]
    assert found(f"status=archived&year={year - 1}") == []
    answer = api.get("/cases?year=abc", supervisor)
    assert answer.status_code == 422 and json_of(answer)["fields"]["year"]["code"] == "invalid_type"


def test_the_export_is_a_file_to_save_escaped_and_recorded(desk):
    api, cases = desk
    number = closed_case(cases, subject="<script>alert(1)</script>")
    with_raw_mail(api, cases, number)
    _, auditor = api.member(Role.AUDITOR)
    answer = api.get(f"/cases/{number}/export?lang=en", auditor)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert answer.headers["Content-Disposition"] == \
        f"attachment; filename=\"case-{number}.html\"; filename*=UTF-8''case-{number}.html"
    assert "default-src 'none'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Content-Security-Policy"].endswith("; sandbox")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Cache-Control"] == "no-store"
    html = answer.get_data(as_text=True)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "Case record export" in html and "The second charge is refunded." in html
    chinese = api.get(f"/cases/{number}/export", auditor, headers={"Accept-Language": "zh-CN"})
    assert "案件档案导出" in chinese.get_data(as_text=True)
    exported = [e for e in cases.events(number) if e.type == EventType.CASE_EXPORTED]
    assert [e.data["language"] for e in exported] == ["en", "zh-CN"]
    _, clerk = api.member(Role.CLERK)
    assert _error(api.get(f"/cases/{number}/export", clerk)) == (403, "forbidden")
    assert _error(api.get(f"/cases/{number}/export?x=1", auditor))[0] == 422


def test_raw_emails_are_listed_and_downloaded_as_attachments(desk):
    api, cases = desk
    number = closed_case(cases)
    key = with_raw_mail(api, cases, number)
    _, clerk = api.member(Role.CLERK)
    listed = json_of(api.get(f"/cases/{number}/raw-mail", clerk))
    assert [m["index"] for m in listed["items"]] == [1]
    assert listed["items"][0]["sha256"] == key[5:-4]
    assert _error(api.get(f"/cases/{number}/raw-mail/1", clerk)) == (403, "forbidden")
    _, supervisor = api.member(Role.SUPERVISOR)
    got = api.get(f"/cases/{number}/raw-mail/1", supervisor)
    assert got.status_code == 200 and got.data == RAW
    assert got.headers["Content-Type"] == "message/rfc822"
    assert got.headers["Content-Disposition"] == \
        f"attachment; filename=\"{number}-mail-1.eml\"; filename*=UTF-8''{number}-mail-1.eml"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    for index in ("2", "0", "x", "1" * 40):
        assert api.get(f"/cases/{number}/raw-mail/{index}", supervisor).status_code == 404
    recorded = [e for e in cases.events(number) if e.type == EventType.CASE_EXPORTED]
    assert [e.data["exported"] for e in recorded] == ["raw_mail"]
