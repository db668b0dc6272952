"""Create demo staff for the local stack: one member per role and two appeal reviewers, each with a
random password that is printed once (only its Argon2id hash is stored).

    python -m tools.demo_staff
    python -m tools.demo_staff --first-admin li.si@example.com --name 李四

Reads the same `CD_*` settings as everything else. Members that exist already are left as they
are (their passwords cannot be shown again); when all exist it says so. `bin/serve` runs this on
its first start, when there are no staff at all. Exit status 0, or 2 on bad settings.

`--first-admin EMAIL` creates no demo staff: it creates the one admin a new deployment starts
with (no password: in the cloud people sign in with Google through IAP), who then creates the
other members through the staff API. Refused (exit 1) once an active admin exists.
"""
from __future__ import annotations

import argparse
import secrets
import sys

from shared.bootstrap import build_services
from shared.domain.staff import Role, StaffMember
from tools.operator_settings import operator_settings

# The service centre (客服中心) triages and supervises; handlers work in a department of their own.
DEPARTMENTS = {Role.SUPERVISOR: "客服中心", Role.CLERK: "客服中心", Role.HANDLER: "运营部"}


# An appeal is reviewed by people who did not decide the case (R16): a second handler and a second
# supervisor, so that the whole journey can be walked with the demo staff.
APPEAL_REVIEWERS = (("demo.reviewer", Role.HANDLER), ("demo.reviewer-supervisor", Role.SUPERVISOR))
REVIEW_DEPARTMENT = "复核组"


def demo_members() -> list[StaffMember]:
    """One demo member per role: id `demo.<role>`, address `demo.<role>@example.com`; and the
    appeal's reviewers `demo.reviewer` (handler) and `demo.reviewer-supervisor`."""
    members = [StaffMember(id=f"demo.{role.value}", email=f"demo.{role.value}@example.com",
                           display_name=f"Demo {role.value}", roles=frozenset({role}),
                           department=DEPARTMENTS.get(role, ""))
               for role in Role]
    return members + [StaffMember(id=staff_id, email=f"{staff_id}@example.com",
                                  display_name=f"Demo {staff_id.removeprefix('demo.')}",
                                  roles=frozenset({role}), department=REVIEW_DEPARTMENT)
                      for staff_id, role in APPEAL_REVIEWERS]


def create_demo_staff(store, passwords) -> list[tuple[StaffMember, str]]:
    """Create the demo members missing from the store; return each created one with its password
    (the only time it is known)."""
    created = []
    for member in demo_members():
        if store.get_staff(member.id) is None:
            password = secrets.token_urlsafe(12)  # 96 random bits
            store.put_staff(member, passwords.hash(password))
            created.append((member, password))
    return created


def credential_lines(created: list[tuple[StaffMember, str]]) -> list[str]:
    """What to print: how to sign in as each created member."""
    return [f"  {member.email:<28} password {password}   ({', '.join(sorted(member.roles))}"
            f"{', ' + member.department if member.department else ''})"
            for member, password in created]


def main(argv: list[str] | None = None) -> int:
    """Create the missing demo staff and print their credentials, or the first admin. See the
    module's docstring."""
    parser = argparse.ArgumentParser(prog="python -m tools.demo_staff")
    parser.add_argument("--first-admin", metavar="EMAIL",
                        help="create the first admin of a deployment instead of demo staff")
    parser.add_argument("--name", default="", help="the first admin's display name")
    args = parser.parse_args(argv or [])
    app = build_services(operator_settings())
    if args.first_admin:
        return _first_admin(app, args.first_admin, args.name)
    created = create_demo_staff(app.store, app.passwords)
    if not created:
        print("The demo staff exist already (their passwords were printed when they were created).")
        return 0
    print("Demo staff (the passwords are shown this once):")
    print("\n".join(credential_lines(created)))
    return 0


def _first_admin(app, email: str, name: str) -> int:
    from shared.domain.errors import DomainError

    try:
        admin = app.staff_admin.create_first_admin(email, name)
    except DomainError as refused:
        print(f"Not created: {refused} {getattr(refused, 'errors', '')}".rstrip(), file=sys.stderr)
        return 1
    print(f"Admin created: {admin['id']} <{admin['email']}> (signs in with that Google account)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
