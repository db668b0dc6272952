"""bench.store_operations keeps working as commands are added: every command runs once on SQLite
and what it asked of the store is counted (the counting wrapper passes everything through)."""
from __future__ import annotations

from bench.store_operations import COMMANDS, CountingStore, count, services_on, staff
from shared.adapters.sqlite_store import SqliteCaseStore


def test_every_command_runs_and_its_store_calls_are_counted(tmp_path):
    services = services_on(SqliteCaseStore(tmp_path / "bench.sqlite3"), tmp_path)
    assert isinstance(services.store, CountingStore)
    members = staff()
    counted = {command.name: count(services, command, members) for command in COMMANDS}
    assert all(sum(c.calls.values()) >= 1 and c.operations >= 1 for c in counted.values())
    phone = counted["register offline: a phone complaint with an email (acknowledged)"]
    # find_cases: is it a repeat complaint (R19)? the 9th statement counts the statistics
    assert (dict(phone.calls), phone.operations) == ({"find_cases": 1, "register": 1}, 9)
    again = next(c for name, c in counted.items() if "the same request again" in name)
    assert "register" not in again.calls  # answered from the first registration
