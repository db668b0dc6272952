"""infra/'s functions held against the code, offline (no provider downloads, no cloud): each entry
point's function, service account, grants, secrets, settings, trigger and ingress, and the AWS
principals.

Nothing here is a hard-coded list of what exists: entry points come from the decorators in
functions/*.py, settings from shared/settings.py, languages from templates/i18n/. What each
function *needs* is declared once, below (FUNCTION_GRANTS, PUBLIC_ENTRY_POINTS, OTHER_ACCOUNTS): a
new function fails these tests until it has its resources in infra/ and its line in that table.
Firestore's indexes are checked in test_infra_firestore.py, formatting, checkov and staging in
test_infra_tools.py.
"""
from __future__ import annotations

import dataclasses
import json
import re
import sys
from collections import Counter
from functools import cache

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
    function_module_calls,
    module,
    ref,
    rendered_call,
    resources,
    tf_sources,
)

sys.path.insert(0, str(ROOT / "tools"))
import stage_functions  # noqa: E402

# -- What each function needs: the one declared place -------------------------------------------

# Public: anyone may call them without a Google identity (allUsers invoker, ALLOW_ALL ingress).
PUBLIC_ENTRY_POINTS = {"submit_form", "case_status", "receive_email"}

# A grant is (role, scope). Scopes: "project", "bucket:<google_storage_bucket label>",
# "secret:<google_secret_manager_secret label>", "function:<entry point>" (its Cloud Run service),
# "repository:<artifact registry label>"; a project grant with an IAM condition adds " if <title>".
# Custom roles are "custom:<google_project_iam_custom_role label>".
FIRESTORE = ("roles/datastore.user", "project")
ATTACHMENTS = ("custom:attachment_writer", "bucket:attachments")


def secret(label: str) -> tuple[str, str]:
    return ("roles/secretmanager.secretAccessor", f"secret:{label}")


# Each entry point's own service account, and exactly what it may do.
FUNCTION_GRANTS: dict[str, set[tuple[str, str]]] = {
    # Derives a form case's access code from its form token, to show a receipt again.
    "submit_form": {FIRESTORE, ATTACHMENTS, secret("reply_token_key")},
    "case_status": {FIRESTORE, ATTACHMENTS},
    # Sends through SES as the report address; signs the per-case reply address of every message.
    "deliver_mail": {FIRESTORE, secret("reply_token_key"), secret("aws_sender_access_key_id"),
                     secret("aws_sender_secret_access_key")},
    # Reads raw mail from S3, files it (attachments included), matches replies by their token.
    "receive_email": {FIRESTORE, ATTACHMENTS, secret("reply_token_key"),
                      secret("aws_reader_access_key_id"), secret("aws_reader_secret_access_key")},
}

# Service accounts that are not a function's own: {google_service_account label: grants}.
OTHER_ACCOUNTS: dict[str, set[tuple[str, str]]] = {
    "deliver_mail_trigger": {("roles/eventarc.eventReceiver", "project"),
                             ("roles/run.invoker", "function:deliver_mail")},
    "build": {("roles/logging.logWriter", "project"),
              ("roles/artifactregistry.writer", "repository:functions"),
              ("roles/storage.objectViewer", "project if gcf-v2-sources buckets only")},
}

CUSTOM_ROLES = {"attachment_writer": {"storage.objects.create", "storage.objects.delete"}}

# The AWS principals whose keys the functions hold: exactly these actions.
AWS_POLICIES = {"sender": {"ses:SendRawEmail"}, "reader": {"s3:GetObject", "kms:Decrypt"}}

# Environment variables a function may get besides CD_<settings field>: boto3's credentials.
NON_SETTINGS_ENV = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}

IAM_TYPES = {"google_project_iam_member", "google_storage_bucket_iam_member",
             "google_secret_manager_secret_iam_member", "google_cloud_run_v2_service_iam_member",
             "google_artifact_registry_repository_iam_member"}


# -- Reading the functions ----------------------------------------------------------------------

def _call_function(name: str) -> tuple[str, dict]:
    ((kind, label), bodies), = [(key, bodies) for key, bodies in rendered_call(name).items()
                                if key[0] == "google_cloudfunctions2_function"]
    (body,) = bodies
    return label, body


@cache
def functions_by_entry_point() -> dict[str, tuple[str, dict]]:
    """{entry point: (label, body)} of every function: google_cloudfunctions2_function resources of
    the root (label: theirs) and calls of a function module (label: "module.<name>", body: the
    function as the call renders it)."""
    found: dict[str, list[tuple[str, dict]]] = {}
    for label, body in resources("google_cloudfunctions2_function").items():
        found.setdefault(block(body, "build_config").get("entry_point"), []).append((label, body))
    for name in function_module_calls():
        _, body = _call_function(name)
        found.setdefault(block(body, "build_config").get("entry_point"), []).append(
            (f"module.{name}", body))
    duplicated = {ep: [label for label, _ in defs] for ep, defs in found.items() if len(defs) > 1}
    assert not duplicated, f"entry points with more than one function: {duplicated}"
    return {ep: defs[0] for ep, defs in found.items()}


