"""Routes of appeals staff register (R16): one the person made by phone or by letter."""
from __future__ import annotations

from .bodies import Field
from .call import Call
from .responses import json_answer


def register_appeal(call: Call, number: str):
    """POST /cases/{number}/appeal {text, lodged_at?}: the person's appeal, lodged then (default
    now); 409 `appeal_window_closed` or `appeal_final` when the case refuses it."""
    body = call.body(Field("text", required=True), Field("lodged_at"))
    return json_answer(call.app.staff_cases.register_appeal(call.who, number, **body).as_dict())
