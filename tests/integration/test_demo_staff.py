"""Demo staff: `python -m tools.demo_staff` and `bin/serve`'s first start, signed in with the
printed credentials."""
from __future__ import annotations

import re

from shared.adapters.sqlite_store import SqliteCaseStore
from shared.bootstrap import build_services
from shared.domain.staff import Role
from shared.settings import Settings
from tests.support.local_stack import running_local_stack
from tools import demo_staff

CREDENTIALS = re.compile(r"(demo\.[\w-]+@example\.com)\s+password (\S+)")


def signed_in_roles(database, printed: str) -> dict[str, set[str]]:
    """Sign in with every printed address and password; the roles of who signed in, by address."""
    app = build_services(Settings(sqlite_path=database))
    roles = {}
    for email, password in CREDENTIALS.findall(printed):
        member = app.sign_in.identify(app.sign_in.sign_in(email, password, "test").token)
        roles[email] = {role.value for role in member.roles}
    return roles


def test_the_command_creates_one_member_per_role_once(tmp_path, monkeypatch, capsys):
    database = tmp_path / "cases.sqlite3"
    monkeypatch.setenv("CD_SQLITE_PATH", str(database))
    assert demo_staff.main() == 0
    printed = capsys.readouterr().out
    assert signed_in_roles(database, printed) == {
        **{f"demo.{role.value}@example.com": {role.value} for role in Role},
        "demo.reviewer@example.com": {"handler"}, "demo.reviewer-supervisor@example.com":
        {"supervisor"}}
    store = SqliteCaseStore(database)
    departments = {m.id: m.department for m in store.list_staff()}
    assert departments == {"demo.clerk": "客服中心", "demo.supervisor": "客服中心",
                           "demo.handler": "运营部", "demo.leader": "", "demo.auditor": "",
                           "demo.admin": "", "demo.reviewer": "复核组",
                           "demo.reviewer-supervisor": "复核组"}
    hashes = {m.id: store.staff_password_hash(m.id) for m in store.list_staff()}
    assert demo_staff.main() == 0  # again: nothing changes, no password is shown
    again = capsys.readouterr().out
    assert "exist already" in again and not CREDENTIALS.search(again)
    assert {m.id: store.staff_password_hash(m.id) for m in store.list_staff()} == hashes


def test_bin_serve_prints_the_demo_staff_on_its_first_start_only(tmp_path):
    with running_local_stack(tmp_path) as stack:
        first = stack.log.read_text(encoding="utf-8")
    assert set(signed_in_roles(stack.database, first)) == {
        f"demo.{role.value}@example.com" for role in Role} | {
        "demo.reviewer@example.com", "demo.reviewer-supervisor@example.com"}
    stack.log.unlink()
    with running_local_stack(tmp_path) as stack:
        again = stack.log.read_text(encoding="utf-8")
    assert "Demo staff" not in again and not CREDENTIALS.search(again)
