"""Staff register offline cases (R1) through `Services.offline_registration`, on both stores: every
channel, the acknowledgment when an address is given, the access code once, a retried request
registered once, and bad input refused with nothing written."""
from __future__ import annotations

from datetime import timedelta

import pytest

from shared.bootstrap import build_services
from shared.domain.access_codes import access_code_matches
from shared.domain.case_numbers import parse_case_number
from shared.domain.cases import Channel, EventType
from shared.domain.errors import InvalidCommand
from shared.domain.permissions import Forbidden
from shared.domain.queues import CaseQuery
from shared.domain.staff import Requester, Role
from tests.conftest import START
from tests.support.staff_builders import staff_member
from tests.support.timeline import events_of

CLIENT = "198.51.100.23"
PHONE_CALL = dict(channel="phone", kind="complaint", category="service", subject="电话投诉：退款未到账",
                  description="来电称三天前申请退款，至今未到账。", desired_outcome="退款",
                  name="王小明", phone="13800138000")


@pytest.fixture
def desk(settings, store, clock):
    """(the services on `store`, a clerk asking from CLIENT)."""
    services = build_services(settings, store=store, clock=clock)
    clerk = staff_member((Role.CLERK,), department="客服中心")
    store.put_staff(clerk)
    return services, Requester(clerk, CLIENT)


def all_cases(store) -> list[str]:
    return [c.number for c in store.find_cases(CaseQuery(), limit=200).cases]


CHANNELS = {
    "phone": dict(PHONE_CALL, email="XiaoMing@Example.com"),
    "in_person": dict(PHONE_CALL, channel="in_person", name="李四", phone="", email=""),
    "letter": dict(PHONE_CALL, channel="letter", kind="report", category="fraud", anonymous=True,
                   name="", phone="", desired_outcome=""),
    "referral": dict(channel="referral", kind="report", category="harmful_rumours",
                     subject="12377 转办：散布谣言", description="网信办举报中心转来的举报，附原始材料编号。",
                     referral={"source": "12377", "reference": "WX-2026-000123"}),
    "staff_found": dict(channel="staff_found", kind="report", category="harmful_obscenity_violence",
                        subject="巡查发现违规内容", description="巡查中发现 3 条赌博推广帖。"),
}


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_each_offline_channel_registers_a_case_through_the_one_registration_path(desk, channel):
    services, clerk = desk
    store = services.store
    result = services.offline_registration.register(clerk, **CHANNELS[channel])

    number = result["number"]
    assert parse_case_number(number) == number and result["channel"] == channel
    case = store.get_case(number)
    assert (case.channel, case.subject) == (Channel(channel), CHANNELS[channel]["subject"])
    assert access_code_matches(number, result["access_code"], case.access_code_hash)
    assert result["received_at"] == "2026-11-28T12:30:00.000Z" and case.received_at == START
    registered = events_of(store, number)[0]
    assert registered.type == EventType.CASE_REGISTERED and registered.actor == clerk.actor
    assert registered.data["channel"] == channel and registered.data["from"] == CLIENT
    identity = store.get_identity(number)
    if channel == "phone":
        assert (identity.name, identity.phone) == ("王小明", "+8613800138000")
    if channel == "letter":
        assert case.anonymous and (identity.name, identity.phone) == ("", "")
    if channel == "referral":
        assert registered.data["referral"] == {"source": "12377", "reference": "WX-2026-000123"}
    if channel == "staff_found":
        assert (identity.name, identity.email, identity.phone) == ("", "", "")
    assert all_cases(store) == [number]


def test_an_acknowledgment_is_queued_when_an_address_is_given_and_not_otherwise(desk):
    services, clerk = desk
    store = services.store
    with_address = services.offline_registration.register(clerk, **CHANNELS["phone"])
    assert (with_address["acknowledgment"], with_address["acknowledgment_queued"]) == ("queued", True)
    queued = [e for e in events_of(store, with_address["number"]) if e.type == EventType.NOTICE_QUEUED]
    assert len(queued) == 1
    outbox = store.get_outbox(queued[0].data["outbox_id"])
    assert outbox.case_number == with_address["number"] and outbox.template == "acknowledgment"

    without = services.offline_registration.register(clerk, **CHANNELS["in_person"])
    assert (without["acknowledgment"], without["acknowledgment_queued"]) == ("no_address", False)
    assert EventType.ACKNOWLEDGMENT_NOT_POSSIBLE in {e.type for e in events_of(store, without["number"])}


