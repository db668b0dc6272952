"""Routes about staff themselves: the local sign-in and sign-out, the signed-in member and their
declared conflicts, and staff management for admins."""
from __future__ import annotations

from shared.services.staff_admin import StaffAdmin

from .bodies import Field
from .call import Call
from .identity import bearer_token
from .responses import json_answer, utc_text

_MEMBER_FIELDS = (Field("email"), Field("display_name"), Field("roles", "texts"),
                  Field("department"), Field("conflicts", "texts"), Field("active", "flag"),
                  Field("password"))


def sign_in(call: Call):
    """POST /sign-in {email, password} → a bearer token, when it expires, and the member."""
    call.local_only()
    body = call.body(Field("email", required=True), Field("password", required=True))
    session = call.app.sign_in.sign_in(body["email"], body["password"], call.client)
    member = call.app.sign_in.identify(session.token)
    return json_answer({"token": session.token, "token_type": "Bearer",
                        "expires_at": utc_text(session.expires_at),
                        "staff": StaffAdmin.me(member)})


def sign_out(call: Call):
    """POST /sign-out: the token stops working at once."""
    call.local_only()
    call.app.sign_in.sign_out(bearer_token(call.request))
    return json_answer({"signed_out": True})


def me(call: Call):
    """GET /me: who is signed in and what their roles allow."""
    return json_answer(StaffAdmin.me(call.who.member))


def declare_conflicts(call: Call):
    """PUT /me/conflicts {conflicts: [...]}: replace one's own declared conflicts (R23)."""
    body = call.body(Field("conflicts", "texts", required=True))
    return json_answer(call.app.staff_admin.declare_conflicts(call.who, body["conflicts"]))


def list_staff(call: Call):
    """GET /staff (admins)."""
    return json_answer({"staff": call.app.staff_admin.list_staff(call.who)})


def create_staff(call: Call):
    """POST /staff (admins): a new member, with a password when given."""
    body = call.body(Field("id", required=True), *_required("email", "display_name", "roles"))
    return json_answer(call.app.staff_admin.create(call.who, **body), 201)


def get_staff(call: Call, staff_id: str):
    """GET /staff/{staff_id} (admins)."""
    return json_answer(call.app.staff_admin.get(call.who, staff_id))


def update_staff(call: Call, staff_id: str):
    """PATCH /staff/{staff_id} (admins): change any of the given fields."""
    body = call.body(*_MEMBER_FIELDS)
    return json_answer(call.app.staff_admin.update(call.who, staff_id, **body))


def _required(*names: str) -> tuple[Field, ...]:
    """The member's fields, those named required."""
    return tuple(Field(f.name, f.kind, f.name in names) for f in _MEMBER_FIELDS)
