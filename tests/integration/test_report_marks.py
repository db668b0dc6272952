"""Report marks that follow the reporter (R21), on both stores: a mark shows on the reporter's other
cases matched by email address (in any letter case) or phone number (however written), never on
someone else's; marking again counts once; the index holds keyed hashes, not contacts."""
from __future__ import annotations

import json
import secrets

import pytest

from shared.domain.cases import EventType, ReporterIdentity, Status
from shared.domain.errors import InvalidCommand, TransitionNotAllowed
from shared.domain.handling_policy import HandlingPolicy
from shared.domain.permissions import Forbidden
from shared.domain.staff import Role
from shared.services.case_marks import CaseMarks
from tests.support.staff_desk import StaffDesk

KEY = secrets.token_bytes(32)
EMPTY = {"unfounded": 0, "malicious": 0, "cases": [], "matched_on": []}


def marks_on(desk: StaffDesk, key: bytes = KEY) -> CaseMarks:
    return CaseMarks(desk.store, desk.clock, HandlingPolicy(), reply_key=key)


def reporter(email: str = "", phone: str = "", name: str = "王小明") -> ReporterIdentity:
    return ReporterIdentity("", name=name, email=email, phone=phone)


@pytest.fixture
def desk(store, clock):
    return StaffDesk(store, clock)


@pytest.fixture
def marks(desk):
    return marks_on(desk)


def _summary(history: dict) -> tuple:
    return (history["unfounded"], history["malicious"],
            [(c["number"], c["mark"]) for c in history["cases"]], history["matched_on"])


def test_a_mark_shows_on_the_reporters_other_cases_and_on_nobody_elses(desk, marks):
    supervisor = desk.member(Role.SUPERVISOR)
    first = desk.case(Status.CLOSED, identity=reporter("Wang.XM@QQ.com", "+86 138 1234 5678"))
    same_email = desk.case(identity=reporter(" wang.xm@qq.COM "))
    same_phone = desk.case(identity=reporter("other@example.com", "138-1234-5678"))
    someone_else = desk.case(identity=reporter("li.lei@example.com", "13900001111"))
    anonymous = desk.case(anonymous=True, identity=ReporterIdentity(""))

    shown = marks.mark_report(supervisor, first, "malicious", "捏造事实，多次重复举报")

    assert shown.report_mark == "malicious"
    assert _summary(marks.reporter_history(supervisor, same_email)) == (
        0, 1, [(first, "malicious")], ["email"])
    assert _summary(marks.reporter_history(supervisor, same_phone)) == (
        0, 1, [(first, "malicious")], ["phone"])
    assert marks.reporter_history(supervisor, someone_else) == EMPTY
    assert marks.reporter_history(supervisor, anonymous) == EMPTY
    assert marks.reporter_history(supervisor, first) == EMPTY  # its own mark is on the case
    [event] = desk.events(first, EventType.REPORT_MARKED)
    assert event.actor == supervisor.actor and event.text == "捏造事实，多次重复举报"
    assert event.data["mark"] == "malicious" and event.data["mark_from"] == ""


def test_a_mark_changed_or_withdrawn_moves_the_count(desk, marks):
    supervisor = desk.member(Role.SUPERVISOR)
    first = desk.case(identity=reporter("wang@example.com"))
    later = desk.case(identity=reporter("WANG@example.com"))
    marks.mark_report(supervisor, first, "malicious", "r")
    marks.mark_report(supervisor, first, "unfounded", "复核后认定为明显不实，而非恶意")
    assert _summary(marks.reporter_history(supervisor, later)) == (
        1, 0, [(first, "unfounded")], ["email"])
    marks.mark_report(supervisor, first, "none", "误标")
    assert marks.reporter_history(supervisor, later) == EMPTY
    assert desk.store.get_case(first).report_mark == ""
    moves = [(e.data["mark_from"], e.data["mark"]) for e in
             desk.events(first, EventType.REPORT_MARKED)]
    assert moves == [("", "malicious"), ("malicious", "unfounded"), ("unfounded", "")]


def test_marking_again_counts_once_and_a_case_matched_twice_counts_once(desk, marks):
    supervisor = desk.member(Role.SUPERVISOR)
    first = desk.case(identity=reporter("wang@example.com", "13812345678"))
    second = desk.case(identity=reporter("wang@example.com", "13812345678"))
    later = desk.case(identity=reporter("wang@example.com", "+8613812345678"))
    for _ in range(2):  # a retry after a lost answer
        marks.mark_report(supervisor, first, "malicious", "r")
    marks.mark_report(supervisor, second, "unfounded", "r")
    marks.mark_report(supervisor, second, "unfounded", "r")
    assert len(desk.events(first, EventType.REPORT_MARKED)) == 1
    assert _summary(marks.reporter_history(supervisor, later)) == (
        1, 1, [(second, "unfounded"), (first, "malicious")], ["email", "phone"])
    # The first case sees the second, not itself.
    assert _summary(marks.reporter_history(supervisor, first)) == (
        1, 0, [(second, "unfounded")], ["email", "phone"])
    # Withdrawing a mark the case does not have changes nothing either.
    untouched = desk.case(identity=reporter("wang@example.com"))
    marks.mark_report(supervisor, untouched, "none", "r")
    assert desk.events(untouched, EventType.REPORT_MARKED) == []