def function_label(expression) -> str | None:
    """The function an expression of the root refers to: google_cloudfunctions2_function.<label>.x
    → label; module.<name>.<output> of a function module, where that output is its function's →
    "module.<name>"."""
    label = ref(expression, "google_cloudfunctions2_function")
    if label:
        return label
    match = re.search(r"\bmodule\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)", str(expression))
    if not match or match.group(1) not in function_module_calls():
        return None
    directory = function_module_calls()[match.group(1)][1]
    output = module(directory).get("output", {}).get(match.group(2), {})
    inner, _ = _call_function(match.group(1))
    assert ref(output.get("value"), "google_cloudfunctions2_function") == inner, \
        f"module.{match.group(1)}.{match.group(2)} is not an attribute of its function"
    return f"module.{match.group(1)}"


def function_account(entry_point: str) -> str:
    _, body = functions_by_entry_point()[entry_point]
    account = ref(block(body, "service_config").get("service_account_email"),
                  "google_service_account")
    assert account, f"{entry_point} runs without its own google_service_account"
    return account


def _iam_resources() -> list[tuple[str, str, dict, str | None]]:
    """(kind, label, body, function label of the module call or None) of every IAM resource of the
    root and of what each function module call creates."""
    found = []
    for (kind, label), body in module().get("resource", {}).items():
        found.append((kind, label, body, None))
    for name in function_module_calls():
        for (kind, label), bodies in rendered_call(name).items():
            found += [(kind, f"module.{name}.{label}", body, f"module.{name}") for body in bodies]
    return [entry for entry in found if re.search(r"_iam_(member|binding|policy)$", entry[0])]


PUBLIC_MEMBERS = {"allUsers", "allAuthenticatedUsers"}


def grants_by_account() -> dict[str, set[tuple[str, str]]]:
    """{google_service_account label: {(role, scope)}} from every IAM resource of the root and of
    the function module calls."""
    functions = {label: ep for ep, (label, _) in functions_by_entry_point().items()}
    grants: dict[str, set[tuple[str, str]]] = {}
    for kind, label, body, call in _iam_resources():
        assert kind in IAM_TYPES, f"{kind}.{label}: an IAM resource kind this test does not read"
        account = ref(body.get("member"), "google_service_account")
        if account is None:
            assert body.get("member") in PUBLIC_MEMBERS, \
                f"{kind}.{label}: member {body.get('member')!r} is no service account of infra/"
            continue  # test_only_public_functions_allow_unauthenticated_calls
        role = body["role"]
        custom = ref(role, "google_project_iam_custom_role")
        role = f"custom:{custom}" if custom else role
        if kind == "google_project_iam_member":
            scope = "project"
            if body.get("condition"):
                scope += f" if {block(body, 'condition')['title']}"
        elif kind == "google_storage_bucket_iam_member":
            scope = f"bucket:{ref(body['bucket'], 'google_storage_bucket')}"
        elif kind == "google_secret_manager_secret_iam_member":
            scope = f"secret:{ref(body['secret_id'], 'google_secret_manager_secret')}"
        elif kind == "google_cloud_run_v2_service_iam_member":
            target = function_label(body["name"])
            if call and ref(body["name"], "google_cloudfunctions2_function") == \
                    _call_function(call.removeprefix("module."))[0]:
                target = call  # the module's own function
            scope = f"function:{functions.get(target, target or body['name'])}"
        else:
            scope = f"repository:{ref(body['repository'], 'google_artifact_registry_repository')}"
        grants.setdefault(account, set()).add((role, scope))
    return grants


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


def test_every_entry_point_has_its_needs_declared():
    assert set(FUNCTION_GRANTS) == set(entry_points()), \
        "declare each entry point's grants in FUNCTION_GRANTS (and PUBLIC_ENTRY_POINTS if public)"
    assert PUBLIC_ENTRY_POINTS <= set(entry_points())


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


def test_each_function_runs_as_its_own_service_account():
    accounts = Counter(function_account(ep) for ep in functions_by_entry_point())
    shared = [account for account, uses in accounts.items() if uses > 1]
    assert not shared, f"service accounts shared by functions: {shared}"
    assert not set(accounts) & set(OTHER_ACCOUNTS)
    assert set(resources("google_service_account")) == set(accounts) | set(OTHER_ACCOUNTS), \
        "every service account in infra/ is a function's own or declared in OTHER_ACCOUNTS"


