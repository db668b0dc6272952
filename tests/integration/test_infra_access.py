"""infra/'s access held against the code, offline (no provider downloads, no cloud): each function's
service account, its grants and secrets, who may call it (public access and ingress), and the AWS
principals whose keys the functions hold. The functions themselves (builds, settings, triggers)
are checked in test_infra_functions.py.

What each function *needs* is declared once, below (FUNCTION_GRANTS, PUBLIC_ENTRY_POINTS,
OTHER_ACCOUNTS): a new function fails these tests until it has its resources in infra/ and its line
in that table.
"""
from __future__ import annotations

import json
import re
from collections import Counter

from tests.support.hcl import (
    INFRA,
    all_modules,
    block,
    entry_points,
    function_module_calls,
    module,
    ref,
    rendered_call,
    resources,
)
from tests.support.infra_functions import (
    function_account,
    function_label,
    functions_by_entry_point,
    module_call_function,
)

# -- What each function needs: the one declared place -------------------------------------------

# Public: anyone may call them without a Google identity (allUsers invoker, ALLOW_ALL ingress).
PUBLIC_ENTRY_POINTS = {"submit_form", "case_status", "receive_email", "public_pages"}
# Behind a load balancer with Identity-Aware Proxy: ingress from the load balancer only
# (ALLOW_INTERNAL_AND_GCLB), invoked by IAP's service agent (SERVICE_AGENTS), passed by the
# principals the operator names (test_infra_staff_api.py).
IAP_ENTRY_POINTS = {"staff_api"}

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
    # The public pages (R22) read counters and approved disclosures and write nothing.
    "public_pages": {("roles/datastore.viewer", "project")},
    # Sends through SES as the report address; signs the per-case reply address of every message.
    "deliver_mail": {FIRESTORE, secret("reply_token_key"), secret("aws_sender_access_key_id"),
                     secret("aws_sender_secret_access_key")},
    # Reads raw mail from S3, files it (attachments included), matches replies by their token.
    "receive_email": {FIRESTORE, ATTACHMENTS, secret("reply_token_key"),
                      secret("aws_reader_access_key_id"), secret("aws_reader_secret_access_key")},
    # Staff read held mail and case files, open cases from held mail (an email case's access code
    # is derived with the reply key) and attach mail to cases.
    "staff_api": {FIRESTORE, ATTACHMENTS, ("roles/storage.objectViewer", "bucket:attachments"),
                  secret("reply_token_key")},
    # The deadline sweep writes cases and the outbox, and sends the due mail as deliver_mail does.
    "sweep_deadlines": {FIRESTORE, secret("reply_token_key"), secret("aws_sender_access_key_id"),
                        secret("aws_sender_secret_access_key")},
}

# Google-managed service agents (service-<project number>@gcp-sa-<name>.iam...), by name: exactly
# these grants. IAP calls the function behind it as its service agent.
SERVICE_AGENTS: dict[str, set[tuple[str, str]]] = {
    "iap": {("roles/run.invoker", "function:staff_api")},
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

IAM_TYPES = {"google_project_iam_member", "google_storage_bucket_iam_member",
             "google_secret_manager_secret_iam_member", "google_cloud_run_v2_service_iam_member",
             "google_artifact_registry_repository_iam_member"}
# Grants to people, not to service accounts: who may pass IAP (test_infra_staff_api.py).
PEOPLE_IAM_TYPES = {"google_iap_web_backend_service_iam_member"}


# -- Reading the grants -------------------------------------------------------------------------

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


_SERVICE_AGENT = re.compile(r"serviceAccount:service-\$\{data\.google_project\.this\.number\}"
                            r"@gcp-sa-([a-z]+)\.iam\.gserviceaccount\.com")


def _service_agent(member) -> str | None:
    """The name of the Google-managed service agent a member expression names (through a local
    of the root, too), or None."""
    local = re.fullmatch(r"\$\{local\.(\w+)\}", str(member))
    if local:
        member = module().get("locals", {}).get(local.group(1), member)
    match = _SERVICE_AGENT.fullmatch(str(member))
    return f"agent:{match.group(1)}" if match else None


def grants_by_account() -> dict[str, set[tuple[str, str]]]:
    """{google_service_account label (or "agent:<name>" for a service agent): {(role, scope)}}
    from every IAM resource of the root and of the function module calls."""
    functions = {label: ep for ep, (label, _) in functions_by_entry_point().items()}
    grants: dict[str, set[tuple[str, str]]] = {}
    for kind, label, body, call in _iam_resources():
        if kind in PEOPLE_IAM_TYPES:
            continue  # test_infra_staff_api.py
        assert kind in IAM_TYPES, f"{kind}.{label}: an IAM resource kind this test does not read"
        account = ref(body.get("member"), "google_service_account") or \
            _service_agent(body.get("member"))
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
                    module_call_function(call.removeprefix("module."))[0]:
                target = call  # the module's own function
            scope = f"function:{functions.get(target, target or body['name'])}"
        else:
            scope = f"repository:{ref(body['repository'], 'google_artifact_registry_repository')}"
        grants.setdefault(account, set()).add((role, scope))
    return grants


# -- Service accounts, grants and secrets -------------------------------------------------------

def test_every_entry_point_has_its_needs_declared():
    assert set(FUNCTION_GRANTS) == set(entry_points()), \
        "declare each entry point's grants in FUNCTION_GRANTS (and PUBLIC_ENTRY_POINTS if public)"
    assert PUBLIC_ENTRY_POINTS | IAP_ENTRY_POINTS <= set(entry_points())
    assert not PUBLIC_ENTRY_POINTS & IAP_ENTRY_POINTS


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
    expected.update({f"agent:{name}": grants for name, grants in SERVICE_AGENTS.items()})
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


# -- Public access and ingress ------------------------------------------------------------------

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
        inner, _ = module_call_function(name)
        for (kind, label), bodies in rendered_call(name).items():
            for body in filter(_is_public, bodies):
                assert ref(body["name"], "google_cloudfunctions2_function") == inner, \
                    f"module.{name}: {kind}.{label} makes something else than its function public"
                public.add(functions[f"module.{name}"])
    assert public == PUBLIC_ENTRY_POINTS & set(functions.values())
    for entry_point, (label, body) in functions_by_entry_point().items():
        ingress = block(body, "service_config").get("ingress_settings")
        expected = "ALLOW_ALL" if entry_point in PUBLIC_ENTRY_POINTS else \
            "ALLOW_INTERNAL_AND_GCLB" if entry_point in IAP_ENTRY_POINTS else "ALLOW_INTERNAL_ONLY"
        assert ingress == expected, f"{label}: ingress {ingress}, expected {expected}"


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
