"""Managing staff: admins create members and change their details, roles and activity; every
member declares their own conflicts (R23). Input is checked here, field by field, before anything
is written (InvalidCommand: field → code); nothing is half-written.

Deactivating a member takes effect at once: sign-in's `identify` and the IAP identity both check
`active` on every request. The last active admin can neither be deactivated nor lose the role,
so that someone can always manage staff."""
from __future__ import annotations

import dataclasses
import re
import unicodedata

from shared.domain.errors import CommandRefused, DomainError, InvalidCommand
from shared.domain.permissions import Action, allowed, authorize
from shared.domain.ports import PasswordHasher, StaffStore
from shared.domain.staff import Requester, Role, StaffMember

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # also a Firestore document id
MAX_NAME = 100
MAX_DEPARTMENT = 100
MAX_CONFLICTS = 50
MAX_CONFLICT = 200
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # Argon2 hashes any length; a megabyte of password is an attack, not a secret
# The details an admin may change after creation (the id is the member's name in the store).
CHANGEABLE = ("email", "display_name", "roles", "department", "conflicts", "active", "password")


class StaffNotFound(DomainError):
    """No staff member has this id (the API answers 404)."""


class StaffIdTaken(DomainError):
    """Another staff member already has this id (the API answers 409)."""


class StaffAdmin:
    """Create, list and change staff members; declare one's own conflicts."""

    def __init__(self, staff: StaffStore, passwords: PasswordHasher):
        self._staff = staff
        self._passwords = passwords

    def list_staff(self, who: Requester) -> list[dict]:
        """Every member (admins only), by id, as `staff_view` shows them."""
        authorize(who.member, Action.MANAGE_STAFF)
        return [self.staff_view(member) for member in self._staff.list_staff()]

    def get(self, who: Requester, staff_id: str) -> dict:
        """One member (admins only). Raises StaffNotFound."""
        authorize(who.member, Action.MANAGE_STAFF)
        return self.staff_view(self._existing(staff_id))

    def create(self, who: Requester, *, id: str, email: str, display_name: str, roles,
               department: str = "", conflicts=(), active: bool = True,
               password: str | None = None) -> dict:
        """A new member (admins only), with a password when given (hashed with Argon2id; the
        local sign-in needs one, IAP does not). Raises InvalidCommand, StaffIdTaken, or
        StaffEmailTaken (409) when another member has the address in any letter case."""
        authorize(who.member, Action.MANAGE_STAFF)
        member = _checked(dict(id=id, email=email, display_name=display_name, roles=roles,
                               department=department, conflicts=conflicts, active=active),
                          password)
        if self._staff.get_staff(member.id) is not None:
            raise StaffIdTaken(member.id)
        self._staff.put_staff(member, self._passwords.hash(password) if password else "")
        return self.staff_view(member)

    def create_first_admin(self, email: str, display_name: str) -> dict:
        """The first admin of a new deployment, without a password (behind IAP nobody signs in
        with one), id from the address's local part. For the operator's command only: refused
        (CommandRefused "admin_exists") once any active admin exists, who then creates the rest."""
        if any(self._is_active_admin(m) for m in self._staff.list_staff()):
            raise CommandRefused("admin_exists")
        staff_id = re.sub(r"[^a-z0-9._-]", "-", email.strip().lower().partition("@")[0])[:64]
        member = _checked(dict(id=staff_id.lstrip("._-") or "admin", email=email,
                               display_name=display_name or email.strip(), roles=[Role.ADMIN],
                               department="", conflicts=(), active=True), None)
        if self._staff.get_staff(member.id) is not None:
            raise StaffIdTaken(member.id)
        self._staff.put_staff(member)
        return self.staff_view(member)

    def update(self, who: Requester, staff_id: str, **changes) -> dict:
        """Change any of CHANGEABLE of a member (admins only); what is not given stays. Raises
        StaffNotFound, InvalidCommand (also for a field that cannot be changed), StaffEmailTaken,
        or CommandRefused when it would leave no active admin."""
        authorize(who.member, Action.MANAGE_STAFF)
        unknown = {name: "unknown_field" for name in changes if name not in CHANGEABLE}
        if unknown:
            raise InvalidCommand(unknown)
        stored = self._existing(staff_id)
        password = changes.pop("password", None)
        fields = {**_fields_of(stored), **changes}
        member = _checked(fields, password)
        if self._is_active_admin(stored) and not self._is_active_admin(member) and \
                not self._other_active_admins(stored.id):
            raise CommandRefused("last_admin")
        self._staff.put_staff(member, self._passwords.hash(password) if password else "")
        return self.staff_view(member)

    def declare_conflicts(self, who: Requester, conflicts) -> dict:
        """Replace the member's own declared conflicts (names, ids or accounts of people they
        must not handle, R23); any active member may. Returns the member as `me` shows them."""
        stored = self._existing(who.member.id)
        member = _checked({**_fields_of(stored), "conflicts": conflicts}, None)
        self._staff.put_staff(member)
        return self.me(member)

    @staticmethod
    def me(member: StaffMember) -> dict:
        """The signed-in member: who they are and every action their roles allow now."""
        view = StaffAdmin.staff_view(member)
        view["actions"] = [action.value for action in Action if allowed(member, action)]
        return view

    @staticmethod
    def staff_view(member: StaffMember) -> dict:
        """A member as the API shows them (never a password hash)."""
        return {"id": member.id, "email": member.email, "display_name": member.display_name,
                "roles": sorted(role.value for role in member.roles),
                "department": member.department, "conflicts": list(member.conflicts),
                "active": member.active}

    def _existing(self, staff_id: str) -> StaffMember:
        member = self._staff.get_staff(staff_id) if ID_PATTERN.match(staff_id or "") else None
        if member is None:
            raise StaffNotFound(staff_id)
        return member

    @staticmethod
    def _is_active_admin(member: StaffMember) -> bool:
        return member.active and Role.ADMIN in member.roles

    def _other_active_admins(self, staff_id: str) -> bool:
        return any(self._is_active_admin(m) for m in self._staff.list_staff() if m.id != staff_id)