def test_each_service_accounts_roles_are_exactly_what_it_needs():
    expected = {function_account(ep): grants for ep, grants in FUNCTION_GRANTS.items()
                if ep in functions_by_entry_point()}
    expected.update(OTHER_ACCOUNTS)
    actual = grants_by_account()
    problems = {account: {"missing": sorted(want - actual.get(account, set())),
                          "extra": sorted(actual.get(account, set()) - want)}
                for account, want in expected.items() if actual.get(account, set()) != want}
    unknown = sorted(set(actual) - set(expected))
    assert not problems, f"grants differ from FUNCTION_GRANTS/OTHER_ACCOUNTS: {problems}"
    assert not unknown, f"grants to service accounts nobody declared: {unknown}"
    custom = {label: set(body["permissions"])
              for label, body in resources("google_project_iam_custom_role").items()}
    assert custom == CUSTOM_ROLES


def test_functions_read_exactly_the_secrets_they_may_access():
    for entry_point, (label, body) in functions_by_entry_point().items():
        config = block(body, "service_config")
        mounted = {f"secret:{ref(s['secret'], 'google_secret_manager_secret')}"
                   for s in config.get("secret_environment_variables", [])}
        assert not config.get("secret_volumes"), f"{label}: secrets as files are not expected"
        granted = {scope for role, scope in grants_by_account().get(function_account(entry_point), ())
                   if scope.startswith("secret:")}
        assert mounted == granted, f"{label}: secrets in its environment vs. secrets it may read"
        for mount in config.get("secret_environment_variables", []):
            name = ref(mount["secret"], "google_secret_manager_secret")
            assert mount.get("version") == f"${{var.secret_versions.{name}}}", \
                f"{label}: {mount['key']} must read the version pinned in var.secret_versions"
    declared = module()["variable"]["secret_versions"]["type"]
    assert set(re.findall(r"(\w+)\s*=\s*optional", declared)) == \
        set(resources("google_secret_manager_secret")), "one var.secret_versions entry per secret"


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


# -- Triggers, ingress, schedules ---------------------------------------------------------------

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


def _is_public(body: dict) -> bool:
    members = json.dumps({k: v for k, v in body.items() if k.startswith("member")})
    return any(member in members for member in PUBLIC_MEMBERS)


def test_only_public_functions_allow_unauthenticated_calls():
    functions = {label: ep for ep, (label, _) in functions_by_entry_point().items()}
    function_modules = {directory for _, directory in function_module_calls().values()}
    public = set()
    # As written: public bindings only in the root or in a function module (read per call below).
    for directory in all_modules():
        for (kind, label), body in module(directory).get("resource", {}).items():
            if not _is_public(body):
                continue
            assert directory == INFRA or directory in function_modules, \
                f"{directory.name}: {kind}.{label} is public"
            assert kind == "google_cloud_run_v2_service_iam_member" \
                and body["role"] == "roles/run.invoker", f"{kind}.{label} is public"
            if directory == INFRA:
                public.add(functions.get(function_label(body["name"])))
    # As each function module call creates them (count evaluated with the call's inputs).
    for name in function_module_calls():
        inner, _ = _call_function(name)
        for (kind, label), bodies in rendered_call(name).items():
            for body in filter(_is_public, bodies):
                assert ref(body["name"], "google_cloudfunctions2_function") == inner, \
                    f"module.{name}: {kind}.{label} makes something else than its function public"
                public.add(functions[f"module.{name}"])
    assert public == PUBLIC_ENTRY_POINTS & set(functions.values())
    for entry_point, (label, body) in functions_by_entry_point().items():
        ingress = block(body, "service_config").get("ingress_settings")
        expected = "ALLOW_ALL" if entry_point in PUBLIC_ENTRY_POINTS else "ALLOW_INTERNAL_ONLY"
        assert ingress == expected, f"{label}: ingress {ingress}, expected {expected}"


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


# -- AWS ----------------------------------------------------------------------------------------

def test_the_aws_principals_may_do_one_thing_each():
    documents = {label: body for (kind, label), body in module()["data"].items()
                 if kind == "aws_iam_policy_document"}
    for principal, actions in AWS_POLICIES.items():
        statements = documents[principal]["statement"]
        assert {a for s in statements for a in s["actions"]} == actions, principal
        assert all(s.get("effect", "Allow") == "Allow" for s in statements)
    sender = documents["sender"]["statement"][0]
    assert block(sender, "condition")["variable"] == "ses:FromAddress"
    assert block(sender, "condition")["values"] == ["${var.report_address}"]
    attached = {ref(body["policy"], "aws_iam_policy_document")
                for body in resources("aws_iam_group_policy").values()}
    assert attached == set(AWS_POLICIES)
    assert not resources("aws_iam_access_key"), "keys are made outside Terraform (docs/deploy.md)"
    assert not resources("aws_iam_user_policy") and not resources("aws_iam_user_policy_attachment")


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


