"""The local stack through `bin/serve`: it says that it runs the deadline sweep, and its timer
does: a case received 40 days before the stack started is made major without anyone
calling."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.adapters.sqlite_store import SqliteCaseStore
from shared.domain.cases import Severity
from tests.support.builders import a_case, an_identity, unique_number
from tests.support.local_stack import running_local_stack, wait_for


def test_the_local_stack_runs_the_sweep_on_its_timer(tmp_path, monkeypatch):
    monkeypatch.setenv("CD_LOCAL_SWEEP_INTERVAL", "0.5")
    store = SqliteCaseStore(tmp_path / "cases.sqlite3")
    number = unique_number()
    store.register(a_case(number, datetime.now(UTC) - timedelta(days=40)), an_identity(number), [])
    with running_local_stack(tmp_path) as stack:
        assert "Deadline sweep:   every 0.5 s" in stack.log.read_text()
        # Unresolved for more than a month (R8): major, by the timer alone.
        wait_for(lambda: store.get_case(number).severity == Severity.MAJOR, timeout=60)