def _fields_of(member: StaffMember) -> dict:
    return {f.name: getattr(member, f.name) for f in dataclasses.fields(member)}


def _checked(fields: dict, password) -> StaffMember:
    """The member these fields describe, or InvalidCommand naming every bad field."""
    errors: dict[str, str] = {}
    values = {
        "id": _staff_id(fields["id"], errors),
        "email": _email(fields["email"], errors),
        "display_name": _text(fields["display_name"], "display_name", MAX_NAME, errors,
                              required=True),
        "roles": _roles(fields["roles"], errors),
        "department": _text(fields["department"], "department", MAX_DEPARTMENT, errors),
        "conflicts": _conflicts(fields["conflicts"], errors),
        "active": _flag(fields["active"], "active", errors),
    }
    if password is not None:
        if not isinstance(password, str):
            errors["password"] = "wrong_type"
        elif len(password) < MIN_PASSWORD:
            errors["password"] = "too_short"
        elif len(password) > MAX_PASSWORD:
            errors["password"] = "too_long"
    if errors:
        raise InvalidCommand(errors)
    return StaffMember(**values)


def _staff_id(value, errors: dict) -> str:
    if not isinstance(value, str):
        errors["id"] = "wrong_type"
    elif not value:
        errors["id"] = "required"
    elif not ID_PATTERN.match(value):
        errors["id"] = "invalid_staff_id"
    return value if "id" not in errors else "-"


def _email(value, errors: dict) -> str:
    if not isinstance(value, str):
        errors["email"] = "wrong_type"
        return "-@-"
    from email_validator import EmailNotValidError, validate_email  # lazily: cold starts

    try:
        result = validate_email(value.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        errors["email"] = "required" if not value.strip() else "invalid_email"
        return "-@-"
    return result.ascii_email or result.normalized


def _text(value, name: str, limit: int, errors: dict, required: bool = False) -> str:
    if not isinstance(value, str):
        errors[name] = "wrong_type"
        return ""
    text = value.strip()
    if required and not text:
        errors[name] = "required"
    elif len(text) > limit:
        errors[name] = "too_long"
    elif any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        errors[name] = "invalid"  # control and format characters (RTL overrides) disguise names
    return text


def _flag(value, name: str, errors: dict) -> bool:
    if not isinstance(value, bool):
        errors[name] = "wrong_type"  # JSON's true/false only: "false" is a true-looking string
        return False
    return value


def _roles(value, errors: dict) -> frozenset:
    if isinstance(value, (frozenset, set)):
        value = list(value)
    if not isinstance(value, (list, tuple)) or not all(isinstance(r, str) for r in value):
        errors["roles"] = "wrong_type"
        return frozenset()
    if not value:
        errors["roles"] = "required"
        return frozenset()
    known = {role.value for role in Role}
    if not set(value) <= known:
        errors["roles"] = "unknown_role"
        return frozenset()
    return frozenset(Role(r) for r in value)


def _conflicts(value, errors: dict) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(c, str) for c in value):
        errors["conflicts"] = "wrong_type"
        return ()
    cleaned: list[str] = []
    for item in value:
        text = _text(item, "conflicts", MAX_CONFLICT, errors, required=True)
        if text.casefold() not in {c.casefold() for c in cleaned}:
            cleaned.append(text)
    if len(cleaned) > MAX_CONFLICTS:
        errors["conflicts"] = "too_many"
    return tuple(cleaned)
