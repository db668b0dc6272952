"""Routes of the failed mail (`FailedMail`): the standing list of mail given up on, and sending
one entry again once its cause is fixed."""
from __future__ import annotations

from .bodies import Field
from .call import Call
from .responses import json_answer


def failed_mail(call: Call):
    """GET /mail/failed?after=&limit=: mail given up on, newest failure first."""
    query = call.query("after", "limit", numbers=("limit",))
    return json_answer(call.app.failed_mail.page(call.who, **query))


def retry_mail(call: Call, outbox_id: str):
    """POST /mail/{outbox_id}/retry {reason}: back to pending now, once, recorded on the case."""
    body = call.body(Field("reason", required=True))
    return json_answer(call.app.failed_mail.retry(call.who, outbox_id, **body))
