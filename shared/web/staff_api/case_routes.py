"""Routes of cases: queues and search (`StaffQueues`), offline registration
(`OfflineRegistration`), and every staff command on one case (`StaffCases`). Each reads its
fields, calls one service method and answers its result; the services check meaning, the role
table and need-to-know."""
from __future__ import annotations

from shared.domain.errors import InvalidCommand

from .bodies import Field
from .call import Call
from .responses import json_answer

QUEUE_PARAMETERS = ("queue", "status", "kind", "category", "severity", "channel", "order",
                    "words", "reporter_email", "number", "year", "matter", "after", "limit")


def case_queue(call: Call):
    """GET /cases?queue=&status=&…&after=&limit=: a page of a queue, or a search."""
    query = call.query(*QUEUE_PARAMETERS, numbers=("limit",))
    return json_answer(call.app.staff_queues.cases(call.who, **query))


def register_case(call: Call):
    """POST /cases: a case that came by phone, in person, by letter, from a regulator, or that
    staff found (R1). The answer holds the access code this once."""
    body = call.json()  # the service names each unknown or bad field
    if "who" in body:  # the service's own argument: no field of a case
        raise InvalidCommand({"who": "unknown_field"})
    return json_answer(call.app.offline_registration.register(call.who, **body), 201)


def case(call: Call, number: str):
    """GET /cases/{number}: the case as this member may see it (reporter masked)."""
    return _view(call.app.staff_cases.view(call.who, number))


def case_events(call: Call, number: str):
    """GET /cases/{number}/events?after=&limit=: the timeline, oldest first, after a seq."""
    query = call.query("after", "limit", numbers=("after", "limit"))
    limit = query.get("limit", 50)
    events = call.app.staff_cases.timeline(call.who, number, after_seq=query.get("after", 0),
                                           limit=limit)
    following = events[-1]["seq"] if len(events) == limit else None
    return json_answer({"events": events, "next": following})


def accept_case(call: Call, number: str):
    body = call.body(Field("note"))
    return _view(call.app.staff_cases.accept(call.who, number, **body))


def reject_case(call: Call, number: str):
    body = call.body(Field("reason", required=True), Field("duplicate_of"), Field("text"))
    return _view(call.app.staff_cases.reject(call.who, number, **body))


def reopen_case(call: Call, number: str):
    body = call.body(Field("reason", required=True))
    return _view(call.app.staff_cases.reopen(call.who, number, **body))


def classify_case(call: Call, number: str):
    body = call.body(Field("kind"), Field("category"), Field("flags", "object"),
                     Field("reason", required=True))
    return _view(call.app.staff_cases.classify(call.who, number, **body))


def set_severity(call: Call, number: str):
    body = call.body(Field("severity", required=True), Field("reason", required=True))
    return _view(call.app.staff_cases.set_severity(call.who, number, **body))


def set_matter(call: Call, number: str):
    """POST /cases/{number}/matter: what matter the case is about (R8's count rule)."""
    body = call.body(Field("matter"), Field("same_as"), Field("reason", required=True))
    return _view(call.app.staff_cases.set_matter(call.who, number, **body))


def assign_case(call: Call, number: str):
    body = call.body(Field("assignee"), Field("department"), Field("reason"))
    return _view(call.app.staff_cases.assign(call.who, number, **body))


def start_work(call: Call, number: str):
    call.body()
    return _view(call.app.staff_cases.start_work(call.who, number))


def add_note(call: Call, number: str):
    body = call.body(Field("text", required=True))
    return _view(call.app.staff_cases.add_note(call.who, number, **body))


def message_reporter(call: Call, number: str):
    body = call.body(Field("text", required=True), Field("request_information", "flag"))
    return _view(call.app.staff_cases.message_reporter(call.who, number, **body))


def record_reporter_answer(call: Call, number: str):
    body = call.body(Field("text", required=True))
    return _view(call.app.staff_cases.record_reporter_answer(call.who, number, **body))


def refer_case(call: Call, number: str):
    body = call.body(Field("authority", required=True), Field("referred_on", required=True),
                     Field("reference"), Field("note"))
    return _view(call.app.staff_cases.refer_out(call.who, number, **body))


def reveal_identity(call: Call, number: str):
    """POST /cases/{number}/identity/reveal {reason}: the reporter in clear, recorded (R20)."""
    body = call.body(Field("reason", required=True))
    return json_answer(call.app.staff_cases.reveal_identity(call.who, number, **body))


def set_confidentiality(call: Call, number: str):
    body = call.body(Field("confidential", "flag", required=True), Field("reason", required=True))
    return _view(call.app.staff_cases.set_confidential(call.who, number, **body))


def case_audit(call: Call, number: str):
    """GET /cases/{number}/audit: the check of the case's audit chain (auditors)."""
    return json_answer(call.app.staff_cases.audit(call.who, number))


def _view(view):
    return json_answer(view.as_dict())
