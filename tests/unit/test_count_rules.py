"""R8's count rule on the domain alone: which cases of one matter form a group (3+ people within
30 days), and what joining the group does to a case (hot once, linked, never lowered)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.case_flags import CaseFlags, Litigation
from shared.domain.cases import EventType, Severity, Status
from shared.domain.count_rules import (
    MAX_LINKED,
    RULE_SAME_MATTER,
    flag_rules,
    join,
    joins,
    people_of,
    same_matter_group,
)
from shared.domain.matters import matter_key
from tests.support.builders import a_case

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
MATTER = "shop.example/seller/42"


def case_of(n: int, days: float = 0, **fields):
    fields.setdefault("matter", MATTER)
    return a_case(f"TS-20261102-AAAAA{n}-0", START + timedelta(days=days), **fields)


def keys_of(*people: str) -> dict[str, list[str]]:
    """Case i (1-based) filed by people[i-1]: each person one key."""
    return {case_of(i).number: [person] for i, person in enumerate(people, 1) if person}


def numbers(cases) -> list[str]:
    return [c.number for c in cases]


def test_two_people_are_not_a_group():
    cases = [case_of(1), case_of(2, 3)]
    assert same_matter_group(cases[1], cases, keys_of("zhang", "li")) == []


def test_three_different_people_within_30_days_are_a_group_oldest_first():
    cases = [case_of(1), case_of(2, 10), case_of(3, 30)]
    for case in cases:
        assert numbers(same_matter_group(case, cases, keys_of("zhang", "li", "wang"))) == \
            numbers(cases)


def test_three_cases_from_one_person_are_not_a_group():
    cases = [case_of(1), case_of(2, 1), case_of(3, 2)]
    assert same_matter_group(cases[2], cases, keys_of("zhang", "zhang", "zhang")) == []


def test_one_person_by_email_and_then_by_phone_is_still_one_person():
    cases = [case_of(1), case_of(2, 1), case_of(3, 2)]
    keys = {cases[0].number: ["mail:zhang"], cases[1].number: ["mail:zhang", "phone:zhang"],
            cases[2].number: ["phone:zhang"]}
    assert people_of(cases, keys) == 1
    assert same_matter_group(cases[2], cases, keys) == []


def test_cases_31_days_apart_are_not_within_a_month():
    cases = [case_of(1), case_of(2, 15), case_of(3, 31)]
    assert same_matter_group(cases[2], cases, keys_of("zhang", "li", "wang")) == []
    assert same_matter_group(cases[0], cases, keys_of("zhang", "li", "wang")) == []


def test_anonymous_cases_and_cases_without_a_contact_count_as_people_of_their_own():
    cases = [case_of(1, anonymous=True), case_of(2, 1, anonymous=True), case_of(3, 2)]
    assert numbers(same_matter_group(cases[2], cases, keys_of("", "", "zhang"))) == numbers(cases)


def test_other_matters_and_rejected_cases_do_not_count():
    cases = [case_of(1), case_of(2, 1, matter="other.example"),
             case_of(3, 2, status=Status.REJECTED), case_of(4, 3)]
    keys = keys_of("zhang", "li", "wang", "zhao")
    assert same_matter_group(cases[3], cases, keys) == []


def test_a_case_joins_only_the_span_it_is_in():
    cases = [case_of(1), case_of(2, 5), case_of(3, 10), case_of(4, 45)]
    keys = keys_of("zhang", "li", "wang", "zhao")
    assert numbers(same_matter_group(cases[2], cases, keys)) == numbers(cases[:3])
    assert same_matter_group(cases[3], cases, keys) == []


def group_of_three():
    return [case_of(1), case_of(2, 1), case_of(3, 2)]


def test_joining_makes_the_case_hot_once_and_links_it_to_the_others():
    cases = group_of_three()
    group = numbers(cases)
    case = cases[0]
    assert join(case, group, MATTER, START) is True
    assert case.severity == Severity.HOT
    assert case.linked_cases == group[1:]
    linked, raised = case.new_events[-2:]
    assert linked.type == EventType.CASES_LINKED and linked.data["linked"] == group[1:]
    assert raised.type == EventType.SEVERITY_SET and raised.actor == "system"
    assert (raised.data["rule"], raised.data["severity_from"], raised.data["severity_to"]) == (
        RULE_SAME_MATTER, "general", "hot")
    recorded = case.event_count
    assert join(case, group, MATTER, START) is False and not joins(case, group, MATTER)
    assert case.event_count == recorded


def test_a_major_case_stays_major_and_is_only_linked():
    case = group_of_three()[0]
    case.severity = Severity.MAJOR
    join(case, numbers(group_of_three()), MATTER, START)
    assert case.severity == Severity.MAJOR
    assert [e.type for e in case.new_events[1:]] == [EventType.CASES_LINKED]


def test_a_severity_lowered_by_hand_is_not_raised_again_for_the_same_matter():
    cases = group_of_three()
    case = cases[0]
    join(case, numbers(cases), MATTER, START)
    case.severity = Severity.GENERAL  # the service centre judged it so
    assert join(case, numbers(cases), MATTER, START) is False
    assert case.severity == Severity.GENERAL


def test_a_closed_case_is_linked_but_not_raised_and_an_archived_one_is_left_alone():
    cases = group_of_three()
    closed, archived = cases[0], cases[1]
    closed.status, archived.status = Status.CLOSED, Status.ARCHIVED
    join(closed, numbers(cases), MATTER, START)
    assert closed.severity == Severity.GENERAL and closed.linked_cases == numbers(cases)[1:]
    assert join(archived, numbers(cases), MATTER, START) is False


def test_a_case_whose_matter_changed_meanwhile_does_not_join():
    cases = group_of_three()
    cases[0].matter = "another.example"
    assert join(cases[0], numbers(cases), MATTER, START) is False


def test_links_are_bounded():
    case = case_of(0)
    group = [case.number] + [f"TS-20261102-B{i:05d}-0" for i in range(MAX_LINKED + 10)]
    join(case, group, MATTER, START)
    assert len(case.linked_cases) == MAX_LINKED


@pytest.mark.parametrize("typed, key", [
    ("https://www.Shop.Example/seller/42/", "shop.example/seller/42"),
    ("shop.example/seller/42", "shop.example/seller/42"),
    ("  张三的 店铺  ", "张三的 店铺"),
    ("ＡＢＣ旗舰店", "abc旗舰店"),
    ("", ""),
])
def test_a_matter_key_is_what_was_typed_normalised(typed, key):
    assert matter_key(typed) == key


@pytest.mark.parametrize("flags, severity, rule", [
    (CaseFlags(collective_size=10), Severity.MAJOR, "R8 collective complaint of 10+ people"),
    (CaseFlags(collective_size=3), Severity.HOT, "R8 collective complaint of 3+ people"),
    (CaseFlags(collective_size=12, litigation=Litigation.STARTED), Severity.MAJOR,
     "R8 litigation started; R8 collective complaint of 10+ people"),
])
def test_the_flags_name_the_rule_that_raised_the_severity(flags, severity, rule):
    assert flags.implied_severity() == severity
    assert flag_rules(flags, severity) == rule
