"""Routes of report marks and rewards (R21), on `Services.case_marks`: mark a report, read what
the reporter's other cases were marked, record a reward, read the reward ledger."""
from __future__ import annotations

from .bodies import Field
from .call import Call
from .responses import json_answer


def mark_report(call: Call, number: str):
    """POST /cases/{number}/mark {mark: unfounded|malicious|none, reason}: the case as written."""
    body = call.body(Field("mark", required=True), Field("reason", required=True))
    return json_answer(call.app.case_marks.mark_report(call.who, number, **body).as_dict())


def reporter_history(call: Call, number: str):
    """GET /cases/{number}/reporter-history: the marks of the reporter's other cases."""
    return json_answer(call.app.case_marks.reporter_history(call.who, number))


def record_reward(call: Call, number: str):
    """POST /cases/{number}/rewards: 201 with the ledger entry and the case; a retry with the
    same request_id answers 200 with the entry recorded then."""
    body = call.body(Field("amount_fen", "number", required=True),
                     Field("approved_by", required=True), Field("paid_on", required=True),
                     Field("request_id", required=True), Field("note"))
    result = call.app.case_marks.record_reward(call.who, number, **body)
    return json_answer(result, 200 if result["repeated"] else 201)


def reward_ledger(call: Call):
    """GET /rewards?after=&limit=&from=&until=: the ledger, newest paid first, with the totals of
    a period of paid days when one is given."""
    query = call.query("after", "limit", "from", "until", numbers=("limit",))
    return json_answer(call.app.case_marks.reward_ledger(
        call.who, after=query.get("after"), limit=query.get("limit", 50),
        paid_from=query.get("from"), paid_until=query.get("until")))
