"""Routes of the decision deadline's one extension (R13): the handler or a supervisor asks for it
with a reason, a leader approves (the deadline moves and the reporter is told the new date and
the reason) or refuses it. Each reads its fields and calls one `StaffCases` method."""
from __future__ import annotations

from .bodies import Field
from .call import Call
from .responses import json_answer


def extension(call: Call, number: str):
    """GET /cases/{number}/decision-deadline/extension: the request, for a leader to decide."""
    return _view(call.app.staff_cases.extension(call.who, number))


def request_extension(call: Call, number: str):
    """POST /cases/{number}/decision-deadline/extension {working_days, reason}."""
    body = call.body(Field("working_days", "number", required=True),
                     Field("reason", required=True))
    return _view(call.app.staff_cases.request_extension(call.who, number, **body))


def approve_extension(call: Call, number: str):
    """POST /cases/{number}/decision-deadline/extension/approve: a leader; the deadline moves."""
    call.body()
    return _view(call.app.staff_cases.approve_extension(call.who, number))


def refuse_extension(call: Call, number: str):
    """POST /cases/{number}/decision-deadline/extension/refuse {reason}: a leader."""
    body = call.body(Field("reason", required=True))
    return _view(call.app.staff_cases.refuse_extension(call.who, number, **body))


def _view(view):
    return json_answer(view.as_dict())
