"""Routes of the public disclosure of a major case (R22): a member proposes it with a redacted
summary, a supervisor other than the proposer approves, refuses or withdraws it. Each reads its
fields and calls one `CaseDisclosures` method."""
from __future__ import annotations

from .bodies import Field
from .call import Call
from .responses import json_answer


def propose_disclosure(call: Call, number: str):
    """POST /cases/{number}/disclosure {what, cause, measures, language?, note?}."""
    body = call.body(Field("what", required=True), Field("cause", required=True),
                     Field("measures", required=True), Field("language"), Field("note"))
    return _view(call.app.staff_cases.propose_disclosure(call.who, number, **body))


def approve_disclosure(call: Call, number: str):
    """POST /cases/{number}/disclosure/approve: a supervisor other than the proposer."""
    call.body()
    return _view(call.app.staff_cases.approve_disclosure(call.who, number))


def refuse_disclosure(call: Call, number: str):
    """POST /cases/{number}/disclosure/refuse {reason}: a supervisor other than the proposer."""
    body = call.body(Field("reason", required=True))
    return _view(call.app.staff_cases.refuse_disclosure(call.who, number, **body))


def withdraw_disclosure(call: Call, number: str):
    """POST /cases/{number}/disclosure/withdraw {reason}: a supervisor."""
    body = call.body(Field("reason", required=True))
    return _view(call.app.staff_cases.withdraw_disclosure(call.who, number, **body))


def _view(view):
    return json_answer(view.as_dict())
