"""The local stack's sweep timer (Cloud Scheduler's part there): it runs the sweep, then the due
mail, at once and every CD_LOCAL_SWEEP_INTERVAL seconds, survives a failing run, and stops when
told."""
from __future__ import annotations

import dataclasses
import threading

from shared.bootstrap import build_services
from shared.local.local_stack import run_deadline_sweeps
from shared.settings import Settings
from tests.integration.test_sweep_deadlines_function import Report

WAIT = 30  # seconds: generous, only to end a test that would otherwise hang


class SweepTwice:
    """Fails its first run, then counts; `ran_twice` is set at the second run."""

    def __init__(self):
        self.budgets: list[float] = []
        self.ran_twice = threading.Event()

    def run(self, budget_seconds):
        self.budgets.append(budget_seconds)
        if len(self.budgets) == 1:
            raise RuntimeError("the first run fails")
        self.ran_twice.set()
        return Report(cases_read=0, actions={}, more_due=False)


def test_the_timer_runs_the_sweep_and_the_mail_again_and_stops(settings, sqlite_store, clock,
                                                               monkeypatch):
    app = build_services(dataclasses.replace(settings, local_sweep_interval=0.01,
                                             sweep_budget_seconds=7.0),
                         store=sqlite_store, clock=clock)
    sweep, deliveries = SweepTwice(), []
    app.deadline_sweep = sweep
    monkeypatch.setattr(app.delivery, "deliver_due", lambda *a: deliveries.append(a) or [])
    stop = threading.Event()
    timer = threading.Thread(target=run_deadline_sweeps, args=(stop, app), daemon=True)
    timer.start()
    try:
        assert sweep.ran_twice.wait(WAIT), "the timer stopped after a failing run"
    finally:
        stop.set()
        timer.join(WAIT)
    assert not timer.is_alive()
    assert sweep.budgets[:2] == [7.0, 7.0]
    assert len(deliveries) >= 2  # the mail went out after the failing run too


def test_the_timer_does_not_run_once_stopped(settings, sqlite_store, clock):
    app = build_services(settings, store=sqlite_store, clock=clock)
    sweep = SweepTwice()
    app.deadline_sweep = sweep
    stop = threading.Event()
    stop.set()
    run_deadline_sweeps(stop, app)
    assert sweep.budgets == []


def test_the_default_interval_is_a_minute():
    assert Settings().local_sweep_interval == 60.0