def test_the_access_code_is_returned_once_and_stored_nowhere_in_clear(desk):
    services, clerk = desk
    store = services.store
    result = services.offline_registration.register(clerk, **CHANNELS["phone"])
    code, number = result["access_code"], result["number"]
    stored = repr((vars(store.get_case(number)), events_of(store, number), store.get_identity(number)))
    assert code not in stored and code.replace("-", "") not in stored
    again = services.offline_registration.register(clerk, **CHANNELS["phone"])  # no request id
    assert again["number"] != number and again["access_code"] != code  # a second case, its own code


def test_a_request_sent_again_registers_once_and_answers_with_the_same_code(desk):
    services, clerk = desk
    store = services.store
    fields = dict(CHANNELS["in_person"], request_id="tab-7f3a9c21-0001")
    first = services.offline_registration.register(clerk, **fields)
    second = services.offline_registration.register(clerk, **fields)  # the answer was lost
    assert (second["number"], second["access_code"]) == (first["number"], first["access_code"])
    assert second["repeated"] and second["acknowledgment"] == "no_address"
    assert all_cases(store) == [first["number"]]
    other = staff_member((Role.SUPERVISOR,))
    store.put_staff(other)
    theirs = services.offline_registration.register(Requester(other, CLIENT), **fields)
    assert theirs["number"] != first["number"]  # another member's request is another request


def test_staff_register_many_cases_without_the_forms_client_limit(desk):
    services, clerk = desk
    fields = dict(CHANNELS["phone"], email="")
    numbers = {services.offline_registration.register(clerk, **fields)["number"] for _ in range(22)}
    assert len(numbers) == 22  # the form allows a client 20 an hour


def test_the_acknowledgments_to_one_address_stay_limited(desk):
    services, clerk = desk
    results = [services.offline_registration.register(clerk, **CHANNELS["phone"]) for _ in range(6)]
    assert [r["acknowledgment"] for r in results] == ["queued"] * 5 + ["address_limit"]


def test_a_case_received_earlier_is_numbered_and_due_from_when_it_came(desk):
    services, clerk = desk
    # A letter that came on Monday morning, typed in the platform's time (Beijing) without a zone.
    result = services.offline_registration.register(
        clerk, **dict(CHANNELS["letter"], received_at="2026-11-23T09:15:00"))
    case = services.store.get_case(result["number"])
    assert result["number"].startswith("JB-20261123-")
    assert result["received_at"] == "2026-11-23T01:15:00.000Z"
    assert case.review_due_at == case.received_at + timedelta(hours=24)  # overdue at once: it is
    assert [c.number for c in services.store.due_cases(START, 10)] == [result["number"]]
    events = events_of(services.store, result["number"])
    assert events[0].at == START  # registered now, received then


@pytest.mark.parametrize("role", [Role.HANDLER, Role.LEADER, Role.AUDITOR, Role.ADMIN])
def test_only_clerks_and_supervisors_register_offline_cases(desk, role):
    services, _ = desk
    member = staff_member((role,))
    with pytest.raises(Forbidden):
        services.offline_registration.register(Requester(member, CLIENT), **CHANNELS["phone"])
    assert all_cases(services.store) == []


def test_a_complaint_about_a_staff_member_names_an_existing_one(desk):
    services, clerk = desk
    subject = staff_member((Role.HANDLER,))
    services.store.put_staff(subject)
    fields = dict(PHONE_CALL, category="staff_conduct", about_staff=subject.id,
                  respondent="客服 工号 1024", confidential=True)
    result = services.offline_registration.register(clerk, **fields)
    case = services.store.get_case(result["number"])
    assert (case.about_staff, case.respondent, case.confidential) == (subject.id, "客服 工号 1024", True)


def refused(**changes) -> tuple[dict, dict]:
    return dict(PHONE_CALL, **changes)


