"""R9 in the domain: who hears of a major or hot case and when — told once when it is raised, a
bulletin with each change of a major case's status and weekly while it is open, none to the member
the case is about — and the closure report a major or hot case's decision needs."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain import lifecycle, major_cases, sweep_rules
from shared.domain.cases import SYSTEM, Severity, Status
from shared.domain.commands import AcceptCase, AssignCase, SetSeverity, StartWork
from shared.domain.decision_commands import ApproveDecision, CloseCase, DraftDecision
from shared.domain.decisions import Decision, validation_errors
from shared.domain.errors import CommandRefused
from shared.domain.major_cases import Audience, Before
from shared.domain.staff import Role
from shared.domain.sweep_rules import Step, SweepPolicy
from tests.support.builders import a_case, a_decision_record
from tests.support.staff_builders import staff_member

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
WEEK = timedelta(days=7)
LEADER = staff_member((Role.LEADER,), id="s-leader", department="总经办")
BOSS = staff_member((Role.SUPERVISOR,), id="s-boss", department="客服中心")
OPS = staff_member((Role.HANDLER,), id="s-ops", department="运营部")
ABOUT = staff_member((Role.LEADER, Role.HANDLER), id="s-about", department="运营部")
GONE = staff_member((Role.LEADER,), id="s-gone", active=False)
STAFF = Audience.of([LEADER, BOSS, OPS, ABOUT, GONE])


def in_progress(**fields):
    fields = {"status": Status.IN_PROGRESS, "assignee": "s-ops", "department": "运营部",
              "about_staff": "s-about", "decision_due_at": NOW + 10 * WEEK,
              "next_due_at": NOW + 10 * WEEK, **fields}
    return a_case("TS-20261203-ABCDEF-0", NOW - timedelta(days=3), **fields)


def changed(case, *commands, at=NOW, audience=STAFF):
    """The R9 notices of the commands applied as one change: (template, staff id) each."""
    before = Before.of(case)
    for command in commands:
        lifecycle.apply(case, command, at)
    found = major_cases.notices(before, case, lambda: audience, "en")
    return [(n.template.value, n.details["staff"]) for n in found], found


def test_a_change_of_neither_severity_nor_status_reads_no_staff():
    case = in_progress(severity=Severity.MAJOR, major_since=NOW)
    before = Before.of(case)
    lifecycle.apply(case, AssignCase("staff:s-boss", "回避", assignee="s-boss"), NOW)
    case.status = Status.IN_PROGRESS  # as it was: only the handler changed

    def unread():
        raise AssertionError("the staff were read")

    assert major_cases.notices(before, case, unread, "en") == []


def test_a_case_made_major_is_told_at_once_to_the_active_leaders_but_the_one_it_is_about():
    case = in_progress()
    told, [notice] = changed(case, SetSeverity("staff:s-boss", "媒体曝光", severity=Severity.MAJOR))
    assert told == [("staff_major_case", "s-leader")]
    assert notice.language == "en" and notice.details["by"] == "staff"
    assert case.major_since == NOW and case.next_due_at == NOW + WEEK  # its first bulletin


def test_a_case_made_hot_goes_to_the_service_centre_and_its_department():
    case = in_progress()
    told, _ = changed(case, SetSeverity(SYSTEM, "R8", severity=Severity.HOT))
    assert told == [("staff_hot_case", "s-boss"), ("staff_hot_case", "s-ops")]
    nobody_there = in_progress(department="法务部")
    assert changed(nobody_there, SetSeverity(SYSTEM, "R8", severity=Severity.HOT))[0] == [
        ("staff_hot_case", "s-boss")]  # the supervisors only


def test_a_major_case_bulletins_each_change_of_status_once_and_a_general_one_nothing():
    case = in_progress(status=Status.ASSIGNED, severity=Severity.MAJOR, major_since=NOW)
    told, [notice] = changed(case, StartWork("staff:s-ops"))
    assert told == [("staff_major_bulletin", "s-leader")]
    assert (notice.details["status_from"], notice.details["status_to"]) == ("assigned",
                                                                            "in_progress")
    assert changed(case, SetSeverity("staff:s-boss", "r", severity=Severity.MAJOR)) == ([], [])
    general = in_progress(status=Status.ASSIGNED)
    assert changed(general, StartWork("staff:s-ops")) == ([], [])


def test_a_closure_bulletin_carries_the_closure_report_to_the_leaders():
    case = in_progress(severity=Severity.MAJOR, major_since=NOW)
    report = {"cause": "审核规则缺失", "prevention": "增加复核环节"}
    lifecycle.apply(case, DraftDecision("staff:s-ops", decision=a_decision_record(
        closure_report=report)), NOW)
    _, [notice] = changed(case, ApproveDecision("staff:s-boss"),
                          CloseCase("staff:s-boss", appeal_until=NOW + 26 * WEEK))
    assert notice.details["status_to"] == "closed" and notice.details["closure_report"] == report
    assert "closure_report" not in case.decision["sent"]  # never the person's to read


def test_the_weekly_bulletin_is_a_sweep_moment_claimed_for_the_week_it_is():
    case = in_progress(severity=Severity.MAJOR, major_since=NOW)
    [due] = [d for d in sweep_rules.moments(case, SweepPolicy()) if d.step == Step.BULLETIN]
    assert (due.key, due.at) == ("bulletin:major:1", NOW + WEEK)
    late = NOW + 3 * WEEK + timedelta(days=2)  # a sweep that did not run for three weeks
    [act] = [d for d in sweep_rules.plan(case, late, SweepPolicy()).acts if d.step == Step.BULLETIN]
    notices, week = major_cases.weekly_bulletin(case, late, STAFF.leaders(case), "zh-CN")
    assert week == "bulletin:major:3" and [n.details["week"] for n in notices] == [3]
    sweep_rules.claim(case, [act.key, week])
    assert major_cases.next_bulletin_at(case) == NOW + 4 * WEEK  # not weeks 2 and 3 now
    case.status = Status.CLOSED
    assert major_cases.next_bulletin_at(case) is None  # only while it is open


def test_a_case_lowered_from_major_has_no_more_bulletins_and_a_new_rise_counts_afresh():
    case = in_progress(severity=Severity.MAJOR, major_since=NOW, sweep_claims=["bulletin:major:2"])
    changed(case, SetSeverity("staff:s-boss", "误判", severity=Severity.IMPORTANT))
    assert case.major_since is None and major_cases.moments(case) == []
    later = NOW + 5 * WEEK
    changed(case, SetSeverity("staff:s-boss", "起诉", severity=Severity.MAJOR), at=later)
    assert [d.key for d in major_cases.moments(case)] == ["bulletin:major:1"]
    assert major_cases.next_bulletin_at(case) == later + WEEK


@pytest.mark.parametrize("severity, report, missing", [
    (Severity.MAJOR, None, "cause, prevention"),
    (Severity.MAJOR, {"cause": "审核规则缺失"}, "prevention"),
    (Severity.HOT, {"cause": "x", "prevention": "y"}, "summary"),
])
def test_a_major_or_hot_decision_is_approved_only_with_its_closure_report(severity, report,
                                                                          missing):
    record = a_decision_record(**({"closure_report": report} if report else {}))
    case = in_progress(severity=severity, status=Status.DECISION_DRAFTED,
                       decision={"record": record, "drafted_by": "s-ops"})
    with pytest.raises(CommandRefused) as refused:
        lifecycle.apply(case, ApproveDecision("staff:s-boss"), NOW)
    assert refused.value.code == "closure_report_needed" and missing in str(refused.value)
    assert case.status == Status.DECISION_DRAFTED


def test_a_general_decision_needs_no_report_and_a_report_is_checked_like_any_text():
    case = in_progress(status=Status.DECISION_DRAFTED,
                       decision={"record": a_decision_record(), "drafted_by": "s-ops"})
    lifecycle.apply(case, ApproveDecision("staff:s-boss"), NOW)
    assert validation_errors(a_decision_record(closure_report="原因")) == {
        "closure_report": "invalid"}
    assert validation_errors(a_decision_record(closure_report={"reason": "x"})) == {
        "closure_report": "invalid"}
    assert validation_errors(a_decision_record(closure_report={"cause": "x" * 5001})) == {
        "closure_report.cause": "too_long"}
    kept = Decision.from_record(a_decision_record(closure_report={"summary": " 已整改 "}))
    assert kept.to_record()["closure_report"] == {"cause": "", "prevention": "", "summary": "已整改"}
    assert "closure_report" not in Decision.from_record(a_decision_record()).to_record()


def test_an_acceptance_moves_the_next_look_yet_never_past_the_weekly_bulletin():
    case = in_progress(status=Status.RECEIVED, severity=Severity.MAJOR,
                       major_since=NOW - timedelta(days=6), next_due_at=NOW)
    changed(case, AcceptCase("staff:s-boss"))
    assert case.next_due_at == NOW  # the sweep looks at once, before the bulletin's day
