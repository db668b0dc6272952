"""Routes of the satisfaction follow-up (R17), on `Services.staff_cases`: record a follow-up
call (回访记录). The open follow-up tasks are a queue: `GET /cases?queue=follow_up`."""
from __future__ import annotations

from .bodies import Field
from .call import Call
from .responses import json_answer


def record_follow_up(call: Call, number: str):
    """POST /cases/{number}/follow-ups {outcome, note, closes_task?}: the case as written."""
    body = call.body(Field("outcome", required=True), Field("note", required=True),
                     Field("closes_task", "flag"))
    return json_answer(call.app.staff_cases.record_follow_up(call.who, number, **body).as_dict())
