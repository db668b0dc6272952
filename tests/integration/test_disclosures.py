"""Public disclosure of major cases (R22), on both stores: proposed with a redacted summary,
published only once a supervisor other than the proposer approves it, refused for a case that is
not major or kept confidential and for the proposer, withdrawn with a reason; texts that may
identify a person are refused before anything is written."""
from __future__ import annotations

import pytest

from shared.domain.cases import EventType, Severity, Status
from shared.domain.errors import CommandRefused, InvalidCommand, TransitionNotAllowed
from shared.domain.permissions import Forbidden
from shared.domain.staff import Role
from tests.support.staff_desk import StaffDesk

SUMMARY = {"what": "某商家在平台上以虚假促销诱导用户付款，多名用户集体投诉。",
           "cause": "商家资质审核流程缺少对促销活动的复核。",
           "measures": "下架涉事商品，退还全部款项，并在促销审核中增加人工复核。"}
ALL = ("", "~")


@pytest.fixture
def desk(store, clock):
    return StaffDesk(store, clock)


@pytest.fixture
def disclosures(desk):
    return desk.cases


def major_closed(desk, **fields) -> str:
    return desk.case(Status.CLOSED, severity=Severity.MAJOR, **fields)


def published(desk) -> list[dict]:
    return desk.store.published_disclosures(*ALL, limit=50)


def test_published_only_after_another_supervisor_approves(desk, disclosures):
    proposer = desk.member(Role.SUPERVISOR)
    reviewer = desk.member(Role.SUPERVISOR)
    number = major_closed(desk)
    view = disclosures.propose_disclosure(proposer, number, **SUMMARY, note="请审核")
    assert view.disclosure["state"] == "proposed" and published(desk) == []
    with pytest.raises(CommandRefused) as refused:
        disclosures.approve_disclosure(proposer, number)
    assert refused.value.code == "own_proposal" and published(desk) == []
    view = disclosures.approve_disclosure(reviewer, number)
    assert view.disclosure["state"] == "approved"
    [record] = published(desk)
    assert {k: record[k] for k in SUMMARY} == SUMMARY
    assert (record["kind"], record["category"]) == ("complaint", "service")
    assert "王小明" not in str(record) and "wangxm@qq.com" not in str(record)
    proposed, approved = (desk.events(number, t)[0] for t in
                          (EventType.DISCLOSURE_PROPOSED, EventType.DISCLOSURE_APPROVED))
    assert proposed.actor == proposer.actor and approved.actor == reviewer.actor
    assert not proposed.public and not approved.public  # staff-only
    assert proposed.data["what"] == SUMMARY["what"] and proposed.text == "请审核"


def test_only_a_closed_major_case_that_is_not_confidential(desk, disclosures):
    supervisor = desk.member(Role.SUPERVISOR)
    general = desk.case(Status.CLOSED)
    with pytest.raises(CommandRefused) as refused:
        disclosures.propose_disclosure(supervisor, general, **SUMMARY)
    assert refused.value.code == "not_major"
    open_case = desk.case(Status.IN_PROGRESS, severity=Severity.MAJOR)
    with pytest.raises(TransitionNotAllowed):
        disclosures.propose_disclosure(supervisor, open_case, **SUMMARY)
    secret = major_closed(desk, confidential=True)
    with pytest.raises(CommandRefused) as refused:
        disclosures.propose_disclosure(supervisor, secret, **SUMMARY)
    assert refused.value.code == "confidential"
    assert published(desk) == []
    assert all(not desk.events(n, EventType.DISCLOSURE_PROPOSED)
               for n in (general, open_case, secret))


def test_roles_propose_and_review(desk, disclosures):
    number = major_closed(desk)
    with pytest.raises(Forbidden):
        disclosures.propose_disclosure(desk.member(Role.CLERK), number, **SUMMARY)
    leader = desk.member(Role.LEADER)
    disclosures.propose_disclosure(leader, number, **SUMMARY)
    for role in (Role.HANDLER, Role.LEADER, Role.AUDITOR):
        with pytest.raises(Forbidden):
            disclosures.approve_disclosure(desk.member(role), number)
    assert published(desk) == []