def test_the_index_holds_keyed_hashes_never_the_contact(desk, marks, store):
    supervisor = desk.member(Role.SUPERVISOR)
    first = desk.case(identity=reporter("Wang.XM@QQ.com", "13812345678"))
    marks.mark_report(supervisor, first, "malicious", "r")
    stored = _index(store)
    assert len(stored) == 2
    text = json.dumps(stored, ensure_ascii=False).lower()
    for clear in ("wang", "qq.com", "13812345678", "8613812345678", "王"):
        assert clear not in text
    # Another server secret finds nothing: the hash is keyed, not a plain digest.
    later = desk.case(identity=reporter("wang.xm@qq.com"))
    assert marks_on(desk, secrets.token_bytes(32)).reporter_history(supervisor, later) == EMPTY


def _index(store) -> dict:
    if hasattr(store, "client"):
        return {s.id: s.to_dict() for s in store.client.collection("reporter_marks").stream()}
    rows = store._connection().execute("SELECT key, doc FROM reporter_marks").fetchall()
    return {key: json.loads(doc) for key, doc in rows}


def test_who_may_mark_and_who_may_read_the_history(desk, marks):
    number = desk.case(Status.IN_PROGRESS, identity=reporter("wang@example.com"))
    handler = desk.member(Role.HANDLER, department="运营部")
    before = desk.snapshot(number)
    with pytest.raises(Forbidden):  # a handler marks only the cases assigned to them
        marks.mark_report(handler, number, "malicious", "r")
    for role in (Role.CLERK, Role.LEADER, Role.AUDITOR, Role.ADMIN):
        with pytest.raises(Forbidden):
            marks.mark_report(desk.member(role), number, "malicious", "r")
    assert desk.snapshot(number) == before
    mine = desk.assigned_to(handler, identity=reporter("wang@example.com"))
    marks.mark_report(handler, mine, "unfounded", "r")
    assert marks.reporter_history(desk.member(Role.AUDITOR), number)["unfounded"] == 1
    with pytest.raises(Forbidden):  # no need-to-know: another department's case
        marks.reporter_history(desk.member(Role.HANDLER, department="技术部"), number)
    with pytest.raises(Forbidden):
        marks.reporter_history(desk.member(Role.ADMIN), number)


def test_bad_marks_are_refused_field_by_field_and_change_nothing(desk, marks):
    supervisor = desk.member(Role.SUPERVISOR)
    number = desk.case(Status.IN_PROGRESS)
    before = desk.snapshot(number)
    for mark, reason, errors in [
        (None, None, {"mark": "required", "reason": "required"}),
        ("spam", "r", {"mark": "invalid"}),
        (1, "r", {"mark": "invalid"}),
        ("malicious", "   ", {"reason": "required"}),
        ("malicious", "长" * 2001, {"reason": "too_long"}),
        ("malicious", ["r"], {"reason": "invalid"}),
    ]:
        with pytest.raises(InvalidCommand) as refused:
            marks.mark_report(supervisor, number, mark, reason)
        assert refused.value.errors == errors
    assert desk.snapshot(number) == before
    archived = desk.case(Status.ARCHIVED)
    with pytest.raises(TransitionNotAllowed):
        marks.mark_report(supervisor, archived, "malicious", "r")


def test_a_service_without_the_key_refuses_rather_than_index_in_clear(desk):
    supervisor = desk.member(Role.SUPERVISOR)
    number = desk.case(Status.IN_PROGRESS)
    before = desk.snapshot(number)
    with pytest.raises(RuntimeError):
        marks_on(desk, b"").mark_report(supervisor, number, "malicious", "r")
    assert desk.snapshot(number) == before


def test_an_anonymous_report_is_linked_to_none_of_its_reporters_other_cases(desk, marks):
    """R20: an anonymous report keeps an email address for notices only; the mark history must
    not tie it to the same person's identified cases, in either direction."""
    supervisor = desk.member(Role.SUPERVISOR)
    named = desk.case(Status.CLOSED, identity=reporter("wangxm@qq.com"))
    anonymous = desk.case(Status.CLOSED, anonymous=True,
                          identity=ReporterIdentity("", email="wangxm@qq.com"))
    marks.mark_report(supervisor, named, "malicious", "捏造事实")
    assert marks.reporter_history(supervisor, anonymous) == EMPTY
    marks.mark_report(supervisor, anonymous, "unfounded", "查无实据")
    assert desk.store.get_case(anonymous).report_mark == "unfounded"  # its own mark stays
    later = desk.case(identity=reporter("wangxm@qq.com"))
    assert _summary(marks.reporter_history(supervisor, later)) == (
        0, 1, [(named, "malicious")], ["email"])
