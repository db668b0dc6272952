"""Routes of the held mail (`HeldMailDesk`): the queue, a message decoded or raw, and settling
it — open a case from it, attach it to a case, or dismiss it."""
from __future__ import annotations

from .bodies import Field
from .call import Call
from .responses import file_answer, json_answer


def held_mail_queue(call: Call):
    """GET /held-mail?after=&limit=: open held mail, newest first."""
    query = call.query("after", "limit", numbers=("limit",))
    return json_answer(call.app.held_mail_desk.queue(call.who, **query))


def held_mail(call: Call, held_id: str):
    """GET /held-mail/{held_id}: the entry and its decoded message."""
    return json_answer(call.app.held_mail_desk.read(call.who, held_id))


def held_mail_raw(call: Call, held_id: str):
    """GET /held-mail/{held_id}/raw: the message as it arrived, to save (message/rfc822)."""
    raw = call.app.held_mail_desk.raw(call.who, held_id)
    return file_answer(raw, "message/rfc822", f"held-{held_id}.eml")


def open_case_from_held_mail(call: Call, held_id: str):
    """POST /held-mail/{held_id}/open-case {kind?, category?, reason?}."""
    body = call.body(Field("kind"), Field("category"), Field("reason"))
    return json_answer(call.app.held_mail_desk.open_case(call.who, held_id, **body), 201)


def attach_held_mail(call: Call, held_id: str):
    """POST /held-mail/{held_id}/attach {case_number, reason?}."""
    body = call.body(Field("case_number", required=True), Field("reason"))
    return json_answer(call.app.held_mail_desk.attach(call.who, held_id, **body))


def dismiss_held_mail(call: Call, held_id: str):
    """POST /held-mail/{held_id}/dismiss {reason}."""
    body = call.body(Field("reason", required=True))
    return json_answer(call.app.held_mail_desk.dismiss(call.who, held_id, **body))
