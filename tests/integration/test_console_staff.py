"""Staff management in the console (admins) and every member's own conflicts, on both stores:
the same `StaffAdmin` commands as `/staff` and `PUT /me/conflicts`; the initial password shown
once and working; deactivation ending the member's session at once; refusals keeping the text."""
from __future__ import annotations

import re

from shared.domain.staff import Role
from tests.support import console as console_fixtures
from tests.support import staff_api as api_fixtures
from tests.support.console import text_of

staff_api, sqlite_staff_api = api_fixtures.staff_api, api_fixtures.sqlite_staff_api
console, sqlite_console = console_fixtures.console, console_fixtures.sqlite_console

NEW = {"id": "zhao.liu", "email": "zhao.liu@example.com", "display_name": "赵六",
       "department": "运营部", "roles": ["handler", "clerk"]}


def test_an_admin_adds_a_member_whose_initial_password_is_shown_once_and_works(console):
    console.sign_in_as(Role.ADMIN)
    page = text_of(console.get("/console/staff"))
    assert 'href="/console/staff"' in page and 'name="roles" value="auditor"' in page
    added = console.post("/console/staff", NEW, form_page="/console/staff")
    shown = text_of(added)
    assert added.status_code == 201 and "已添加工作人员 zhao.liu" in shown
    password = re.search(r'<code class="secret">([^<]+)</code>', shown).group(1)
    member = console.store.get_staff("zhao.liu")
    assert member.roles == {Role.HANDLER, Role.CLERK} and member.department == "运营部"
    assert password not in text_of(console.get("/console/staff"))  # once
    session = console.api.app.sign_in.sign_in("zhao.liu@example.com", password, "test")
    assert console.api.app.sign_in.identify(session.token).id == "zhao.liu"


def test_a_refused_member_keeps_what_was_typed_and_nothing_is_stored(sqlite_console):
    admin = sqlite_console.sign_in_as(Role.ADMIN)
    refused = sqlite_console.post("/console/staff", {**NEW, "email": "not an address",
                                                     "roles": ["handler"]},
                                  form_page="/console/staff")
    page = text_of(refused)
    assert refused.status_code == 422 and 'value="not an address"' in page
    assert 'value="赵六"' in page and 'value="handler" checked' in page
    assert 'value="clerk" checked' not in page
    assert sqlite_console.store.get_staff("zhao.liu") is None
    taken = sqlite_console.post("/console/staff", {**NEW, "id": admin.id},
                                form_page="/console/staff")
    assert taken.status_code == 409 and "已有工作人员使用这个编号" in text_of(taken)
    no_roles = sqlite_console.post("/console/staff", {**NEW, "roles": []},
                                   form_page="/console/staff")
    assert no_roles.status_code == 422 and sqlite_console.store.get_staff("zhao.liu") is None


def test_changing_roles_and_deactivating_ends_the_members_session_at_once(console):
    admin = console.sign_in_as(Role.ADMIN)
    member, token = console.api.member(Role.HANDLER, department="运营部")
    page = f"/console/staff/{member.id}"
    changed = console.post(page, {"display_name": "李四", "email": member.email,
                                  "roles": ["handler", "supervisor"], "department": "客服中心",
                                  "active": "on"}, form_page=page)
    assert changed.status_code == 303 and changed.headers["Location"] == f"{page}?done=saved"
    stored = console.store.get_staff(member.id)
    assert stored.roles == {Role.HANDLER, Role.SUPERVISOR} and stored.department == "客服中心"
    assert console.api.get("/me", token).status_code == 200
    console.post(page, {"display_name": "李四", "email": member.email, "roles": ["handler"],
                        "department": "客服中心"}, form_page=page)  # "active" unticked
    assert console.store.get_staff(member.id).active is False
    assert console.api.get("/me", token).status_code == 401  # the session is worth nothing now
    last = console.post(f"/console/staff/{admin.id}", {"display_name": "管理员", "email": admin.email,
                                                       "roles": ["admin"], "department": ""},
                        form_page=page)  # the last active admin may not deactivate themself
    assert last.status_code == 409 and "最后一位管理员" in text_of(last)
    assert console.store.get_staff(admin.id).active is True


def test_staff_management_is_for_admins_only(sqlite_console):
    member, _ = sqlite_console.api.member(Role.HANDLER)
    for role in (Role.SUPERVISOR, Role.LEADER, Role.AUDITOR, Role.CLERK):
        sqlite_console.sign_in_as(role)
        assert 'href="/console/staff"' not in text_of(sqlite_console.get("/console/me"))
        assert sqlite_console.get("/console/staff").status_code == 403
        assert sqlite_console.get(f"/console/staff/{member.id}").status_code == 403
        assert sqlite_console.post("/console/staff", NEW, form_page="/console/me").status_code == 403
        assert sqlite_console.post(f"/console/staff/{member.id}", {"roles": ["admin"]},
                                   form_page="/console/me").status_code == 403
    assert sqlite_console.store.get_staff("zhao.liu") is None
    assert sqlite_console.store.get_staff(member.id).roles == {Role.HANDLER}


def test_a_staff_form_without_its_token_changes_nothing(sqlite_console):
    sqlite_console.sign_in_as(Role.ADMIN)
    member, _ = sqlite_console.api.member(Role.HANDLER)
    assert sqlite_console.post("/console/staff", NEW, token="").status_code == 403
    assert sqlite_console.post(f"/console/staff/{member.id}", {"roles": ["admin"], "active": "on"},
                               token="").status_code == 403
    assert sqlite_console.store.get_staff("zhao.liu") is None
    assert sqlite_console.store.get_staff(member.id).roles == {Role.HANDLER}


def test_every_member_declares_their_own_conflicts(console):
    member = console.sign_in_as(Role.HANDLER)
    page = text_of(console.get("/console/me"))
    assert 'href="/console/me"' in page and "张三" in page
    saved = console.post("/console/me/conflicts", {"conflicts": "王五\n\n  seller-778 \n王五"},
                         form_page="/console/me")
    assert saved.status_code == 303 and saved.headers["Location"] == "/console/me?done=saved"
    assert console.store.get_staff(member.id).conflicts == ("王五", "seller-778")
    too_many = "\n".join(f"人{i}" for i in range(51))
    refused = console.post("/console/me/conflicts", {"conflicts": too_many}, form_page="/console/me")
    assert refused.status_code == 422 and "人50" in text_of(refused)
    assert console.store.get_staff(member.id).conflicts == ("王五", "seller-778")
    assert console.post("/console/me/conflicts", {"conflicts": ""}, token="").status_code == 403
    assert console.store.get_staff(member.id).conflicts == ("王五", "seller-778")


def test_what_staff_typed_is_shown_escaped(sqlite_console):
    sqlite_console.sign_in_as(Role.ADMIN)
    sqlite_console.api.member(Role.HANDLER, display_name="<script>alert(1)</script>",
                              department='"><img src=x onerror=alert(2)>')
    page = text_of(sqlite_console.get("/console/staff"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<img" not in page
    assert "<script" not in page
