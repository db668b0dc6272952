"""After (and beside) the decision in the console (issue 11): the follow-up call, the
respondent's notice (a retry sends nothing twice), corrective actions recorded and done, the
report's mark and a reward (amount in yuan), the archive (refused inside the appeal window unless
forced with a reason), a referral, and the kind and category — each through the API's command,
shown only to whom the view allows, refused with the text kept, typed text shown escaped."""
from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.cases import EventType, Kind, Status
from shared.domain.staff import Requester, Role
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.closed_cases import close
from tests.support.console import text_of
from tests.support.staff_desk import StaffDesk

staff_api, sqlite_staff_api = api_fixtures.staff_api, api_fixtures.sqlite_staff_api
console, sqlite_console = console_fixtures.console, console_fixtures.sqlite_console

HOSTILE = '<script>alert(1)</script>"onmouseover="alert(2)'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&#34;onmouseover=&#34;alert(2)"


@pytest.fixture
def desk(console):
    return console, StaffDesk(console.store, console.api.app.clock)


def _forms(page: str) -> set[str]:
    return set(re.findall(r'action="/console/cases/[\w-]+/([\w-]+)"', page))


def _closed(console, cases, *, window_days: int = -1, **fields) -> str:
    """A closed case whose appeal window ends `window_days` from now (past by default)."""
    now = console.api.app.clock.now()
    number = cases.case(**fields)
    close(console.store, number, now, now + timedelta(days=window_days))
    return number


def _today(console) -> str:
    return console.api.app.clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()


def test_follow_up_respondent_notice_and_corrective_actions_after_closure(desk):
    console, cases = desk
    number = _closed(console, cases, window_days=90)
    supervisor = console.sign_in_as(Role.SUPERVISOR, department="客服中心")
    page = text_of(console.get(f"/console/cases/{number}"))
    assert {"follow-ups", "respondent-notice", "corrective-actions"} <= _forms(page)
    assert console.post(f"/console/cases/{number}/follow-ups",
                        {"outcome": "satisfied", "note": "对处理结果满意。"}).status_code == 303
    request_id = re.search(r'name="request_id" value="(\w+)"', page).group(1)
    notice = {"address": "shop@example.com", "language": "zh-CN", "note": "",
              "request_id": request_id}
    refused = text_of(console.post(f"/console/cases/{number}/respondent-notice",
                                   notice | {"address": "不是邮箱"}))
    assert f'name="request_id" value="{request_id}"' in refused  # sent again, the same request
    for _ in range(2):  # a retry of the same form sends nothing twice
        sent = console.post(f"/console/cases/{number}/respondent-notice", notice)
        assert sent.status_code == 303, text_of(sent)[:300]
    assert [e.data.get("template") for e in cases.events(number, EventType.NOTICE_QUEUED)
            ].count("respondent_outcome") == 1
    recorded = console.post(f"/console/cases/{number}/corrective-actions",
                            {"text": HOSTILE, "owner": supervisor.id, "due_on": _today(console),
                             "request_id": "corrective-0001"})
    assert recorded.status_code == 303
    [action] = console.store.get_case(number).corrective_actions
    page = text_of(console.get(f"/console/cases/{number}"))
    assert f'name="action_id" value="{action["id"]}" checked' in page
    assert "<script>alert" not in page and ESCAPED in page
    assert console.post(f"/console/cases/{number}/corrective-action-done",
                        {"action_id": action["id"], "note": "已培训。"}).status_code == 303
    assert console.store.get_case(number).corrective_actions[0]["done_on"] == _today(console)


def test_archiving_inside_the_appeal_window_needs_force_and_a_reason(desk):
    console, cases = desk
    number = _closed(console, cases, window_days=30)
    console.sign_in_as(Role.SUPERVISOR, department="客服中心")
    before = cases.snapshot(number)
    early = console.post(f"/console/cases/{number}/archive", {"reason": "提前归档"})
    assert early.status_code == 409 and "复核申请期限尚未届满" in text_of(early)
    no_reason = console.post(f"/console/cases/{number}/archive", {"force": "yes", "reason": ""})
    assert no_reason.status_code == 422 and 'name="force" value="yes" checked' in \
        text_of(no_reason)
    assert cases.snapshot(number) == before
    assert console.post(f"/console/cases/{number}/archive",
                        {"force": "yes", "reason": "当事人书面放弃复核。"}).status_code == 303
    assert console.store.get_case(number).status == Status.ARCHIVED


