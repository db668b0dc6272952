"""Held mail in the console (issue 11), on both stores: the queue and one message for the roles
that read held mail (nobody else sees it in the navigation or may open it), the raw message saved
through the one file answer, and settling it — open a case, attach it, dismiss it — through the
same desk as the API; refusals keep what was typed; what a message says is shown escaped."""
from __future__ import annotations

import re

import pytest

from shared.domain.cases import EventType
from shared.domain.staff import Role
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.console import text_of
from tests.support.held_mail import CLERK, held_complaint
from tests.support.inbound_mail import receive_verified, reply
from tests.support.staff_desk import StaffDesk
from tests.support.timeline import events_of

staff_api, sqlite_staff_api = api_fixtures.staff_api, api_fixtures.sqlite_staff_api
console, sqlite_console = console_fixtures.console, console_fixtures.sqlite_console

NAV_LINK = 'href="/console/held-mail"'
HOSTILE_SUBJECT = '<script>alert(1)</script>投诉'
HOSTILE_BODY = '<img src=x onerror="alert(2)"> 退款 </pre><script>alert(3)</script>'


@pytest.fixture
def held(console):
    """(console, held id) with one held complaint."""
    return console, held_complaint(console.api.app)


def _open_ids(app) -> list[str]:
    return [item["id"] for item in app.held_mail_desk.queue(CLERK)["items"]]


def test_clerks_see_the_queue_and_a_message_decoded_with_its_sender(held):
    console, held_id = held
    console.sign_in_as(Role.CLERK)
    queue = text_of(console.get("/console/held-mail"))
    assert NAV_LINK in queue and "投诉：退款三周未处理" in queue and "wangfang@qq.com" in queue
    assert f'href="/console/held-mail/{held_id}"' in queue
    page = text_of(console.get(f"/console/held-mail/{held_id}"))
    assert "Wang Fang &lt;wangfang@qq.com&gt;" in page and "三周没有处理" in page
    assert {"open-case", "attach", "dismiss"} <= set(
        re.findall(rf'action="/console/held-mail/{held_id}/([\w-]+)"', page))


def test_the_raw_message_is_saved_never_shown(held):
    console, held_id = held
    console.sign_in_as(Role.SUPERVISOR)
    raw = console.get(f"/console/held-mail/{held_id}/raw")
    assert raw.status_code == 200 and raw.headers["Content-Type"] == "message/rfc822"
    assert raw.headers["Content-Disposition"].startswith(f'attachment; filename="held-{held_id}.eml"')
    assert raw.headers["X-Content-Type-Options"] == "nosniff"
    assert b"Message-ID: <fwd-778@qq.com>" in raw.data


def test_other_roles_neither_see_nor_open_held_mail(held):
    console, held_id = held
    for roles in ((Role.HANDLER,), (Role.LEADER,), (Role.ADMIN,)):
        console.sign_in_as(*roles)
        assert NAV_LINK not in text_of(console.get("/console/me"))
        for path in ("/console/held-mail", f"/console/held-mail/{held_id}",
                     f"/console/held-mail/{held_id}/raw"):
            assert console.get(path).status_code == 403, (roles, path)
        dismissed = console.post(f"/console/held-mail/{held_id}/dismiss", {"reason": "垃圾"},
                                 form_page="/console/me")
        assert dismissed.status_code == 403
    console.sign_in_as(Role.AUDITOR)  # auditors read held mail but settle none
    page = text_of(console.get(f"/console/held-mail/{held_id}"))
    assert "三周没有处理" in page and "/dismiss" not in page
    assert console.post(f"/console/held-mail/{held_id}/dismiss", {"reason": "垃圾"},
                        form_page="/console/me").status_code == 403
    assert _open_ids(console.api.app) == [held_id]


def test_opening_a_case_from_held_mail_files_it_and_shows_the_case(held):
    console, held_id = held
    clerk = console.sign_in_as(Role.CLERK)
    opened = console.post(f"/console/held-mail/{held_id}/open-case",
                          {"kind": "complaint", "category": "", "reason": "确为投诉"},
                          form_page=f"/console/held-mail/{held_id}")
    assert opened.status_code == 303
    number = opened.headers["Location"].rsplit("/", 1)[1]
    case = console.store.get_case(number)
    assert case is not None and "三周没有处理" in case.description
    registered = events_of(console.store, number)[0]
    assert registered.actor == f"staff:{clerk.id}" and registered.data["held_id"] == held_id
    assert _open_ids(console.api.app) == []
    settled = text_of(console.get(f"/console/held-mail/{held_id}"))
    assert f'href="/console/cases/{number}"' in settled and "/open-case" not in settled


def test_attaching_and_dismissing_through_the_desk_and_refusals_keep_the_text(held):
    console, held_id = held
    cases = StaffDesk(console.store, console.api.app.clock)
    number = cases.case()
    console.sign_in_as(Role.SUPERVISOR)
    page = f"/console/held-mail/{held_id}"
    wrong = console.post(f"{page}/attach", {"case_number": "TS-NOPE-1", "reason": "同一订单"},
                         form_page=page)
    assert wrong.status_code in (404, 422)
    assert 'value="TS-NOPE-1"' in text_of(wrong) and "同一订单" in text_of(wrong)
    blank = console.post(f"{page}/dismiss", {"reason": "  "}, form_page=page)
    assert blank.status_code == 422 and "必填" in text_of(blank)
    assert _open_ids(console.api.app) == [held_id]
    attached = console.post(f"{page}/attach", {"case_number": number, "reason": "同一订单"},
                            form_page=page)
    assert attached.status_code == 303 and attached.headers["Location"] == f"/console/cases/{number}"
    assert [e.data["held_id"] for e in events_of(console.store, number)
            if e.type == EventType.MAIL_ATTACHED] == [held_id]
    again = console.post(f"{page}/dismiss", {"reason": "重复"}, form_page=page)
    assert again.status_code == 409 and "已经处理过了" in text_of(again)


def test_a_dismissal_returns_to_the_queue_and_a_missing_form_token_changes_nothing(held):
    console, held_id = held
    console.sign_in_as(Role.CLERK)
    forged = console.post(f"/console/held-mail/{held_id}/dismiss", {"reason": "垃圾"}, token="")
    assert forged.status_code == 403 and _open_ids(console.api.app) == [held_id]
    done = console.post(f"/console/held-mail/{held_id}/dismiss", {"reason": "垃圾"},
                        form_page="/console/held-mail")
    assert done.headers["Location"] == "/console/held-mail?done=dismissed"
    assert "已忽略。" in text_of(console.get(done.headers["Location"]))
    assert _open_ids(console.api.app) == []


def test_a_hostile_subject_and_body_are_shown_escaped(sqlite_console):
    app = sqlite_console.api.app
    receive_verified(app, reply("report@example.com", "robot@example.org", HOSTILE_SUBJECT,
                                HOSTILE_BODY, Auto_Submitted="auto-replied",
                                message_id="<evil-1@example.org>"))
    [held_id] = _open_ids(app)
    sqlite_console.sign_in_as(Role.CLERK)
    for path in ("/console/held-mail", f"/console/held-mail/{held_id}"):
        page = text_of(sqlite_console.get(path))
        assert "&lt;script&gt;alert(1)&lt;/script&gt;投诉" in page
        assert "<script" not in page and "<img" not in page and "</pre><script" not in page
    assert "&lt;img src=x onerror=" in text_of(sqlite_console.get(f"/console/held-mail/{held_id}"))
