"""Routes of the first-contact and compensation clocks (R13), on `Services.staff_cases`: record a
contact with the person, and that a compensation claim's materials are all in."""
from __future__ import annotations

from .bodies import Field
from .call import Call
from .responses import json_answer


def record_contact(call: Call, number: str):
    """POST /cases/{number}/contacts {channel, at, summary}: the case as written (201)."""
    body = call.body(Field("channel", required=True), Field("at", required=True),
                     Field("summary", required=True))
    return json_answer(call.app.staff_cases.record_contact(call.who, number, **body).as_dict(), 201)


def record_materials_complete(call: Call, number: str):
    """POST /cases/{number}/compensation/materials-complete {reason}: the case as written."""
    body = call.body(Field("reason", required=True))
    view = call.app.staff_cases.record_materials_complete(call.who, number, **body)
    return json_answer(view.as_dict())
