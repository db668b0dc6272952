"""Every staff command through `StaffCases`, on both stores: what it changes, the event naming
who, why and from where, the notice it queues once, and refusals that change nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.cases import EventType, Kind, Severity, Status
from shared.domain.errors import CaseNotFound, InvalidCommand, TransitionNotAllowed
from shared.domain.permissions import Forbidden
from shared.domain.staff import Role
from tests.support.staff_desk import CLIENT, StaffDesk, phone_only, unknown_number


@pytest.fixture
def desk(store, clock):
    return StaffDesk(store, clock)


def notices(desk, number) -> list[str]:
    return [e.data["template"] for e in desk.events(number, EventType.NOTICE_QUEUED)]


def outbox_of(desk, number):
    return [desk.store.get_outbox(e.data["outbox_id"])
            for e in desk.events(number, EventType.NOTICE_QUEUED)]


def refused_unchanged(desk, number, error, call):
    before = desk.snapshot(number)
    with pytest.raises(error) as raised:
        call()
    assert desk.snapshot(number) == before
    return raised.value


def test_accepting_sets_the_decision_due_and_queues_one_acceptance_notice(desk, clock):
    clerk = desk.member(Role.CLERK)
    number = desk.case()
    view = desk.cases.accept(clerk, number, note="电话核实过，情况属实")
    assert view.status == "accepted"
    case = desk.store.get_case(number)
    assert case.decision_due_at == clock.now() + timedelta(days=15)
    # The sweep looks at once and places the decision's reminder and the escalations (R8).
    assert case.next_due_at == clock.now()
    accepted, note = desk.events(number, EventType.CASE_ACCEPTED), desk.events(number,
                                                                              EventType.NOTE_ADDED)
    assert accepted[0].actor == clerk.actor and accepted[0].data["from"] == CLIENT
    assert accepted[0].text == "" and accepted[0].public  # the note is not on the public event
    assert note[0].text == "电话核实过，情况属实" and not note[0].public
    assert notices(desk, number) == ["case_accepted"]
    refused_unchanged(desk, number, TransitionNotAllowed, lambda: desk.cases.accept(clerk, number))
    assert notices(desk, number) == ["case_accepted"]  # accepting twice told them once


@pytest.mark.parametrize("reason, extra", [
    ("not_about_platform", {}), ("private_dispute", {}), ("no_facts", {}),
    ("anonymous_complaint", {}), ("other", {"text": "所述账号不存在"}),
    ("no_facts", {"text": "请附上截图"}),
])
def test_a_rejection_tells_the_ground_and_the_text(desk, reason, extra):
    supervisor = desk.member(Role.SUPERVISOR)
    number = desk.case()
    assert desk.cases.reject(supervisor, number, reason, **extra).status == "rejected"
    [event] = desk.events(number, EventType.CASE_REJECTED)
    assert event.data["ground"] == reason and event.text == extra.get("text", "")
    assert desk.store.get_case(number).next_due_at is None
    [message] = outbox_of(desk, number)
    assert (message.template.value, message.text, message.details) == \
        ("case_rejected", extra.get("text", ""), {"ground": reason})


def test_a_duplicate_names_the_other_case_to_its_own_reporter_only(desk):
    clerk = desk.member(Role.CLERK)
    earlier, same, stranger = desk.case(), desk.case(), desk.case(
        identity=phone_only())
    desk.cases.reject(clerk, same, "duplicate", duplicate_of=earlier.lower())
    [event] = desk.events(same, EventType.CASE_REJECTED)
    assert (event.data["duplicate_of"], event.data["same_reporter"]) == (earlier, True)
    assert outbox_of(desk, same)[0].details == {"ground": "duplicate", "duplicate_of": earlier}
    desk.cases.reject(clerk, earlier, "duplicate", duplicate_of=stranger)
    [event] = desk.events(earlier, EventType.CASE_REJECTED)
    assert (event.data["duplicate_of"], event.data["same_reporter"]) == (stranger, False)
    assert outbox_of(desk, earlier)[0].details == {"ground": "duplicate"}  # not their case


@pytest.mark.parametrize("args, errors", [
    (("nonsense",), {"reason": "invalid"}),
    (("",), {"reason": "required"}),
    ((None,), {"reason": "required"}),
    ((["no_facts"],), {"reason": "invalid"}),
    (("other",), {"text": "required"}),
    (("other", "", "  \u200b "), {"text": "required"}),
    (("other", "", "x" * 2001), {"text": "too_long"}),
    (("duplicate",), {"duplicate_of": "required"}),
    (("duplicate", "TS-1"), {"duplicate_of": "invalid"}),
    (("duplicate", 42), {"duplicate_of": "invalid"}),
    (("duplicate", unknown_number()), {"duplicate_of": "unknown"}),
])
def test_a_bad_rejection_is_refused_field_by_field_and_changes_nothing(desk, args, errors):
    clerk = desk.member(Role.CLERK)
    number = desk.case()
    refused = refused_unchanged(desk, number, InvalidCommand,
                                lambda: desk.cases.reject(clerk, number, *args))
    assert refused.errors == errors


def test_a_case_is_no_duplicate_of_itself(desk):
    clerk = desk.member(Role.CLERK)
    number = desk.case()
    refused = refused_unchanged(desk, number, InvalidCommand, lambda: desk.cases.reject(
        clerk, number, "duplicate", duplicate_of=number))
    assert refused.errors == {"duplicate_of": "same_case"}


def test_a_supervisor_reopens_a_rejected_case_and_its_review_starts_again(desk, clock):
    supervisor = desk.member(Role.SUPERVISOR)
    number = desk.case(Status.REJECTED)
    clock.advance(timedelta(hours=3))
    assert desk.cases.reopen(supervisor, number, "初审有误").status == "received"
    case = desk.store.get_case(number)
    assert case.review_due_at == case.next_due_at == clock.now() + timedelta(hours=24)
    refused_unchanged(desk, number, InvalidCommand, lambda: desk.cases.reopen(supervisor, number,
                                                                                ""))


def test_classifying_changes_kind_and_category_and_the_flags_raise_the_severity(desk):
    handler = desk.member()
    number = desk.assigned_to(handler)
    view = desk.cases.classify(handler, number, kind="report", category="fraud",
                               reason="实为诈骗举报")
    assert (view.kind, view.category) == ("report", "fraud")
    [classified] = desk.events(number, EventType.CASE_CLASSIFIED)
    assert (classified.data["kind_from"], classified.data["kind_to"]) == ("complaint", "report")
    assert classified.text == "实为诈骗举报" and classified.data["from"] == CLIENT

    view = desk.cases.classify(handler, number, flags={"collective_size": 12},
                               reason="12 人联名")
    assert view.severity == "major" and view.flags["collective_size"] == 12
    stored = desk.store.get_case(number)
    assert (stored.severity, stored.flags.collective_size) == (Severity.MAJOR, 12)
    raised = desk.events(number, EventType.SEVERITY_SET)[-1]
    assert (raised.data["severity_from"], raised.data["severity_to"]) == ("general", "major")
    assert raised.actor == handler.actor and "collective_size" in raised.text

    # Flags that imply less never lower it; the flags not named keep their value.
    view = desk.cases.classify(handler, number, flags={"repeat_complaint": True}, reason="再次投诉")
    assert view.severity == "major" and view.flags["collective_size"] == 12
    assert len(desk.events(number, EventType.SEVERITY_SET)) == 1

    # The same classification again (a retried request) records nothing.
    count = desk.store.get_case(number).event_count
    desk.cases.classify(handler, number, flags={"repeat_complaint": True}, reason="再次投诉")
    assert desk.store.get_case(number).event_count == count


@pytest.mark.parametrize("kwargs, errors", [
    ({}, {"kind": "required"}),
    ({"kind": "suggestion"}, {"kind": "invalid"}),
    ({"kind": "report"}, {"category": "invalid_for_kind"}),  # "billing" is no report category
    ({"category": "fraud"}, {"category": "invalid"}),  # not a complaint type
    ({"category": 7}, {"category": "invalid"}),
    ({"flags": ["litigation"]}, {"flags": "invalid"}),
    ({"flags": {"lawsuit": "started"}}, {"flags.lawsuit": "unknown"}),
    ({"flags": {"litigation": "maybe", "collective_size": 1}},
     {"flags.litigation": "invalid", "flags.collective_size": "invalid"}),
    ({"flags": {"collective_size": True}}, {"flags.collective_size": "invalid"}),
    ({"flags": {"repeat_complaint": "yes"}}, {"flags.repeat_complaint": "invalid"}),
    ({"category": "service", "reason": ""}, {"reason": "required"}),
])
def test_a_bad_classification_is_refused_and_changes_nothing(desk, kwargs, errors):
    handler = desk.member()
    number = desk.assigned_to(handler, category="billing")
    kwargs = {"reason": "r", **kwargs}
    refused = refused_unchanged(desk, number, InvalidCommand,
                                lambda: desk.cases.classify(handler, number, **kwargs))
    assert refused.errors == errors


def test_severity_is_set_by_hand_up_or_down_and_not_on_a_closed_case(desk):
    supervisor = desk.member(Role.SUPERVISOR)
    number = desk.case(Status.IN_PROGRESS, severity=Severity.MAJOR)
    assert desk.cases.set_severity(supervisor, number, "important", "媒体报道已澄清").severity == \
        "important"
    [event] = desk.events(number, EventType.SEVERITY_SET)
    assert (event.data["severity_from"], event.data["severity_to"], event.text) == \
        ("major", "important", "媒体报道已澄清")
    desk.cases.set_severity(supervisor, number, "important", "again")  # unchanged: no event
    assert len(desk.events(number, EventType.SEVERITY_SET)) == 1
    refused_unchanged(desk, number, InvalidCommand,
                      lambda: desk.cases.set_severity(supervisor, number, "urgent", "r"))
    closed = desk.case(Status.CLOSED)
    refused_unchanged(desk, closed, TransitionNotAllowed,
                      lambda: desk.cases.set_severity(supervisor, closed, "hot", "r"))
    refused_unchanged(desk, closed, TransitionNotAllowed,  # not even "unchanged"
                      lambda: desk.cases.set_severity(supervisor, closed, "general", "r"))


def test_the_first_assignment_tells_the_reporter_the_department_and_the_due_date(desk):
    supervisor = desk.member(Role.SUPERVISOR)
    handler = desk.member(Role.HANDLER, department="运营部", display_name="李娜")
    number = desk.case(Status.RECEIVED)
    desk.cases.accept(supervisor, number)
    view = desk.cases.assign(supervisor, number, assignee=handler.member.id)
    assert (view.status, view.assignee, view.department) == ("assigned", handler.member.id,
                                                             "运营部")
    assert notices(desk, number) == ["case_accepted", "case_assigned"]
    assert outbox_of(desk, number)[1].details == {"department": "运营部"}
    [event] = desk.events(number, EventType.CASE_ASSIGNED)
    assert not event.public and event.data["assignee"] == handler.member.id


def test_reassignment_needs_a_reason_tells_the_reporter_nothing_and_repeats_nothing(desk):
    leader = desk.member(Role.LEADER)
    first, second = desk.member(department="运营部"), desk.member(department="技术部")
    number = desk.assigned_to(first, Status.IN_PROGRESS)
    refused = refused_unchanged(desk, number, InvalidCommand, lambda: desk.cases.assign(
        leader, number, assignee=second.member.id))
    assert refused.errors == {"reason": "required"}
    view = desk.cases.assign(leader, number, assignee=second.member.id, reason="技术问题")
    assert (view.status, view.department) == ("assigned", "技术部")
    count = desk.store.get_case(number).event_count
    desk.cases.assign(leader, number, assignee=second.member.id, reason="技术问题")  # a retry
    assert desk.store.get_case(number).event_count == count and notices(desk, number) == []


@pytest.mark.parametrize("kwargs, errors", [
    ({}, {"assignee": "required"}),
    ({"assignee": "nobody"}, {"assignee": "unknown"}),
    ({"assignee": 5}, {"assignee": "invalid"}),
    ({"department": "x" * 201}, {"department": "too_long"}),
])
def test_an_assignment_to_no_one_valid_is_refused(desk, kwargs, errors):
    supervisor = desk.member(Role.SUPERVISOR)
    number = desk.case(Status.ACCEPTED)
    refused = refused_unchanged(desk, number, InvalidCommand,
                                lambda: desk.cases.assign(supervisor, number, **kwargs))
    assert refused.errors == errors


@pytest.mark.parametrize("roles, active, code", [
    ((Role.CLERK,), True, "not_a_handler"), ((Role.LEADER, Role.AUDITOR), True, "not_a_handler"),
    ((Role.HANDLER,), False, "inactive"),
])
def test_only_an_active_handler_or_supervisor_is_assigned(desk, roles, active, code):
    supervisor = desk.member(Role.SUPERVISOR)
    other = desk.member(*roles, active=active)
    number = desk.case(Status.ACCEPTED)
    refused = refused_unchanged(desk, number, InvalidCommand, lambda: desk.cases.assign(
        supervisor, number, assignee=other.member.id))
    assert refused.errors == {"assignee": code}


def test_a_department_alone_may_be_assigned(desk):
    supervisor = desk.member(Role.SUPERVISOR)
    number = desk.case(Status.ACCEPTED)
    view = desk.cases.assign(supervisor, number, department="客服中心")
    assert (view.assignee, view.department) == ("", "客服中心")
    assert outbox_of(desk, number)[0].details == {"department": "客服中心"}


def test_the_assignee_takes_the_case_up_and_no_one_else(desk):
    handler, colleague = desk.member(), desk.member()
    number = desk.assigned_to(handler, Status.ASSIGNED)
    refused_unchanged(desk, number, Forbidden, lambda: desk.cases.start_work(colleague, number))
    assert desk.cases.start_work(handler, number).status == "in_progress"
    refused_unchanged(desk, number, TransitionNotAllowed,
                      lambda: desk.cases.start_work(handler, number))


def test_an_internal_note_is_for_staff_only(desk):
    clerk = desk.member(Role.CLERK)
    number = desk.case()
    desk.cases.add_note(clerk, number, "  来电人情绪激动，建议优先处理  ")
    [note] = desk.events(number, EventType.NOTE_ADDED)
    assert (note.text, note.public, note.actor) == ("来电人情绪激动，建议优先处理", False, clerk.actor)
    for bad in ("", " \n ", None, 3, "字" * 10001, "a lone \ud800 surrogate", ["x"]):
        refused_unchanged(desk, number, InvalidCommand, lambda: desk.cases.add_note(clerk, number,
                                                                                    bad))


def test_a_question_makes_the_case_wait_and_a_phoned_answer_brings_it_back(desk):
    handler, clerk = desk.member(), desk.member(Role.CLERK)
    number = desk.assigned_to(handler)
    view = desk.send_reply(handler, number, "请提供订单截图", question=True)
    assert view.status == "awaiting_reporter"
    [asked] = desk.events(number, EventType.INFORMATION_REQUESTED)
    assert asked.text == "请提供订单截图" and asked.public
    [message] = outbox_of(desk, number)
    assert (message.template.value, message.text) == ("information_requested", "请提供订单截图")
    refused_unchanged(desk, number, TransitionNotAllowed, lambda: desk.cases.message_reporter(
        desk.supervisor(), number, "再问一次", request_information=True))
    view = desk.cases.record_reporter_answer(clerk, number, "电话告知：截图已发至邮箱")
    [answered] = desk.events(number, EventType.REPORTER_ANSWERED)
    assert view.status == "in_progress" and answered.actor == clerk.actor
    refused_unchanged(desk, number, TransitionNotAllowed,
                      lambda: desk.cases.record_reporter_answer(clerk, number, "again"))


def test_a_message_to_the_reporter_leaves_the_status_and_is_on_their_timeline(desk):
    handler = desk.member()
    number = desk.assigned_to(handler)
    assert desk.send_reply(handler, number, "已联系商家").status == "in_progress"
    [event] = desk.events(number, EventType.REPORTER_MESSAGED)
    assert event.public and event.text == "已联系商家"
    assert [(m.template.value, m.text) for m in outbox_of(desk, number)] == \
        [("handler_message", "已联系商家")]
    refused_unchanged(desk, number, InvalidCommand, lambda: desk.cases.message_reporter(
        handler, number, "x", request_information="yes"))


def test_a_reporter_without_an_address_is_asked_all_the_same_and_staff_see_why_no_mail(desk):
    handler = desk.member()
    number = desk.case(Status.IN_PROGRESS, assignee=handler.member.id,
                       identity=phone_only())
    desk.send_reply(handler, number, "请提供订单号", question=True)
    assert desk.store.get_case(number).status == Status.AWAITING_REPORTER
    [not_sent] = desk.events(number, EventType.NOTICE_NOT_POSSIBLE)
    assert not_sent.data == {"template": "information_requested", "reason": "no_address"}
    assert not not_sent.public and notices(desk, number) == []


def test_a_referral_records_the_authority_the_day_and_their_reference(desk, clock):
    handler = desk.member()
    number = desk.assigned_to(handler, kind=Kind.REPORT, category="fraud")
    desk.cases.refer_out(handler, number, authority="public_security", referred_on="2026-11-28",
                         reference="京公网安 2026-118")
    [event] = desk.events(number, EventType.CASE_REFERRED)
    assert (event.data["authority"], event.data["referred_on"], event.data["reference"]) == \
        ("public_security", "2026-11-28", "京公网安 2026-118")
    assert not event.public and notices(desk, number) == []


@pytest.mark.parametrize("kwargs, errors", [
    ({"authority": "police"}, {"authority": "invalid"}),
    ({"authority": "other"}, {"note": "required"}),
    ({"referred_on": "2026-11-29"}, {"referred_on": "in_future"}),  # 20:30 on the 28th in Beijing
    ({"referred_on": "29/11/2026"}, {"referred_on": "invalid"}),
    ({"referred_on": None}, {"referred_on": "required"}),
    ({"reference": "x" * 201}, {"reference": "too_long"}),
])
def test_a_bad_referral_is_refused(desk, kwargs, errors):
    handler = desk.member()
    number = desk.assigned_to(handler)
    kwargs = {"authority": "cac", "referred_on": "2026-11-28", **kwargs}
    refused = refused_unchanged(desk, number, InvalidCommand,
                                lambda: desk.cases.refer_out(handler, number, **kwargs))
    assert refused.errors == errors


@pytest.mark.parametrize("number", [unknown_number(), "nonsense", "", None, 42,
                                    "TS" * 5000])
def test_an_unknown_case_is_not_found_whatever_is_asked(desk, number):
    supervisor = desk.member(Role.SUPERVISOR)
    for call in (lambda: desk.cases.view(supervisor, number),
                 lambda: desk.cases.accept(supervisor, number),
                 lambda: desk.cases.add_note(supervisor, number, "x")):
        with pytest.raises(CaseNotFound):
            call()


def test_flags_never_lower_a_severity_set_by_hand(desk):
    supervisor = desk.member(Role.SUPERVISOR)
    number = desk.case(Status.IN_PROGRESS, severity=Severity.MAJOR)
    assert desk.cases.classify(supervisor, number, flags={"repeat_complaint": True},
                               reason="再次投诉").severity == "major"
    assert desk.store.get_case(number).severity == Severity.MAJOR
    assert desk.events(number, EventType.SEVERITY_SET) == []


@pytest.mark.parametrize("command, field", [
    ("reject", "reason"), ("reopen", "reason"), ("classify", "kind"), ("set_severity", "severity"),
    ("add_note", "text"), ("message_reporter", "text"), ("record_reporter_answer", "text"),
    ("refer_out", "authority"), ("reveal_identity", "reason"), ("set_confidential", "confidential"),
])
def test_a_command_without_its_fields_names_them_and_changes_nothing(desk, command, field):
    supervisor = desk.member(Role.SUPERVISOR)
    status = {"reopen": Status.REJECTED, "record_reporter_answer": Status.AWAITING_REPORTER,
              "reject": Status.RECEIVED}.get(command, Status.IN_PROGRESS)
    number = desk.case(status)
    refused = refused_unchanged(desk, number, InvalidCommand,
                                lambda: getattr(desk.cases, command)(supervisor, number))
    assert refused.errors[field] == "required"
