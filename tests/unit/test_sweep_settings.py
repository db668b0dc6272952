"""The sweep's settings: its budget, who may call it in the cloud, the local timer's interval."""
from __future__ import annotations

import pytest

from shared.bootstrap import build_sweep_caller
from shared.settings import ConfigurationError, Settings

AUDIENCE = "https://asia-east1-p.cloudfunctions.net/sweep-deadlines"
INVOKER = "cd-deadline-sweep-caller@p.iam.gserviceaccount.com"


def test_the_defaults():
    settings = Settings()
    assert (settings.sweep_budget_seconds, settings.local_sweep_interval) == (240.0, 60.0)
    assert (settings.sweep_audience, settings.sweep_invoker) == ("", "")


@pytest.mark.parametrize("env, named", [
    ({"CD_SWEEP_BUDGET_SECONDS": "0"}, "CD_SWEEP_BUDGET_SECONDS"),
    ({"CD_SWEEP_BUDGET_SECONDS": "soon"}, "CD_SWEEP_BUDGET_SECONDS"),
    ({"CD_LOCAL_SWEEP_INTERVAL": "-1"}, "CD_LOCAL_SWEEP_INTERVAL"),
    ({"CD_SWEEP_AUDIENCE": "http://asia-east1-p.cloudfunctions.net/sweep-deadlines"},
     "CD_SWEEP_AUDIENCE"),
    ({"CD_SWEEP_AUDIENCE": "sweep-deadlines"}, "CD_SWEEP_AUDIENCE"),
    ({"CD_SWEEP_INVOKER": "scheduler"}, "CD_SWEEP_INVOKER"),
])
def test_a_value_that_makes_no_sense_stops_start_up(env, named):
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_environment(env)
    assert named in str(refused.value)


def test_the_cloud_values_are_read():
    settings = Settings.from_environment({"CD_SWEEP_AUDIENCE": AUDIENCE, "CD_SWEEP_INVOKER": INVOKER,
                                          "CD_SWEEP_BUDGET_SECONDS": "120"})
    assert (settings.sweep_audience, settings.sweep_invoker) == (AUDIENCE, INVOKER)
    assert settings.sweep_budget_seconds == 120.0


@pytest.mark.parametrize("values", [{}, {"sweep_audience": AUDIENCE}, {"sweep_invoker": INVOKER}])
def test_without_both_no_caller_may_start_the_sweep(values):
    with pytest.raises(ConfigurationError):
        build_sweep_caller(Settings(**values))


def test_with_both_the_callers_token_is_checked():
    caller = build_sweep_caller(Settings(sweep_audience=AUDIENCE, sweep_invoker=INVOKER))
    assert type(caller).__name__ == "SchedulerCallerVerifier"
