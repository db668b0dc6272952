"""infra/'s functions held against the code, offline (no provider downloads, no cloud): each entry
point's function, its build, settings, trigger (receive_email's SNS subscription too) and schedule.
Who may do what (service accounts, grants, secrets, public access, the AWS principals) is checked
in test_infra_access.py, Firestore's indexes in test_infra_firestore.py, formatting, checkov and
staging in test_infra_tools.py.

Nothing here is a hard-coded list of what exists: entry points come from the decorators in
functions/*.py, settings from shared/settings.py, languages from templates/i18n/.
"""
from __future__ import annotations

import dataclasses
import re
import sys

import pytest

from shared.settings import Settings
from tests.support.hcl import (
    INFRA,
    INTERPOLATION,
    ROOT,
    adapter_collections,
    all_modules,
    block,
    entry_points,
    module,
    ref,
    resources,
    tf_sources,
)
from tests.support.infra_functions import functions_by_entry_point

sys.path.insert(0, str(ROOT / "tools"))
import stage_functions  # noqa: E402

# Environment variables a function may get besides CD_<settings field>: boto3's credentials.
NON_SETTINGS_ENV = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


# -- Functions ----------------------------------------------------------------------------------

def test_the_code_has_entry_points_to_check():
    assert {"submit_form", "case_status", "deliver_mail"} <= set(entry_points())


def test_every_entry_point_has_exactly_one_function_and_vice_versa():
    deployed = functions_by_entry_point()
    missing = sorted(set(entry_points()) - set(deployed))
    orphans = sorted(set(deployed) - set(entry_points()))
    assert not missing, f"entry points without a function (modules/function call) in infra/: {missing}"
    assert not orphans, f"functions in infra/ whose entry point is not in functions/*.py: {orphans}"


_REFERENCE = re.compile(r"(?<![\w.])(data\.)?((?:google|aws|archive)_\w+)\.([\w-]+)"
                        r"|(?<![\w.])module\.([\w-]+)")



def test_every_reference_in_infra_is_declared():
    """What `terraform validate` would say about dangling references (it needs the providers)."""
    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)

    for directory in all_modules():
        parsed = module(directory)
        declared = {("resource", kind, label) for kind, label in parsed.get("resource", {})} \
            | {("data", kind, label) for kind, label in parsed.get("data", {})} \
            | {("module", name) for name in parsed.get("module", {})}
        for section in ("resource", "data", "module", "output", "locals"):
            for text in strings(list(parsed.get(section, {}).values())):
                for expression in INTERPOLATION.findall(text) + re.findall(r"\$\{(.*)\}", text):
                    for data, kind, label, call in _REFERENCE.findall(expression):
                        wanted = ("module", call) if call else \
                            ("data" if data else "resource", kind, label)
                        assert wanted in declared, \
                            f"{directory.relative_to(ROOT)}: {'.'.join(wanted[1:])} is not declared"


def test_every_function_is_built_from_the_one_source_bundle():
    bundles = set()
    for entry_point, (label, body) in functions_by_entry_point().items():
        build = block(body, "build_config")
        assert build.get("runtime") == "python311", label
        assert build.get("service_account") == "${google_service_account.build.id}", label
        source = block(block(build, "source"), "storage_source")
        bundles.add((source.get("bucket"), source.get("object")))
    assert bundles == {("${google_storage_bucket.function_source.name}",
                        "${google_storage_bucket_object.function_source.name}")}
    archive = module()["data"][("archive_file", "function_source")]
    staged = (INFRA / archive["source_dir"].replace("${path.module}/", "")).resolve()
    assert staged == stage_functions.DEFAULT_OUT, "infra zips what tools/stage_functions.py stages"


def test_every_setting_in_infra_is_a_setting_the_code_reads():
    fields = {f.name for f in dataclasses.fields(Settings)}
    names = set()
    for path, text in tf_sources().items():
        names |= set(re.findall(r"\b(CD_[A-Z0-9_]+)\s*=", text))
        names |= set(re.findall(r'key\s*=\s*"([A-Z0-9_]+)"', text))
    for _, body in functions_by_entry_point().values():
        config = block(body, "service_config")
        names |= {mount["key"] for mount in config.get("secret_environment_variables", [])}
        if isinstance(config.get("environment_variables"), dict):
            names |= set(config["environment_variables"])
    unknown = sorted(n for n in names - NON_SETTINGS_ENV
                     if not n.startswith("CD_") or n[3:].lower() not in fields)
    assert not unknown, f"environment variables in infra/ that no Settings field reads: {unknown}"