@pytest.mark.parametrize("part, text", [
    ("what", "举报人王小明反映商家虚假促销。"),  # the reporter's name
    ("cause", "联系 wangxm@qq.com 核实。"),
    ("measures", "已电话 138 1234 5678 回访。"),
    ("what", "身份证号 110101199003071234 的用户。"),
    ("cause", "见案件 TS-20261128-ABCDEF-0。"),
])
def test_a_summary_that_may_identify_someone_is_refused(desk, disclosures, part, text):
    number = major_closed(desk)
    before = desk.snapshot(number)
    with pytest.raises(InvalidCommand) as invalid:
        disclosures.propose_disclosure(desk.member(Role.SUPERVISOR), number, **{**SUMMARY, part: text})
    assert invalid.value.errors == {part: "identifying"}
    assert desk.snapshot(number) == before


def test_refused_then_proposed_again_and_withdrawn(desk, disclosures):
    proposer, reviewer = desk.member(Role.SUPERVISOR), desk.member(Role.SUPERVISOR)
    number = major_closed(desk)
    disclosures.propose_disclosure(proposer, number, **SUMMARY)
    with pytest.raises(CommandRefused) as refused:
        disclosures.propose_disclosure(proposer, number, **SUMMARY)
    assert refused.value.code == "disclosure_pending"
    with pytest.raises(InvalidCommand):
        disclosures.refuse_disclosure(reviewer, number, reason="")
    view = disclosures.refuse_disclosure(reviewer, number, reason="“多名用户”仍可推断，请改写")
    assert view.disclosure["state"] == "refused" and published(desk) == []
    disclosures.propose_disclosure(proposer, number, **{**SUMMARY, "what": "某商家虚假促销。"})
    disclosures.approve_disclosure(reviewer, number)
    assert [r["what"] for r in published(desk)] == ["某商家虚假促销。"]
    with pytest.raises(CommandRefused) as refused:
        disclosures.propose_disclosure(proposer, number, **SUMMARY)
    assert refused.value.code == "disclosure_published"
    view = disclosures.withdraw_disclosure(proposer, number, reason="当事方提出异议，暂停公示")
    assert view.disclosure["state"] == "withdrawn" and published(desk) == []
    [withdrawn] = desk.events(number, EventType.DISCLOSURE_WITHDRAWN)
    assert withdrawn.actor == proposer.actor and withdrawn.data["state_from"] == "approved"
    with pytest.raises(CommandRefused) as refused:
        disclosures.withdraw_disclosure(proposer, number, reason="again")
    assert refused.value.code == "no_disclosure"


def test_published_disclosures_are_read_by_period(desk, disclosures, clock):
    proposer, reviewer = desk.member(Role.SUPERVISOR), desk.member(Role.SUPERVISOR)
    numbers = [major_closed(desk) for _ in range(3)]
    for number in numbers:
        disclosures.propose_disclosure(proposer, number, **SUMMARY)
        disclosures.approve_disclosure(reviewer, number)
    records = published(desk)
    assert sorted(r["number"] for r in records) == sorted(numbers)
    keys = [r["published_key"] for r in records]
    assert keys == sorted(keys, reverse=True)  # newest first
    day = clock.now().date().isoformat()
    assert len(desk.store.published_disclosures(day, day + "~", limit=2)) == 2
    assert desk.store.published_disclosures("2000-01-01", "2000-02-01", limit=50) == []


def test_an_archived_case_is_only_withdrawn_from_the_page(desk, disclosures):
    proposer, reviewer = desk.member(Role.SUPERVISOR), desk.member(Role.SUPERVISOR)
    number = major_closed(desk)
    disclosures.propose_disclosure(proposer, number, **SUMMARY)
    disclosures.approve_disclosure(reviewer, number)
    desk.cases.archive(reviewer, number, force=True, reason="法院调卷")
    with pytest.raises(TransitionNotAllowed):
        disclosures.propose_disclosure(proposer, number, **SUMMARY)
    assert len(published(desk)) == 1
    disclosures.withdraw_disclosure(reviewer, number, reason="法院要求撤下")
    assert published(desk) == [] and desk.store.get_case(number).status == Status.ARCHIVED
