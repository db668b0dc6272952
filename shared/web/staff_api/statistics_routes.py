"""The statistics bulletin (R19) on `Services.statistics`."""
from __future__ import annotations

from .call import Call
from .responses import json_answer


def bulletin(call: Call):
    """GET /statistics?month=YYYY-MM, or ?from=YYYY-MM-DD&to=YYYY-MM-DD (the day `to` excluded),
    or neither (this month): the bulletin as JSON."""
    query = call.query("month", "from", "to")
    return json_answer(call.app.statistics.staff_bulletin(
        call.who, month=query.get("month"), start=query.get("from"), end=query.get("to")))
