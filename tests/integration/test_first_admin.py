"""`python -m tools.demo_staff --first-admin EMAIL`: the one admin a new deployment starts with,
once."""
from __future__ import annotations

from shared.adapters.sqlite_store import SqliteCaseStore
from shared.domain.staff import Role
from tools import demo_staff


def test_the_first_admin_is_created_once_without_a_password(tmp_path, monkeypatch, capsys):
    database = tmp_path / "cases.sqlite3"
    monkeypatch.setenv("CD_SQLITE_PATH", str(database))
    assert demo_staff.main(["--first-admin", "Li.Si@Example.com", "--name", "李四"]) == 0
    assert "li.si <Li.Si@example.com>" in capsys.readouterr().out
    store = SqliteCaseStore(database)
    (admin,) = store.list_staff()
    assert (admin.id, admin.roles, admin.display_name) == ("li.si", {Role.ADMIN}, "李四")
    assert store.staff_password_hash(admin.id) == ""
    assert demo_staff.main(["--first-admin", "wang.wu@example.com"]) == 1
    assert "admin_exists" in capsys.readouterr().err
    assert len(store.list_staff()) == 1


def test_a_bad_address_creates_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CD_SQLITE_PATH", str(tmp_path / "cases.sqlite3"))
    assert demo_staff.main(["--first-admin", "not an address"]) == 1
    assert "invalid_email" in capsys.readouterr().err
    assert SqliteCaseStore(tmp_path / "cases.sqlite3").list_staff() == []