def test_the_default_language_choices_are_the_templates_languages():
    variable = module()["variable"]["default_language"]
    condition = block(variable, "validation")["condition"]
    offered = set(re.findall(r'"([^"]+)"', condition.split("]")[0]))
    assert offered == {p.stem for p in (ROOT / "templates" / "i18n").glob("*.json")}


def test_the_count_of_trusted_proxies_is_the_operators_to_give():
    """A load balancer in front adds a hop: a count fixed in the code would make every client
    the balancer (one rate-limit bucket for everyone) or trust a hop the client wrote."""
    variable = module()["variable"].get("trusted_proxies")
    assert variable, "infra/variables.tf declares var.trusted_proxies"
    assert (variable["type"], variable["default"]) == ("number", 1)  # Cloud Run's front end
    assert "load balancer" in variable["description"]
    assert re.search(r"var\.trusted_proxies\s*>=\s*0\b", block(variable, "validation")["condition"])
    env = module()["locals"]["common_env"]
    assert env["CD_TRUSTED_PROXIES"] == "${tostring(var.trusted_proxies)}"


# -- Triggers and schedules ---------------------------------------------------------------------

def test_cloud_event_functions_have_a_retrying_trigger_and_http_ones_none():
    collections = adapter_collections()
    for entry_point, (label, body) in functions_by_entry_point().items():
        trigger = body.get("event_trigger")
        if entry_point in entry_points() and entry_points()[entry_point] == "http":
            assert not trigger, f"{label} is an HTTP function but has an event trigger"
            continue
        assert trigger and len(trigger) == 1, f"{label}: CloudEvent function without a trigger"
        trigger = trigger[0]
        assert trigger.get("retry_policy") == "RETRY_POLICY_RETRY", \
            f"{label} raises on transient failure: its trigger must retry"
        assert ref(trigger.get("service_account_email"), "google_service_account"), label
        if trigger["event_type"].startswith("google.cloud.firestore.document."):
            documents = [f["value"] for f in trigger.get("event_filters", [])
                         if f["attribute"] == "document"]
            assert len(documents) == 1, label
            assert documents[0].split("/")[0] in collections, \
                f"{label} is triggered by {documents[0]}, not a collection the store writes"


def test_deliver_mail_is_triggered_by_new_outbox_documents():
    _, body = functions_by_entry_point()["deliver_mail"]
    trigger = block(body, "event_trigger")
    assert trigger["event_type"] == "google.cloud.firestore.document.v1.created"
    assert {f["attribute"]: f["value"] for f in trigger["event_filters"]}["document"] == "outbox/{id}"


def test_every_scheduler_job_calls_with_an_oidc_token():
    jobs = 0
    for directory in all_modules():
        for label, body in resources("google_cloud_scheduler_job", directory).items():
            jobs += 1
            target = block(body, "http_target")
            assert target, f"{directory.name}: job {label} has no http_target"
            token = block(target, "oidc_token")
            assert token.get("service_account_email"), f"{directory.name}: job {label} has no OIDC token"
            assert not target.get("oauth_token"), label
    assert jobs >= 1, "the scheduled_http_call module defines the pattern"


def test_the_scheduler_module_may_invoke_its_target_only():
    directory = INFRA / "modules" / "scheduled_http_call"
    iam = {(kind, label): body for (kind, label), body in module(directory)["resource"].items()
           if "_iam_" in kind}
    assert [(kind, body["role"], body["name"], body["member"]) for (kind, _), body in iam.items()] == [
        ("google_cloud_run_v2_service_iam_member", "roles/run.invoker",
         "${var.target_function.name}", "${google_service_account.caller.member}")]
    job = resources("google_cloud_scheduler_job", directory)["call"]
    assert block(block(job, "http_target"), "oidc_token")["service_account_email"] == \
        "${google_service_account.caller.email}"


def test_receive_email_is_subscribed_to_the_topic_it_accepts():
    (subscription,) = resources("aws_sns_topic_subscription").values()
    assert subscription["protocol"] == "https"
    assert subscription["endpoint"].endswith("/receive-email")
    _, body = functions_by_entry_point().get("receive_email", (None, None))
    if body is None:
        pytest.skip("receive_email has no function resource (reported by another test)")
    assert functions_by_entry_point()["receive_email"][1]["name"] == "receive-email"
    env = block(body, "service_config")["environment_variables"]
    assert "CD_INBOUND_TOPIC_ARN = aws_sns_topic.inbound_mail.arn" in env
    assert "CD_INBOUND_MAIL_BUCKET = aws_s3_bucket.inbound_mail.bucket" in env
