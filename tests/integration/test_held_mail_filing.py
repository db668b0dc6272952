"""Filing held mail in a case, on both stores: attaching it to an existing case, and actions
interrupted between filing and settling — a retry completes them, and a message ends up in one
case at most whatever staff try next."""
from __future__ import annotations

import pytest

from shared.domain.cases import EventType
from shared.domain.errors import CaseNotFound, InvalidCommand
from shared.domain.held_mail import HeldMailSettled
from shared.domain.queues import CaseQuery
from shared.domain.staff import Role
from shared.services.status_lookup import CaseView
from tests.support.held_mail import CLERK, held_complaint, requester, services_on
from tests.support.inbound_mail import corpus, receive_verified
from tests.support.timeline import events_of


@pytest.fixture
def desk_app(settings, mailbox, clock, store):
    return services_on(settings, mailbox, clock, store)


def a_case(app) -> str:
    return receive_verified(app, corpus("qqmail_report.eml")).case_number


def added_by_staff(app, number):
    return [e for e in events_of(app.store, number)
            if e.type == EventType.MAIL_ATTACHED and e.actor.startswith("staff:")]


def test_held_mail_attached_to_a_case_is_filed_by_the_staff_member_out_of_the_reporters_sight(desk_app):
    number, held_id = a_case(desk_app), held_complaint(desk_app)
    done = desk_app.held_mail_desk.attach(CLERK, held_id, number.lower(), reason="同一读者的补充")
    assert done["case_number"] == number and done["resolution"]["action"] == "attached"
    case = desk_app.store.get_case(number)
    raw_key = desk_app.store.get_held_mail(held_id).mail.raw_key
    assert case.attachments[-1].key == raw_key
    assert case.attachments[-1].content_type == "message/rfc822"
    [added] = added_by_staff(desk_app, number)
    assert added.actor == CLERK.actor and "退款申请三周没有处理" in added.text
    assert added.data["held_id"] == held_id and added.data["from"] == CLERK.client
    assert added.data["reason"] == "同一读者的补充"
    # Its sender may be someone else: the reporter's status page never shows it (R20).
    assert not [e for e in desk_app.store.case_events(number, public_only=True, limit=200)
                if "退款申请三周没有处理" in e.text]
    # Nor the raw message among the files its attachments list shows.
    shown = CaseView.of(case, desk_app.store)
    assert raw_key not in [a.key for a in shown.attachments]
    assert [a.key for a in shown.attachments] == [a.key for a in case.attachments[:-1]]
    assert desk_app.held_mail_desk.queue(CLERK)["items"] == []
    with pytest.raises(HeldMailSettled):
        desk_app.held_mail_desk.attach(CLERK, held_id, number)
    assert len(added_by_staff(desk_app, number)) == 1


@pytest.mark.parametrize("number", ["TS-20261128-ABCDEF-0", "not a number", "", None, 42,
                                   "TS" * 10_000])
def test_attaching_to_an_unknown_case_changes_nothing(desk_app, number):
    held_id = held_complaint(desk_app)
    with pytest.raises(CaseNotFound):
        desk_app.held_mail_desk.attach(CLERK, held_id, number)
    assert desk_app.held_mail_desk.read(CLERK, held_id)["open"]
    assert desk_app.store.find_mail(f"held:{held_id}") is None


def test_an_attach_reason_that_is_no_text_is_refused(desk_app):
    number, held_id = a_case(desk_app), held_complaint(desk_app)
    with pytest.raises(InvalidCommand):
        desk_app.held_mail_desk.attach(CLERK, held_id, number, reason={"x": 1})
    assert added_by_staff(desk_app, number) == []


def interrupt_settling_once(app, monkeypatch):
    """The next settle fails as an outage would, after the case was written."""
    real = app.store.settle_held_mail
    calls = []

    def settle(*args):
        calls.append(args)
        if len(calls) == 1:
            raise OSError("connection reset")
        return real(*args)

    monkeypatch.setattr(app.store, "settle_held_mail", settle)


def test_an_interrupted_open_case_is_completed_by_the_retry_with_one_case(desk_app, monkeypatch):
    held_id = held_complaint(desk_app)
    interrupt_settling_once(desk_app, monkeypatch)
    with pytest.raises(OSError):
        desk_app.held_mail_desk.open_case(CLERK, held_id)
    [case] = desk_app.store.find_cases(CaseQuery(channel="email")).cases
    assert desk_app.held_mail_desk.read(CLERK, held_id)["open"]  # filed, not settled yet
    again = desk_app.held_mail_desk.open_case(CLERK, held_id)
    assert again["case_number"] == case.number
    assert again["resolution"]["action"] == "opened_case"
    assert [c.number for c in desk_app.store.find_cases(CaseQuery(channel="email")).cases] \
        == [case.number]


def test_an_interrupted_attach_is_completed_by_the_retry_with_one_addition(desk_app, monkeypatch):
    number, held_id = a_case(desk_app), held_complaint(desk_app)
    interrupt_settling_once(desk_app, monkeypatch)
    with pytest.raises(OSError):
        desk_app.held_mail_desk.attach(CLERK, held_id, number)
    done = desk_app.held_mail_desk.attach(CLERK, held_id, number)
    assert done["resolution"]["action"] == "attached"
    assert len(added_by_staff(desk_app, number)) == 1


def test_a_message_filed_in_a_case_is_never_filed_elsewhere_or_dismissed(desk_app, monkeypatch):
    other, held_id = a_case(desk_app), held_complaint(desk_app)
    interrupt_settling_once(desk_app, monkeypatch)
    with pytest.raises(OSError):
        desk_app.held_mail_desk.open_case(CLERK, held_id)
    [opened] = [c.number for c in desk_app.store.find_cases(CaseQuery(channel="email")).cases
                if c.number != other]
    supervisor = requester(Role.SUPERVISOR)
    with pytest.raises(HeldMailSettled) as refused:
        desk_app.held_mail_desk.dismiss(supervisor, held_id, "看起来是自动邮件")
    resolution = refused.value.entry.resolution
    assert (resolution.action.value, resolution.case_number) == ("opened_case", opened)
    with pytest.raises(HeldMailSettled):
        desk_app.held_mail_desk.attach(supervisor, held_id, other)
    assert added_by_staff(desk_app, other) == []
    assert desk_app.store.get_held_mail(held_id).resolution == resolution