HOSTILE = [
    (dict(PHONE_CALL, colour="red"), {"colour": "unknown_field"}),
    (refused(channel="web_form"), {"channel": "invalid_choice"}),
    (refused(channel="email"), {"channel": "invalid_choice"}),
    (refused(channel=None), {"channel": "required"}),
    (refused(channel=["phone"]), {"channel": "invalid_choice"}),
    (refused(kind="praise"), {"kind": "invalid_choice"}),
    (refused(category="fraud"), {"category": "invalid_choice"}),  # a report category
    (refused(subject=""), {"subject": "required"}),
    (refused(subject="\u200b\u200b  \u2800"), {"subject": "required"}),  # shows nothing
    (refused(subject="投" * 501), {"subject": "too_long"}),
    (refused(description="太慢"), {"description": "too_short"}),
    (refused(description="x" * 10_001), {"description": "too_long"}),
    (refused(subject=12), {"subject": "invalid_type"}),
    (refused(email="not-an-address"), {"email": "invalid_email"}),
    (refused(phone="12345"), {"phone": "invalid_phone"}),
    (refused(name="", phone=""), {"name": "name_contact_or_anonymous"}),
    (refused(anonymous=True), {"anonymous": "not_allowed"}),  # complaints are not anonymous
    (refused(anonymous="yes"), {"anonymous": "invalid_type"}),
    (refused(confidential=1), {"confidential": "invalid_type"}),
    (refused(language="fr"), {"language": "invalid_choice"}),
    (refused(respondent="店" * 201), {"respondent": "too_long"}),
    (refused(about_staff="nobody-here"), {"about_staff": "unknown_staff"}),
    (refused(about_staff="staff/s-1"), {"about_staff": "unknown_staff"}),  # no document path
    (refused(about_staff=".."), {"about_staff": "unknown_staff"}),
    (refused(about_staff="__name__"), {"about_staff": "unknown_staff"}),
    (refused(received_at="yesterday"), {"received_at": "invalid_time"}),
    (refused(received_at="2026-11-29T12:30:00+00:00"), {"received_at": "in_future"}),
    (refused(received_at="2025-11-01T00:00:00+08:00"), {"received_at": "too_old"}),
    (refused(received_at=1764333000), {"received_at": "invalid_time"}),
    (refused(request_id="x"), {"request_id": "invalid"}),
    (refused(request_id="../../etc/passwd"), {"request_id": "invalid"}),
    (refused(referral={"source": "12377", "reference": "A1"}), {"referral": "only_for_referrals"}),
    (dict(CHANNELS["referral"], referral=None), {"referral": "required"}),
    (dict(CHANNELS["referral"], referral="12377"), {"referral": "invalid_type"}),
    (dict(CHANNELS["referral"], referral={"source": "12315", "reference": "A1"}),
     {"referral.source": "invalid_choice"}),
    (dict(CHANNELS["referral"], referral={"source": "12321"}), {"referral.reference": "required"}),
    (dict(CHANNELS["referral"], referral={"source": "other", "reference": "A1"}),
     {"referral.name": "required"}),
    (dict(CHANNELS["referral"], referral={"source": "12377", "reference": "A1", "x": 1}),
     {"referral.x": "unknown_field"}),
    (dict(CHANNELS["staff_found"], name="王小明", email="a@example.com"),
     {"name": "not_for_staff_found", "email": "not_for_staff_found"}),
]


@pytest.mark.parametrize("fields, errors", HOSTILE)
def test_bad_input_is_refused_with_each_field_named_and_nothing_written(desk, fields, errors):
    services, clerk = desk
    with pytest.raises(InvalidCommand) as refused_:
        services.offline_registration.register(clerk, **fields)
    assert refused_.value.errors == errors
    assert all_cases(services.store) == []


def test_every_bad_field_is_named_at_once(desk):
    services, clerk = desk
    with pytest.raises(InvalidCommand) as refused_:
        services.offline_registration.register(clerk, channel="fax", kind="", subject="",
                                               description="", email="@")
    assert refused_.value.errors == {"channel": "invalid_choice", "kind": "required",
                                     "subject": "required", "description": "required",
                                     "email": "invalid_email"}