def test_a_report_is_marked_and_its_reward_recorded_in_yuan(desk):
    console, cases = desk
    number = _closed(console, cases, kind=Kind.REPORT, category="harmful_rumours")
    leader = console.sign_in_as(Role.SUPERVISOR, Role.LEADER, department="客服中心")
    page = text_of(console.get(f"/console/cases/{number}"))
    assert {"mark", "rewards"} <= _forms(page)
    refused = console.post(f"/console/cases/{number}/rewards",
                           {"amount_yuan": "两百", "approved_by": leader.id,
                            "paid_on": _today(console), "request_id": "reward-0001", "note": "奖励"})
    assert refused.status_code == 422 and 'id="amount_yuan-error"' in text_of(refused)
    assert 'value="两百"' in text_of(refused)
    paid = console.post(f"/console/cases/{number}/rewards",
                        {"amount_yuan": "200.5", "approved_by": leader.id,
                         "paid_on": _today(console), "request_id": "reward-0001", "note": ""})
    assert paid.status_code == 303, re.findall(r"class=\"(?:summary )?error\"[^<]*<?[^<]*", text_of(paid))
    [reward] = cases.events(number, EventType.REWARD_RECORDED)
    assert reward.data["amount_fen"] == 20050
    marked = console.post(f"/console/cases/{number}/mark",
                          {"mark": "unfounded", "reason": "所举报内容经核实不存在。"})
    assert marked.status_code == 303
    assert console.store.get_case(number).report_mark == "unfounded"
    other = cases.case(kind=Kind.REPORT, category="harmful_rumours")  # the same reporter
    history = console.api.app.case_marks.reporter_history(Requester(leader, "t"), other)
    assert history["unfounded"] == 1  # the mark follows the reporter (R21)


def test_referral_classification_and_matter_of_a_case_in_progress(desk):
    console, cases = desk
    number = cases.case(Status.IN_PROGRESS, assignee="s-x", department="运营部")
    console.sign_in_as(Role.SUPERVISOR, department="客服中心")
    page = text_of(console.get(f"/console/cases/{number}"))
    assert '<option value="service" selected>' in page  # the category it has
    assert console.post(f"/console/cases/{number}/referrals",
                        {"authority": "market_regulator", "referred_on": _today(console),
                         "reference": "市监转〔2026〕12号", "note": ""}).status_code == 303
    bad = console.post(f"/console/cases/{number}/classification",
                       {"kind": "complaint", "category": "harmful_rumours", "reason": "类别有误"})
    assert bad.status_code == 422 and '<option value="harmful_rumours" selected>' in text_of(bad)
    assert console.post(f"/console/cases/{number}/classification",
                        {"kind": "complaint", "category": "billing", "reason": "实为扣费问题"}
                        ).status_code == 303
    assert console.store.get_case(number).category == "billing"
    neither = console.post(f"/console/cases/{number}/matter",
                           {"matter": "", "same_as": "", "reason": "同一订单多次投诉"})
    assert neither.status_code == 422 and "同一订单多次投诉</textarea>" in text_of(neither)
    assert console.post(f"/console/cases/{number}/matter",
                        {"matter": "订单 20261128-001 退款", "same_as": "",
                         "reason": "同一订单多次投诉"}).status_code == 303
    assert console.store.get_case(number).matter


def test_a_clerk_sees_none_of_it_and_a_forged_post_is_refused(desk):
    console, cases = desk
    number = _closed(console, cases, kind=Kind.REPORT, category="harmful_rumours")
    console.sign_in_as(Role.CLERK)
    page = text_of(console.get(f"/console/cases/{number}"))
    assert "follow-ups" in _forms(page)  # clerks make the calls
    assert not _forms(page) & {"archive", "rewards", "mark", "corrective-actions",
                               "respondent-notice"}
    before = cases.snapshot(number)
    for path, data in (("archive", {"force": "yes", "reason": "x"}),
                       ("rewards", {"amount_yuan": "1", "approved_by": "x", "paid_on": "",
                                    "request_id": "forged-0001", "note": ""}),
                       ("mark", {"mark": "malicious", "reason": "x"})):
        assert console.post(f"/console/cases/{number}/{path}", data).status_code == 403, path
    assert cases.snapshot(number) == before
