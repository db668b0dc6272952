"""infra/'s deadline sweep, offline: Cloud Scheduler calls `sweep_deadlines` every 5 minutes
through modules/scheduled_http_call, and the function checks exactly that job's token (its
audience is the URL the job calls, its account the one the module creates); the sweep's budget
leaves the due mail time inside the function's timeout, which the job waits for. Access (its own
service account, internal ingress, no public invoker) is in test_infra_access.py."""
from __future__ import annotations

import re

from tests.support.hcl import INFRA, block, module
from tests.support.infra_functions import functions_by_entry_point

MAIL_SECONDS = 60  # at least this much of a call is left for the due mail after the sweep


def _local(name: str):
    return module()["locals"][name]


def _resolved(text: str) -> str:
    """`text` with the root's plain locals written out (one level deep is all these need)."""
    for _ in range(3):
        text = re.sub(r"\$\{local\.(\w+)\}", lambda m: str(_local(m.group(1))), text)
    return text


def _schedule() -> dict:
    calls = [call for call in module()["module"].values()
             if call["source"] == "./modules/scheduled_http_call"
             and call["target_function"]["name"] == "${module.sweep_deadlines.name}"]
    assert len(calls) == 1, "one scheduler job calls sweep_deadlines"
    return calls[0]


def _environment() -> dict[str, str]:
    _, body = functions_by_entry_point()["sweep_deadlines"]
    merged = block(body, "service_config")["environment_variables"]
    assert merged.startswith("${merge(local.common_env, {"), "common settings plus the sweep's"
    return dict(re.findall(r"(CD_\w+)\s*=\s*([^,}]+)", merged))


def test_the_scheduler_calls_the_sweep_every_five_minutes():
    job = _schedule()
    assert job["schedule"] == "*/5 * * * *"
    assert job["target_function"]["location"] == "${module.sweep_deadlines.location}"
    assert "cloudscheduler.googleapis.com" in [
        body.get("service") for (kind, _), body in module()["resource"].items()
        if kind == "google_project_service"]


def test_the_function_accepts_exactly_the_jobs_token():
    job, env = _schedule(), _environment()
    # The job's token is for the URL it calls; the function checks that audience.
    assert env["CD_SWEEP_AUDIENCE"] == "local.sweep_deadlines_url"
    assert job["target_function"]["url"] == "${local.sweep_deadlines_url}"
    assert _resolved(job["target_function"]["url"]) == \
        "https://${var.region}-${var.project_id}.cloudfunctions.net/sweep-deadlines"
    _, body = functions_by_entry_point()["sweep_deadlines"]
    assert _resolved("${local.sweep_deadlines_name}") == body["name"]
    # The account the function accepts is the one the module creates for this job.
    caller = module(INFRA / "modules" / "scheduled_http_call")["resource"][
        ("google_service_account", "caller")]
    account_id = caller["account_id"].replace("${var.name}", _resolved(job["name"]))
    assert env["CD_SWEEP_INVOKER"] == "local.sweep_invoker"
    assert _resolved(_local("sweep_invoker")) == \
        f"{account_id}@${{var.project_id}}.iam.gserviceaccount.com"
    assert len(account_id) <= 30  # Google's limit on service account ids


def test_the_budget_leaves_the_mail_time_and_the_job_waits_for_the_whole_call():
    _, body = functions_by_entry_point()["sweep_deadlines"]
    timeout = block(body, "service_config")["timeout_seconds"]
    assert _environment()["CD_SWEEP_BUDGET_SECONDS"] == "tostring(local.sweep_budget_seconds)"
    assert _local("sweep_budget_seconds") + MAIL_SECONDS <= timeout
    assert _resolved(_schedule()["attempt_deadline"]) == f"{timeout}s"
