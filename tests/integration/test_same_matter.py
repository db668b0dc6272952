"""R8's count rule through the staff API, on both stores: the third complaint about one matter
from a different person within 30 days makes all three hot and links them, once however often
the rule runs; a crash halfway is finished by the deadline sweep; staff set a case's matter by
hand and list a matter's cases; a collective complaint's size raises it by its own rule."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.cases import EventType, Severity, Status
from shared.domain.count_rules import RULE_SAME_MATTER, await_links
from shared.domain.staff import Role
from tests.support import staff_api as fixtures
from tests.support.staff_api import json_of
from tests.support.staff_desk import StaffDesk, unknown_number
from tests.support.timeline import events_of

staff_api = fixtures.staff_api  # the fixture

SELLER = "https://www.Shop.example/seller/42/"
PEOPLE = [{"name": "王小明", "phone": "13812345678"}, {"name": "李娜", "email": "lina@qq.com"},
          {"name": "张伟", "email": "zhangwei@163.com", "phone": "13900001111"}]


def call_about(respondent: str, person: dict, **fields) -> dict:
    return {"channel": "phone", "kind": "complaint", "category": "service",
            "subject": "店铺拒不退款", "description": "来电称该店铺收货后拒绝退款，客服不回复。",
            "respondent": respondent, **person, **fields}


def register(api, clerk, body) -> str:
    answer = api.post("/cases", clerk, json=body)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    return json_of(answer)["number"]


def shown(api, token, number) -> dict:
    return json_of(api.get(f"/cases/{number}", token))


def rule_events(api, number) -> list:
    return [(e.type, e.data.get("rule")) for e in events_of(api.store, number)
            if e.type in (EventType.SEVERITY_SET, EventType.CASES_LINKED)]


ONCE = [(EventType.CASES_LINKED, RULE_SAME_MATTER), (EventType.SEVERITY_SET, RULE_SAME_MATTER)]


def hot_notices(api, number) -> list[str]:
    """The staff told that the case became hot (R9: the service centre), by id."""
    return [api.store.get_outbox(e.data["outbox_id"]).details["staff"]
            for e in events_of(api.store, number)
            if e.type == EventType.NOTICE_QUEUED and e.data["template"] == "staff_hot_case"]


def test_the_third_complaint_makes_all_three_hot_and_links_them(staff_api):
    api = staff_api
    _, clerk = api.member(Role.CLERK)
    centre, supervisor = api.member(Role.SUPERVISOR)
    first = register(api, clerk, call_about(SELLER, PEOPLE[0]))
    second = register(api, clerk, call_about("shop.example/seller/42", PEOPLE[1]))
    assert shown(api, clerk, first)["severity"] == shown(api, clerk, second)["severity"] == "general"
    assert shown(api, clerk, first)["linked_cases"] == []
    third = register(api, clerk, call_about("SHOP.example/seller/42", PEOPLE[2]))
    group = [first, second, third]
    for number in group:
        view = shown(api, clerk, number)
        assert view["severity"] == "hot" and view["matter"] == "shop.example/seller/42"
        assert sorted(view["linked_cases"]) == sorted(n for n in group if n != number)
        assert rule_events(api, number) == ONCE
        raised = [e for e in events_of(api.store, number) if e.type == EventType.SEVERITY_SET]
        assert raised[0].actor == "system" and raised[0].data["severity_to"] == "hot"
    for number in group:  # R9: the service centre was told each became hot, once
        assert hot_notices(api, number) == [centre.id]
    # The service centre lowers one by hand; then the rule runs again for every case, twice (as
    # racing requests, or a crash after the last join, would have it), and the same matter is
    # set again by hand: nothing more happens.
    json_of(api.post(f"/cases/{first}/severity", supervisor, json={"severity": "general",
                                                                  "reason": "误判"}))
    for number in group:
        api.store.update_case(number, lambda case: await_links(case, api.app.clock.now()))
    api.app.deadline_sweep.run(60)
    api.app.deadline_sweep.run(60)
    json_of(api.post(f"/cases/{third}/matter", clerk, json={"matter": SELLER, "reason": "同一店铺"}))
    for number in group:
        assert rule_events(api, number) == ONCE + ([(EventType.SEVERITY_SET, None)]
                                                   if number == first else [])
        assert not api.store.get_case(number).links_pending
        assert hot_notices(api, number) == [centre.id]
    assert shown(api, clerk, first)["severity"] == "general"
    listed = json_of(api.get("/cases?matter=Shop.Example/seller/42", clerk))
    assert sorted(item["number"] for item in listed["items"]) == sorted(group)


def test_two_people_or_one_person_three_times_or_31_days_apart_make_nothing_hot(staff_api):
    api = staff_api
    _, clerk = api.member(Role.CLERK)
    two = [register(api, clerk, call_about("seller-a", p)) for p in PEOPLE[:2]]
    same = [register(api, clerk, call_about("seller-b", PEOPLE[0])) for _ in range(3)]
    month_ago = (api.app.clock.now() - timedelta(days=31)).isoformat()
    apart = [register(api, clerk, call_about("seller-c", p, received_at=month_ago))
             for p in PEOPLE[:2]] + [register(api, clerk, call_about("seller-c", PEOPLE[2]))]
    for number in two + same + apart:
        view = shown(api, clerk, number)
        assert (view["severity"], view["linked_cases"]) == ("general", [])
        assert rule_events(api, number) == []


def test_a_crash_between_the_cases_is_finished_by_the_sweep_once(staff_api, monkeypatch):
    api = staff_api
    _, clerk = api.member(Role.CLERK)
    first, second = (register(api, clerk, call_about("seller-x", p)) for p in PEOPLE[:2])
    store, written = api.store, []
    real_update = type(store).update_case

    def crashing(self, number, change, mail_keys=()):
        if number == second:  # the process dies while the rule is halfway
            raise RuntimeError("crash")
        written.append(number)
        return real_update(self, number, change, mail_keys)

    monkeypatch.setattr(type(store), "update_case", crashing)
    third = register(api, clerk, call_about("seller-x", PEOPLE[2]))  # registered all the same
    monkeypatch.setattr(type(store), "update_case", real_update)
    assert written == [first]  # the third's own step never came
    assert store.get_case(third).links_pending and store.get_case(second).severity == "general"
    report = api.app.deadline_sweep.run(60)
    assert report.actions.get("count_rule") == 1
    api.app.deadline_sweep.run(60)
    for number in (first, second, third):
        case = store.get_case(number)
        assert case.severity == Severity.HOT and not case.links_pending
        assert rule_events(api, number) == ONCE


def test_staff_set_the_matter_by_hand_and_the_third_case_makes_them_hot(staff_api):
    api = staff_api
    _, clerk = api.member(Role.CLERK)
    cases = StaffDesk(api.store, api.app.clock)
    people = [dict(name=p["name"], email=p.get("email", ""), phone=p.get("phone", ""))
              for p in PEOPLE]
    from shared.domain.cases import ReporterIdentity

    numbers = [cases.case(Status.IN_PROGRESS, identity=ReporterIdentity("", **p)) for p in people]
    set_first = json_of(api.post(f"/cases/{numbers[0]}/matter", clerk, json={
        "matter": "直播间 小王优选", "reason": "同一直播间"}))
    assert set_first["matter"] == "直播间 小王优选" and set_first["severity"] == "general"
    json_of(api.post(f"/cases/{numbers[1]}/matter", clerk, json={
        "same_as": numbers[0], "reason": "同一直播间"}))
    third = json_of(api.post(f"/cases/{numbers[2]}/matter", clerk, json={
        "same_as": numbers[0].lower(), "reason": "同一直播间"}))
    assert third["severity"] == "hot"
    for number in numbers:
        assert shown(api, clerk, number)["severity"] == "hot"
        assert rule_events(api, number) == ONCE
        matter_set = [e for e in events_of(api.store, number) if e.type == EventType.MATTER_SET]
        assert [(e.data["matter_to"], e.text) for e in matter_set] == [("直播间 小王优选", "同一直播间")]


def test_a_major_case_stays_major_and_a_confidential_one_is_linked_by_number_only(staff_api):
    api = staff_api
    _, clerk = api.member(Role.CLERK)
    _, handler = api.member(Role.HANDLER, department="客服中心")
    first = register(api, clerk, call_about("seller-m", PEOPLE[0], confidential=True))
    second = register(api, clerk, call_about("seller-m", PEOPLE[1]))
    cases = StaffDesk(api.store, api.app.clock)
    supervisor = cases.supervisor()
    api.app.staff_cases.set_severity(supervisor, second, severity="major", reason="媒体报道")
    third = register(api, clerk, call_about("seller-m", PEOPLE[2]))
    assert api.store.get_case(second).severity == Severity.MAJOR
    assert rule_events(api, second) == [(EventType.SEVERITY_SET, None),
                                         (EventType.CASES_LINKED, RULE_SAME_MATTER)]
    for number in (second, third):  # assigned to the handler's department: they may read it
        api.app.staff_cases.accept(supervisor, number)
        api.app.staff_cases.assign(supervisor, number, department="客服中心")
    view = shown(api, handler, third)
    assert sorted(view["linked_cases"]) == sorted([first, second])
    assert "店铺拒不退款" not in str(view["linked_cases"])
    assert api.get(f"/cases/{first}", handler).status_code == 403
    for token in (handler, clerk):  # a confidential case is not listed by its matter either
        listed = json_of(api.get("/cases?matter=seller-m", token))
        assert sorted(i["number"] for i in listed["items"]) == sorted([second, third])
    _, supervisor_token = api.member(Role.SUPERVISOR)
    listed = json_of(api.get("/cases?matter=seller-m", supervisor_token))
    assert sorted(i["number"] for i in listed["items"]) == sorted([first, second, third])


@pytest.mark.parametrize("body, fields", [
    ({"reason": "r"}, {"matter": "matter_or_same_as"}),
    ({"matter": "a", "same_as": "TS-20261128-ABCDEF-0", "reason": "r"},
     {"matter": "matter_or_same_as"}),
    ({"matter": "a"}, {"reason": "required"}),
    ({"matter": "x" * 201, "reason": "r"}, {"matter": "too_long"}),
    ({"same_as": "no number", "reason": "r"}, {"same_as": "invalid"}),
])
def test_bad_input_is_refused_field_by_field_and_nothing_changes(staff_api, body, fields):
    api = staff_api
    _, clerk = api.member(Role.CLERK)
    number = StaffDesk(api.store, api.app.clock).case()
    before = api.store.get_case(number)
    answer = api.post(f"/cases/{number}/matter", clerk, json=body)
    assert answer.status_code == 422
    assert {name: f["code"] for name, f in json_of(answer)["fields"].items()} == fields
    assert api.store.get_case(number) == before


def test_same_as_needs_a_readable_other_case_with_a_matter(staff_api):
    api = staff_api
    _, clerk = api.member(Role.CLERK)
    cases = StaffDesk(api.store, api.app.clock)
    number, other = cases.case(), cases.case()
    _, handler = api.member(Role.HANDLER, department="客服中心")

    def refused(token, same_as) -> dict:
        answer = api.post(f"/cases/{number}/matter?lang=en", token,
                          json={"same_as": same_as, "reason": "r"})
        return answer.status_code, json_of(answer)

    status, body = refused(clerk, other)
    assert (status, body["fields"]["same_as"]["code"]) == (422, "no_matter")
    assert body["fields"]["same_as"]["message"] == "That case has no matter set yet."
    assert refused(clerk, number)[1]["fields"]["same_as"]["code"] == "same_case"
    hidden = cases.case(confidential=True, matter="secret-seller")  # the clerk may not read it
    for not_known in (hidden, unknown_number()):
        assert refused(clerk, not_known)[1]["fields"]["same_as"]["code"] == "unknown_case"
    assert api.store.get_case(number).matter == ""
    assert refused(handler, other)[0] == 403  # the handler may not classify a case not theirs
    archived = cases.case(Status.ARCHIVED)
    answer = api.post(f"/cases/{archived}/matter", clerk, json={"matter": "a", "reason": "r"})
    assert (answer.status_code, json_of(answer)["error"]) == (409, "transition_not_allowed")


def test_a_collective_complaint_is_raised_by_its_own_rule_once(staff_api):
    api = staff_api
    _, clerk = api.member(Role.CLERK)
    cases = StaffDesk(api.store, api.app.clock)
    big, small = cases.case(), cases.case()
    body = {"flags": {"collective_size": 12}, "reason": "12 位业主联名投诉"}
    assert json_of(api.post(f"/cases/{big}/classification", clerk, json=body))["severity"] == "major"
    json_of(api.post(f"/cases/{big}/classification", clerk, json=body))
    assert rule_events(api, big) == [(EventType.SEVERITY_SET,
                                      "R8 collective complaint of 10+ people")]
    json_of(api.post(f"/cases/{small}/classification", clerk, json={
        "flags": {"collective_size": 3}, "reason": "三人联名"}))
    assert rule_events(api, small) == [(EventType.SEVERITY_SET,
                                        "R8 collective complaint of 3+ people")]
    assert api.store.get_case(small).severity == Severity.HOT


def test_anonymous_reports_count_as_different_people_and_never_tie_their_sender(staff_api):
    """Three anonymous reports about one account from the same address (kept only to
    acknowledge them): each is a person of its own (R20), so they make the account hot."""
    api = staff_api
    _, clerk = api.member(Role.CLERK)
    anonymous = {"kind": "report", "category": "fraud", "anonymous": True,
                 "email": "tipster@qq.com"}
    numbers = [register(api, clerk, call_about("user-9527", {}, **anonymous)) for _ in range(3)]
    for number in numbers:
        assert shown(api, clerk, number)["severity"] == "hot"
        assert rule_events(api, number) == ONCE


@pytest.mark.parametrize("language, rule, words", [
    ("zh-CN", RULE_SAME_MATTER, "R8 30 天内不同人就同一事项投诉 3 次以上"),
    ("en", RULE_SAME_MATTER, RULE_SAME_MATTER),
    ("zh-CN", "R8 collective complaint of 10+ people", "R8 10 人以上集体投诉"),
])
def test_the_count_rules_are_named_in_the_staff_language(app, language, rule, words):
    from tests.support.builders import a_case

    case = a_case("TS-20261203-ABCDEF-0", app.clock.now())
    details = {"staff": "s-1", "name": "王五", "change": "severity", "by": "system", "rule": rule}
    for template in ("mail/staff_hot_case.txt", "mail/staff_hot_case.html"):
        assert words in app.renderer.render(template, language, case=case, details=details)
