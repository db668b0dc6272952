"""Staff queues and search (`Services.staff_queues`) on both stores: every named queue in its
order, filters, search by number, reporter address and subject words, what each member may list,
confidential subjects hidden, keyset paging, and hostile parameters refused."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.bootstrap import build_services
from shared.domain.case_numbers import new_case_number
from shared.domain.cases import Channel, Kind, ReporterIdentity, Severity, Status
from shared.domain.errors import InvalidCommand
from shared.domain.permissions import Forbidden
from shared.domain.staff import Requester, Role
from shared.services.staff_queues import HIDDEN_SUBJECT
from tests.conftest import START
from tests.support.builders import a_case
from tests.support.staff_builders import staff_member

OPS, TECH = "运营部", "技术部"
MEMBERS = {
    "clerk": ((Role.CLERK,), "客服中心"), "supervisor": ((Role.SUPERVISOR,), "客服中心"),
    "leader": ((Role.LEADER,), ""), "auditor": ((Role.AUDITOR,), ""), "admin": ((Role.ADMIN,), ""),
    "ops": ((Role.HANDLER,), OPS), "ops2": ((Role.HANDLER,), OPS), "tech": ((Role.HANDLER,), TECH),
    "loner": ((Role.HANDLER,), ""),
}
# c0 … c9, received a minute apart (c9 newest): (status, subject, department, assignee, extra).
CASES = [
    (Status.RECEIVED, "退款申请没有回复", "", "", dict(email="a@example.com")),
    (Status.RECEIVED, "账号被盗", "", "", dict(kind=Kind.REPORT, category="fraud",
                                             channel=Channel.EMAIL, due_hours=2)),
    (Status.ACCEPTED, "物流延误", "", "", {}),
    (Status.ASSIGNED, "退款 slow refund", OPS, "ops", {}),
    (Status.IN_PROGRESS, "APP 闪退", TECH, "tech", dict(category="technical", severity=Severity.HOT)),
    (Status.AWAITING_REPORTER, "补充材料", OPS, "ops2", {}),
    (Status.ASSIGNED, "页面打不开", TECH, "tech", dict(category="technical")),
    (Status.ASSIGNED, "内部 贿赂 退款", OPS, "ops", dict(confidential=True)),
    (Status.ACCEPTED, "客服态度差 退款", OPS, "", dict(about="ops", category="staff_conduct")),
    (Status.RECEIVED, "举报 诈骗 退款", "", "", dict(kind=Kind.REPORT, category="fraud",
                                                 anonymous=True, email="A@example.com")),
]


@pytest.fixture
def desk(settings, store, clock):
    """(staff_queues on `store`, {name: Requester}, [case numbers c0 … c9])."""
    members = {}
    for name, (roles, department) in MEMBERS.items():
        member = staff_member(roles, department=department)
        store.put_staff(member)
        members[name] = Requester(member, "203.0.113.5")
    numbers = []
    for minutes, (status, subject, department, assignee, extra) in enumerate(CASES):
        number = new_case_number(extra.get("kind", Kind.COMPLAINT), START.date())
        at = START + timedelta(minutes=minutes)
        case = a_case(number, at, status=status, subject=subject, department=department,
                      assignee=members[assignee].member.id if assignee else "",
                      kind=extra.get("kind", Kind.COMPLAINT), category=extra.get("category", "service"),
                      channel=extra.get("channel", Channel.WEB_FORM),
                      severity=extra.get("severity", Severity.GENERAL),
                      confidential=extra.get("confidential", False),
                      anonymous=extra.get("anonymous", False),
                      about_staff=members[extra["about"]].member.id if "about" in extra else "")
        if "due_hours" in extra:
            case.next_due_at = START + timedelta(hours=extra["due_hours"])
        store.register(case, ReporterIdentity(number, name="王小明", email=extra.get("email", ""),
                                              phone="+8613800138000"), [])
        numbers.append(number)
    services = build_services(settings, store=store, clock=clock)
    return services.staff_queues, members, numbers


def listed(desk, who: str, **asked) -> list[str]:
    queues, members, numbers = desk
    page = queues.cases(members[who], **asked)
    return [f"c{numbers.index(item['number'])}" for item in page["items"]]


def newest(*indexes: int) -> list[str]:
    return [f"c{i}" for i in sorted(indexes, reverse=True)]


ALL = newest(*range(10))


@pytest.mark.parametrize("queue, found", [
    ("new", ["c1", "c0", "c9"]),  # awaiting review, most urgent first
    ("unassigned", newest(2, 8)),
    ("awaiting_reporter", ["c5"]),
    ("all", ALL),
])
def test_each_named_queue_holds_its_cases_in_its_order(desk, queue, found):
    assert listed(desk, "supervisor", queue=queue) == found


def test_mine_and_my_department(desk):
    assert listed(desk, "ops", queue="mine") == newest(3, 7)
    assert listed(desk, "tech", queue="mine") == newest(4, 6)
    assert listed(desk, "supervisor", queue="mine") == []
    assert listed(desk, "ops2", queue="department") == newest(3, 5, 7, 8)
    assert listed(desk, "ops", queue="department") == newest(3, 5, 7)  # never a case about them


@pytest.mark.parametrize("who", ["clerk", "supervisor", "leader", "auditor"])
def test_those_who_see_every_case_list_every_case(desk, who):
    assert listed(desk, who) == ALL


def test_a_handler_lists_no_further_than_their_department(desk):
    assert listed(desk, "ops2") == newest(3, 5, 7, 8)
    assert listed(desk, "tech") == newest(4, 6)
    assert listed(desk, "tech", queue="new") == []  # new cases belong to no department yet
    assert listed(desk, "loner") == []  # no department: their own cases only (none)
    with pytest.raises(InvalidCommand) as refused:
        listed(desk, "loner", queue="department")
    assert refused.value.errors == {"queue": "no_department"}


@pytest.mark.parametrize("asked, found", [
    (dict(status="assigned"), newest(3, 6, 7)),
    (dict(kind="report"), newest(1, 9)),
    (dict(kind="complaint", category="technical"), newest(4, 6)),
    (dict(category="fraud"), newest(1, 9)),
    (dict(severity="hot"), ["c4"]),
    (dict(channel="email"), ["c1"]),
    (dict(queue="new", kind="report"), ["c1", "c9"]),
    (dict(queue="new", status="received"), ["c1", "c0", "c9"]),
    (dict(status="received", order="most_urgent_first"), ["c1", "c0", "c9"]),
    (dict(queue="new", order="newest_first"), newest(0, 1, 9)),
    (dict(status="closed"), []),
])
def test_filters_narrow_any_queue(desk, asked, found):
    assert listed(desk, "supervisor", **asked) == found


def test_a_case_number_as_a_person_types_it_finds_that_case_alone(desk):
    _, _, numbers = desk
    typed = numbers[3].lower().replace("-", " ")
    assert listed(desk, "supervisor", number=typed) == ["c3"]
    full_width = numbers[3].translate({ord(c): ord(c) + 0xFEE0 for c in numbers[3]})  # ＴＳ－…
    assert listed(desk, "supervisor", number=full_width) == ["c3"]
    assert listed(desk, "supervisor", number=numbers[3], queue="new") == []  # not in that queue
    assert listed(desk, "tech", number=numbers[3]) == []  # another department's
    assert listed(desk, "supervisor", number="TS-20261128-4F7KQ2-F") == []  # well-formed, unknown


def test_a_reporters_exact_address_finds_their_cases_but_never_an_anonymous_one(desk):
    queues, members, _ = desk
    assert listed(desk, "supervisor", reporter_email="A@Example.COM") == ["c0"]
    assert listed(desk, "supervisor", reporter_email="a@example.co") == []
    item = queues.cases(members["supervisor"], reporter_email="a@example.com")["items"][0]
    assert set(item) == {"number", "kind", "category", "channel", "status", "severity", "subject",
                         "subject_hidden", "confidential", "received_at", "next_due_at",
                         "assignee", "department", "overdue", "overdue_deadline",
                         "overdue_since"}  # nothing of the reporter's identity
    assert "王小明" not in repr(item) and "8613800138000" not in repr(item)


@pytest.mark.parametrize("who, typed, found", [
    ("supervisor", "退款", newest(0, 3, 7, 8, 9)),
    ("auditor", "贿赂", ["c7"]),
    ("clerk", "退款", newest(0, 3, 8, 9)),  # not the confidential case's words
    ("clerk", "贿赂", []),
    ("leader", "贿赂", []),
    ("ops", "退款", newest(3, 7)),  # their department; the confidential one is theirs
    ("ops2", "退款", newest(3, 8)),
    ("supervisor", "REFUND 退款", ["c3"]),
    ("supervisor", "闪退", ["c4"]),
    ("supervisor", "nowhere", []),
])
def test_subject_words_find_what_the_member_may_read(desk, who, typed, found):
    assert listed(desk, who, words=typed) == found
    assert listed(desk, who, words=typed, queue="new", kind="report") == \
        [c for c in found if c in ("c1", "c9")]


def test_a_confidential_subject_is_hidden_from_those_who_may_not_read_it(desk):
    queues, members, numbers = desk
    for who, hidden in (("clerk", True), ("leader", True), ("ops2", True), ("ops", False),
                        ("supervisor", False), ("auditor", False)):
        items = {i["number"]: i for i in queues.cases(members[who])["items"]}
        item = items[numbers[7]]
        assert item["confidential"] and item["subject_hidden"] is hidden
        assert item["subject"] == (HIDDEN_SUBJECT if hidden else "内部 贿赂 退款")
        assert "贿赂" not in repr(items) if hidden else True


def test_a_page_short_of_hidden_cases_reads_on(desk):
    pages, cursor = [], None
    while True:
        queues, members, numbers = desk
        page = queues.cases(members["clerk"], words="退款", limit=1, after=cursor)
        pages.append([f"c{numbers.index(i['number'])}" for i in page["items"]])
        if not (cursor := page["next_cursor"]):
            break
    assert pages == [["c9"], ["c8"], ["c3"], ["c0"]]  # c7 (confidential) skipped, no empty page


@pytest.mark.parametrize("asked", [dict(), dict(queue="new"), dict(words="退款"),
                                   dict(status="received", order="most_urgent_first")])
def test_queues_page_by_cursor_without_gaps_or_repeats(desk, asked):
    queues, members, numbers = desk
    whole = listed(desk, "supervisor", **asked)
    pages, cursor = [], None
    while True:
        page = queues.cases(members["supervisor"], limit=2, after=cursor, **asked)
        pages.append([f"c{numbers.index(i['number'])}" for i in page["items"]])
        if not (cursor := page["next_cursor"]):
            break
    assert sum(pages, []) == whole and all(len(p) == 2 for p in pages[:-1])


HOSTILE = [
    (dict(queue="everything"), {"queue": "invalid_choice"}),
    (dict(queue=["all"]), {"queue": "invalid_type"}),
    (dict(status="open"), {"status": "invalid_choice"}),
    (dict(status=5), {"status": "invalid_type"}),
    (dict(kind="praise"), {"kind": "invalid_choice"}),
    (dict(kind="complaint", category="fraud"), {"category": "invalid_choice"}),
    (dict(category="../../etc"), {"category": "invalid_choice"}),
    (dict(severity="urgent"), {"severity": "invalid_choice"}),
    (dict(channel="fax"), {"channel": "invalid_choice"}),
    (dict(order="oldest_first"), {"order": "invalid_choice"}),
    (dict(queue="new", status="accepted"), {"status": "not_in_queue"}),
    (dict(words="退款", order="most_urgent_first"), {"order": "words_newest_first"}),
    (dict(words="!!! ？？"), {"words": "no_words"}),
    (dict(words="退" * 201), {"words": "too_long"}),
    (dict(words="!" * 1_000_000), {"words": "too_long"}),
    (dict(words=" ".join(f"w{i}" for i in range(17))), {"words": "too_long"}),
    (dict(reporter_email="nobody"), {"reporter_email": "invalid_email"}),
    (dict(reporter_email="a b@example.com"), {"reporter_email": "invalid_email"}),
    (dict(reporter_email="a@" + "x" * 260), {"reporter_email": "invalid_email"}),
    (dict(number="TS-123"), {"number": "invalid_case_number"}),
    (dict(number="T" * 100_000), {"number": "invalid_case_number"}),
    (dict(number="TS-20261128-4F7KQ2-Y"), {"number": "invalid_case_number"}),  # check symbol
    (dict(after="garbage"), {"after": "invalid_cursor"}),
    (dict(after="2026-11-28T12:30:00.000000Z"), {"after": "invalid_cursor"}),
    (dict(after="x" * 201), {"after": "invalid_cursor"}),
    (dict(after=7), {"after": "invalid_type"}),
    (dict(limit=0), {"limit": "out_of_range"}),
    (dict(limit=51), {"limit": "out_of_range"}),
    (dict(limit=-1), {"limit": "out_of_range"}),
    (dict(limit="ten"), {"limit": "invalid_type"}),
    (dict(limit=True), {"limit": "invalid_type"}),
    (dict(limit=2.5), {"limit": "invalid_type"}),
    (dict(status="open", kind="x", limit=0), {"status": "invalid_choice", "kind": "invalid_choice",
                                              "limit": "out_of_range"}),
]


@pytest.mark.parametrize("asked, errors", HOSTILE)
def test_hostile_parameters_are_refused_naming_each_field(desk, asked, errors):
    with pytest.raises(InvalidCommand) as refused:
        listed(desk, "supervisor", **asked)
    assert refused.value.errors == errors


def test_limit_and_strings_as_a_query_string_gives_them(desk):
    assert listed(desk, "supervisor", limit="3", status="", kind=None) == ALL[:3]


def test_only_the_roles_that_read_queues_list_cases(desk):
    queues, members, _ = desk
    with pytest.raises(Forbidden):
        queues.cases(members["admin"])
