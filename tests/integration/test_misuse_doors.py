"""The misuse policy (R21) through its doors: the staff API's routes on both stores (answers,
refusals in both languages, the role table) and the console's case page (the held flag, the
reporter's standing, the supervisors' release and lift forms, refusals with the text kept and
escaped). The rules themselves are tested in test_misuse_policy.py."""
from __future__ import annotations

from shared.domain.cases import Channel, EventType, Kind
from shared.domain.staff import Role
from shared.services.registration import NewCase
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.console import text_of
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk

staff_api, sqlite_staff_api = api_fixtures.staff_api, api_fixtures.sqlite_staff_api
console, sqlite_console = console_fixtures.console, console_fixtures.sqlite_console

HOSTILE = '<script>alert(1)</script>'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _report(app, email: str = "wang.xm@qq.com") -> str:
    return app.registration.register(NewCase(
        kind=Kind.REPORT, channel=Channel.WEB_FORM, category="fraud", subject="冒充客服",
        description="对方要求转账。", name="王小明", email=email)).number


def _held(api, supervisor_token: str) -> str:
    """Five reports of one address marked unfounded over the API, then a sixth: held."""
    for _ in range(5):
        number = _report(api.app)
        answer = api.post(f"/cases/{number}/mark", supervisor_token,
                          json={"mark": "unfounded", "reason": "查无此事"})
        assert answer.status_code == 200, answer.get_data(as_text=True)
    return _report(api.app)


def test_a_held_report_is_released_over_http_and_refusals_say_why(staff_api):
    api = staff_api
    _, boss = api.member(Role.SUPERVISOR)
    _, handler = api.member(Role.HANDLER)
    held = _held(api, boss)
    shown = json_of(api.get(f"/cases/{held}", boss))
    assert shown["misuse_hold"]["until"] and "release_held_report" in shown["allowed_actions"]
    history = json_of(api.get(f"/cases/{held}/reporter-history", boss))
    assert history["standing"]["held_until"] and history["standing"]["marks"] == 5

    refused = api.post(f"/cases/{held}/accept?lang=en", boss, json={})
    assert refused.status_code == 409
    assert json_of(refused)["error"] == "held_for_misuse"
    assert "supervisor must release it first" in json_of(refused)["message"]
    assert "须先由主管解除" in json_of(api.post(f"/cases/{held}/accept", boss, json={}))["message"]
    assert api.post(f"/cases/{held}/release-hold", handler,
                    json={"reason": "r"}).status_code == 403
    missing = api.post(f"/cases/{held}/release-hold", boss, json={})
    assert missing.status_code == 422 and json_of(missing)["fields"]["reason"]["code"] == "required"

    released = json_of(api.post(f"/cases/{held}/release-hold", boss, json={"reason": "证据具体"}))
    assert released["misuse_hold"]["released_at"]
    assert "release_held_report" not in released["allowed_actions"]
    assert api.post(f"/cases/{held}/release-hold", boss, json={"reason": "r"}).status_code == 200
    never = _report(api.app, "li.lei@example.com")
    answer = api.post(f"/cases/{never}/release-hold?lang=en", boss, json={"reason": "r"})
    assert (answer.status_code, json_of(answer)["error"]) == (409, "not_held")
    assert api.post(f"/cases/{held}/accept", boss, json={}).status_code == 200


def test_the_standing_is_lifted_over_http_by_a_supervisor_only(staff_api):
    api = staff_api
    _, boss = api.member(Role.SUPERVISOR)
    _, handler = api.member(Role.HANDLER)
    held = _held(api, boss)
    assert api.post(f"/cases/{held}/reporter-standing/lift", handler,
                    json={"reason": "r"}).status_code == 403
    shown = json_of(api.post(f"/cases/{held}/reporter-standing/lift", boss,
                             json={"reason": "申诉成立"}))
    assert shown["number"] == held
    standing = json_of(api.get(f"/cases/{held}/reporter-history", boss))["standing"]
    assert (standing["held_until"], standing["liftable"]) == (None, False)
    assert api.store.get_case(_report(api.app)).misuse_hold == {}
    anonymous = api.app.registration.register(NewCase(
        kind=Kind.REPORT, channel=Channel.WEB_FORM, category="fraud", subject="s",
        description="d", email="wang.xm@qq.com", anonymous=True)).number
    answer = api.post(f"/cases/{anonymous}/reporter-standing/lift?lang=en", boss,
                      json={"reason": "r"})
    assert (answer.status_code, json_of(answer)["error"]) == (409, "not_linked")


def test_the_console_shows_the_hold_and_the_supervisor_releases_and_lifts_it(sqlite_console):
    console = sqlite_console
    app = console.api.app
    boss = console.sign_in_as(Role.SUPERVISOR, department="客服中心")
    desk = StaffDesk(console.store, app.clock)
    requester = desk.member(Role.SUPERVISOR)
    for _ in range(5):
        app.staff_cases.mark_report(requester, _report(app), "unfounded", "查无此事")
    held = _report(app)

    queue = text_of(console.get("/console/cases?queue=held"))
    assert held in queue and "暂缓处理（滥用举报）" in queue
    page = text_of(console.get(f"/console/cases/{held}"))
    assert "依滥用举报规则暂缓处理" in page and "已向举报人发出警告" in page
    assert 'action="/console/cases/{}/release-hold"'.format(held) in page
    assert 'action="/console/cases/{}/reporter-standing-lift"'.format(held) in page

    # Refused (no reason): the page again, the message, the text typed kept and escaped.
    answer = console.post(f"/console/cases/{held}/release-hold", {"reason": " "})
    assert answer.status_code == 422
    answer = console.post(f"/console/cases/{held}/accept", {"note": HOSTILE})
    assert answer.status_code == 409 and "须先由主管解除" in text_of(answer)

    answer = console.post(f"/console/cases/{held}/release-hold", {"reason": HOSTILE})
    assert answer.status_code == 303
    page = text_of(console.get(answer.headers["Location"]))
    assert "已解除该举报的暂缓处理" in page and "release-hold" not in page
    assert held not in text_of(console.get("/console/cases?queue=held"))
    assert HOSTILE not in page  # the reason, in the timeline, escaped
    assert ESCAPED in page

    answer = console.post(f"/console/cases/{held}/reporter-standing-lift", {"reason": "申诉成立"})
    assert answer.status_code == 303
    page = text_of(console.get(answer.headers["Location"]))
    assert "已撤销举报人的警告和暂缓处理" in page and "reporter-standing-lift" not in page
    [lifted] = [e for e in console.store.case_events(held, public_only=False)
                if e.type == EventType.MISUSE_STANDING_LIFTED]
    assert lifted.actor == f"staff:{boss.id}"


def test_a_handler_sees_the_hold_but_no_supervisors_form(sqlite_console):
    console = sqlite_console
    app = console.api.app
    requester = StaffDesk(console.store, app.clock).member(Role.SUPERVISOR)
    for _ in range(5):
        app.staff_cases.mark_report(requester, _report(app), "unfounded", "查无此事")
    held = _report(app)
    console.sign_in_as(Role.CLERK)
    page = text_of(console.get(f"/console/cases/{held}"))
    assert "依滥用举报规则暂缓处理" in page
    assert "release-hold" not in page and "reporter-standing-lift" not in page
    assert console.post(f"/console/cases/{held}/release-hold",
                        {"reason": "r"}).status_code == 403
