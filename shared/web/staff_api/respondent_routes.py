"""Routes of the respondent's notice (told the outcome without the reporter's identity, R20) and
of corrective actions (纠正措施): each reads its fields and calls one `StaffCases` method."""
from __future__ import annotations

from .bodies import Field
from .call import Call
from .responses import json_answer


def notify_respondent(call: Call, number: str):
    """POST /cases/{number}/respondent-notice {address, language?, note?, request_id?}: the
    outcome of the closed case told to the respondent; a retry with its request_id queues no
    second notice."""
    body = call.body(Field("address", required=True), Field("language"), Field("note"),
                     Field("request_id"))
    return json_answer(call.app.staff_cases.notify_respondent(call.who, number, **body).as_dict())


def record_corrective_action(call: Call, number: str):
    """POST /cases/{number}/corrective-actions {text, owner, due_on, request_id?}."""
    body = call.body(Field("text", required=True), Field("owner", required=True),
                     Field("due_on", required=True), Field("request_id"))
    view = call.app.staff_cases.record_corrective_action(call.who, number, **body)
    return json_answer(view.as_dict(), 201)


def complete_corrective_action(call: Call, number: str, action_id: str):
    """POST /cases/{number}/corrective-actions/{action_id}/done {note}: done today, once (409
    `corrective_action_done` the second time)."""
    body = call.body(Field("note", required=True))
    view = call.app.staff_cases.complete_corrective_action(call.who, number, action_id, **body)
    return json_answer(view.as_dict())
