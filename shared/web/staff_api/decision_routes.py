"""Routes of the decision and of replies waiting for approval (R12–R16): the handler drafts, a
leader approves compensation above the threshold, the service centre approves (which closes the
case and sends its notice) or sends back. Each reads its fields and calls one `StaffCases` method."""
from __future__ import annotations

from .bodies import Field
from .call import Call
from .responses import json_answer

DECISION_FIELDS = (Field("outcome", required=True), Field("measures", "list"),
                   Field("facts_found", required=True), Field("grounds", required=True),
                   Field("automated", "flag", required=True),
                   Field("reasons", "object", required=True),
                   Field("closure_report", "object"))  # R9: a major or hot case's


def draft_decision(call: Call, number: str):
    """POST /cases/{number}/decision: the draft (its fields are the decision record's)."""
    body = call.body(*DECISION_FIELDS)
    return _view(call.app.staff_cases.draft_decision(call.who, number, **body))


def approve_decision(call: Call, number: str):
    """POST /cases/{number}/decision/approve: approved, closed, the person told — at once."""
    call.body()
    return _view(call.app.staff_cases.approve_decision(call.who, number))


def send_back_decision(call: Call, number: str):
    body = call.body(Field("reason", required=True))
    return _view(call.app.staff_cases.send_back(call.who, number, **body))


def approve_compensation(call: Call, number: str):
    call.body()
    return _view(call.app.staff_cases.approve_compensation(call.who, number))


def approve_reply(call: Call, number: str, reply_id: str):
    call.body()
    return _view(call.app.staff_cases.approve_reply(call.who, number, reply_id))


def send_back_reply(call: Call, number: str, reply_id: str):
    body = call.body(Field("reason", required=True))
    return _view(call.app.staff_cases.send_back_reply(call.who, number, reply_id, **body))


def _view(view):
    return json_answer(view.as_dict())
