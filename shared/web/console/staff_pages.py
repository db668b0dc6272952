"""Staff management in the console (admins) and every member's own declared conflicts: the same
`StaffAdmin` commands as the API's `/staff` routes and `PUT /me/conflicts`.

An admin lists the members, creates one (roles as checkboxes, a department), changes a member's
name, roles, department or activity. Deactivating takes effect on the member's next request: both
identities check `active` on every request, so their console and API sessions stop at once. On
the local sign-in a new member gets a random initial password, shown once in the answer to the
form (never stored in clear, never in an address or a redirect); behind IAP nobody has one."""
from __future__ import annotations

import secrets

from werkzeug.wrappers import Response

from shared.domain.errors import DomainError
from shared.domain.permissions import Action, authorize
from shared.domain.staff import Role

from .case_pages import FormState
from .page_refusals import form_refusal
from .visit import Visit

ROLES = tuple(role.value for role in Role)
PASSWORD_BYTES = 15  # 20 URL-safe characters, 120 bits: above the service's minimum of 12
MAX_LINES = 60  # conflicts typed one per line; the service refuses more than 50 by name


def staff_list(visit: Visit) -> Response:
    """GET /console/staff: every member, and the form to add one."""
    return render_list(visit)


def render_list(visit: Visit, status: int = 200, state: FormState | None = None,
                created: dict | None = None, password: str = "") -> Response:
    members = visit.app.staff_admin.list_staff(visit.who)
    if visit.request.method != "GET":
        visit.here = "/staff"
    return visit.page("console/staff_list.html", status, members=members, roles=ROLES,
                      state=state or FormState(), created=created, password=password,
                      local=visit.app.settings.staff_identity == "local")


def create_staff(visit: Visit) -> Response:
    """POST /console/staff {id, email, display_name, roles[], department}: a new member; on the
    local sign-in with an initial password shown this once."""
    authorize(visit.who.member, Action.MANAGE_STAFF)  # before a password is even made up
    form = visit.form
    typed = {name: form.get(name, "") for name in ("id", "email", "display_name", "department")}
    roles = form.getlist("roles")
    password = secrets.token_urlsafe(PASSWORD_BYTES) \
        if visit.app.settings.staff_identity == "local" else None
    try:
        created = visit.app.staff_admin.create(visit.who, **typed, roles=roles, password=password)
    except DomainError as refused:
        status, state = form_refusal(visit, refused, typed)
        state.typed["roles"] = [role for role in roles if role in ROLES]
        return render_list(visit, status, state)
    return render_list(visit, 201, created=created, password=password or "")


def staff_member_page(visit: Visit, staff_id: str) -> Response:
    """GET /console/staff/{staff_id}: the member's form."""
    return render_member(visit, staff_id)


def render_member(visit: Visit, staff_id: str, status: int = 200,
                  state: FormState | None = None, done: str = "") -> Response:
    member = visit.app.staff_admin.get(visit.who, staff_id)
    if visit.request.method != "GET":
        visit.here = f"/staff/{member['id']}"
    done = done or ("saved" if visit.request.args.get("done") == "saved" else "")
    return visit.page("console/staff_member.html", status, member=member, roles=ROLES,
                      state=state or FormState(), done=done)


def update_staff(visit: Visit, staff_id: str) -> Response:
    """POST /console/staff/{staff_id} {display_name, email, roles[], department, active}."""
    form = visit.form
    typed = {name: form.get(name, "") for name in ("display_name", "email", "department")}
    roles = form.getlist("roles")
    active = form.get("active") == "on"
    try:
        visit.app.staff_admin.update(visit.who, staff_id, **typed, roles=roles, active=active)
    except DomainError as refused:
        status, state = form_refusal(visit, refused, typed)
        state.typed.update(roles=[role for role in roles if role in ROLES], active=active)
        return render_member(visit, staff_id, status, state)
    return visit.redirect(f"/staff/{staff_id}", done="saved")


def my_page(visit: Visit) -> Response:
    """GET /console/me: who I am, my roles, and my declared conflicts (R23)."""
    return render_me(visit)


def render_me(visit: Visit, status: int = 200, state: FormState | None = None) -> Response:
    if visit.request.method != "GET":
        visit.here = "/me"
    member = visit.who.member
    return visit.page("console/me.html", status, member=member,
                      conflicts="\n".join(member.conflicts), state=state or FormState(),
                      done=visit.request.args.get("done") == "saved")


def declare_conflicts(visit: Visit) -> Response:
    """POST /console/me/conflicts {conflicts: one per line}: replaces my declared conflicts."""
    typed = {"conflicts": visit.form.get("conflicts", "")}
    lines = [line.strip() for line in typed["conflicts"].splitlines()[:MAX_LINES + 1]]
    try:
        visit.app.staff_admin.declare_conflicts(visit.who, [line for line in lines if line])
    except DomainError as refused:
        status, state = form_refusal(visit, refused, typed)
        return render_me(visit, status, state)
    return visit.redirect("/me", done="saved")
