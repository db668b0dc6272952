"""Routes of the misuse policy (R21, DSA Art. 23), on `Services.staff_cases`: a supervisor
releases a held report, or lifts the warning and hold of a case's reporter, with a reason."""
from __future__ import annotations

from .bodies import Field
from .call import Call
from .responses import json_answer


def release_held_report(call: Call, number: str):
    """POST /cases/{number}/release-hold {reason}: the case as written."""
    body = call.body(Field("reason", required=True))
    return json_answer(call.app.staff_cases.release_held_report(call.who, number,
                                                                **body).as_dict())


def lift_misuse_standing(call: Call, number: str):
    """POST /cases/{number}/reporter-standing/lift {reason}: the case as written."""
    body = call.body(Field("reason", required=True))
    return json_answer(call.app.staff_cases.lift_misuse_standing(call.who, number,
                                                                 **body).as_dict())
