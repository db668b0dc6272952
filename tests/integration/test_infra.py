"""infra/ held against the code, offline (no provider downloads, no cloud).

Nothing here is a hard-coded list of what exists: entry points come from the decorators in
functions/*.py, composite queries and TTL fields from the Firestore adapter's source (ast), settings
from shared/settings.py, languages from templates/i18n/. What each function *needs* is declared
once, below (FUNCTION_GRANTS, PUBLIC_ENTRY_POINTS, OTHER_ACCOUNTS): a new function fails these tests
until it has its resources in infra/ and its line in that table.
"""
from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from shared.domain.queues import FILTER_FIELDS
from shared.settings import Settings
from tests.support.hcl import (
    INTERPOLATION,
    all_modules,
    block,
    function_module_calls,
    instances,
    module,
    ref,
    rendered_call,
    resources,
)

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
# Every Firestore module of the adapter (the store and the modules it writes through); the queue
# planner's queries are built step by step (their filters chosen at run time), so they are read by
# running the planner, not from the source.
FIRESTORE_MODULES = sorted((ROOT / "shared" / "adapters").glob("firestore*.py"))
PLANNED_QUERIES = ROOT / "shared" / "adapters" / "firestore_queue.py"
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

# Fields whose documents Firestore deletes by TTL: a write of this field needs a TTL policy.
TTL_FIELDS = {"expires_at"}

IAM_TYPES = {"google_project_iam_member", "google_storage_bucket_iam_member",
             "google_secret_manager_secret_iam_member", "google_cloud_run_v2_service_iam_member",
             "google_artifact_registry_repository_iam_member"}


# -- Reading the code ---------------------------------------------------------------------------

@cache
def entry_points() -> dict[str, str]:
    """{entry point: "http" | "cloud_event"} from the decorators in functions/*.py."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "functions").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                        and target.value.id == "functions_framework" \
                        and target.attr in {"http", "cloud_event"}:
                    assert node.name not in found, f"entry point {node.name} defined twice"
                    found[node.name] = target.attr
    return found


def _constants(tree: ast.Module) -> dict[str, str]:
    return {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for t in node.targets if isinstance(t, ast.Name)}


def _text(node: ast.expr, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


@dataclasses.dataclass(frozen=True)
class Query:
    collection: str
    equalities: tuple[str, ...]
    ranges: tuple[str, ...]  # inequality fields, then order_by fields, in order
    directions: tuple[str, ...]

    @property
    def needs_composite_index(self) -> bool:
        return bool(self.ranges) and len(set(self.equalities) | set(self.ranges)) > 1


_CHAIN = {"where", "order_by", "limit", "limit_to_last", "select", "offset", "start_at",
          "start_after", "end_at", "end_before"}
_EQUALITY = {"==", "in", "array_contains", "array_contains_any"}


def _filter_args(call: ast.Call, constants) -> tuple[str, str] | None:
    """(field, op) of `.where(filter=FieldFilter(field, op, value))` or `.where(field, op, v)`."""
    args = call.args
    for keyword in call.keywords:
        if keyword.arg == "filter" and isinstance(keyword.value, ast.Call):
            args = keyword.value.args
    if len(args) >= 2:
        field, op = _text(args[0], constants), _text(args[1], constants)
        if field and op:
            return field, op
    return None


def _chains(tree: ast.Module) -> list[list[ast.Call]]:
    """Every method-call chain that includes a query step, outermost call last."""
    inner: set[int] = set()
    chains: list[list[ast.Call]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in _CHAIN) or id(node) in inner:
            continue
        chain = []
        current = node
        while isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
            chain.append(current)
            inner.add(id(current))
            current = current.func.value
        chains.append(list(reversed(chain)))
    return chains


def _written_query(chain: list[ast.Call], constants: dict[str, str]) -> Query:
    """The query a chain `.collection(X)[.where(...)|.order_by(...)|.limit(...)]...` sends; X is
    the innermost collection (`cases/{n}/events` is "events", as Firestore's indexes name it)."""
    collection = next((_text(c.args[0], constants) for c in reversed(chain)
                       if c.func.attr == "collection" and c.args), None)
    assert collection, f"query without a resolvable collection at line {chain[0].lineno}"
    equalities, inequalities, ordered, directions = [], [], [], []
    for call in chain:
        if call.func.attr == "where":
            parsed = _filter_args(call, constants)
            assert parsed, f"unreadable filter at line {call.lineno}"
            (equalities if parsed[1] in _EQUALITY else inequalities).append(parsed[0])
        elif call.func.attr == "order_by":
            ordered.append(_text(call.args[0], constants))
            direction = "ASCENDING"
            for keyword in call.keywords:
                if keyword.arg == "direction" and "DESC" in ast.unparse(keyword.value):
                    direction = "DESCENDING"
            directions.append(direction)
    leading = [f for f in inequalities if f not in ordered]
    return Query(collection, tuple(equalities), tuple(leading + ordered),
                 tuple(["ASCENDING"] * len(leading) + directions))


def planned_queries() -> set[Query]:
    """Every query the queue planner can send: each shape it issues, with its key's range filter
    and order."""
    from shared.adapters import firestore_queue

    direction = {firestore_queue.firestore.Query.ASCENDING: "ASCENDING",
                 firestore_queue.firestore.Query.DESCENDING: "DESCENDING"}
    return {Query(firestore_queue.CASES, served, (key, ), (direction[order],))
            for served, key, order in firestore_queue.issued_shapes()}


@cache
def adapter_queries() -> tuple[Query, ...]:
    """Every query of the Firestore adapter: the chains written out in its modules, and the queue
    planner's."""
    queries = set(planned_queries())
    for path in FIRESTORE_MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for chain in _chains(tree):
            if path == PLANNED_QUERIES and not any(c.func.attr == "collection" for c in chain):
                continue  # a step of a planned query
            queries.add(_written_query(chain, constants))
    return tuple(sorted(queries, key=repr))


@cache
def adapter_ttl_fields() -> set[tuple[str, str]]:
    """(collection, field) for each TTL field written in a function that touches that collection,
    in any Firestore module of the adapter."""
    found = set()
    for path in FIRESTORE_MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _constants(tree)
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef):
                found |= _ttl_fields_written(function, constants)
    return found


def _ttl_fields_written(function: ast.FunctionDef, constants: dict[str, str]) -> set[tuple[str, str]]:
    collections, fields = set(), set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in {"_doc", "collection", "document"} and node.args:
            name = _text(node.args[0], constants)
            if name and node.func.attr != "document":
                collections.add(name)
        if isinstance(node, ast.Dict):
            fields |= {k.value for k in node.keys if isinstance(k, ast.Constant)
                       and k.value in TTL_FIELDS}
    return {(c, f) for c in collections for f in fields}


def adapter_collections() -> set[str]:
    """The collection names the Firestore modules of the adapter declare."""
    return {name for path in FIRESTORE_MODULES
            for name in _constants(ast.parse(path.read_text(encoding="utf-8"))).values()}


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


def tf_sources() -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(INFRA.rglob("*.tf"))
            if ".terraform" not in p.parts}


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


# -- Firestore ----------------------------------------------------------------------------------

def _indexes() -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    return [(body["collection"], tuple((f["field_path"], f.get("order", "ASCENDING"))
                                       for f in body["fields"]))
            for body in instances("google_firestore_index").values()]


def _index_serves(index, query: Query) -> bool:
    collection, fields = index
    k = len(set(query.equalities))
    return collection == query.collection and len(fields) == k + len(query.ranges) \
        and {name for name, _ in fields[:k]} == set(query.equalities) \
        and tuple(fields[k:]) == tuple(zip(query.ranges, query.directions))


def test_the_adapter_has_queries_to_check():
    assert any(q.needs_composite_index for q in adapter_queries())


def test_the_queue_planner_sends_every_query_it_needs_and_each_has_its_index():
    planned = planned_queries()
    assert len(planned) > 2 * len(FILTER_FIELDS)  # each filter in each order, and pairs
    assert all(q.equalities for q in planned if q.needs_composite_index)
    assert any(q.collection == "events" and q.needs_composite_index for q in adapter_queries())


def test_every_composite_query_has_an_index_and_every_index_a_query():
    composite = [q for q in adapter_queries() if q.needs_composite_index]
    unindexed = [q for q in composite if not any(_index_serves(i, q) for i in _indexes())]
    unused = [i for i in _indexes() if not any(_index_serves(i, q) for q in composite)]
    assert not unindexed, f"composite queries without a google_firestore_index: {unindexed}"
    assert not unused, f"indexes no query of the adapter needs: {unused}"


def test_every_ttl_field_has_a_ttl_policy_and_nothing_else_has_one():
    policies = {(body["collection"], body["field"])
                for body in resources("google_firestore_field").values() if "ttl_config" in body}
    assert adapter_ttl_fields(), "the adapter writes expires_at (rate limits)"
    assert policies == adapter_ttl_fields()


def test_one_native_mode_database_with_protection():
    (database,) = resources("google_firestore_database").values()
    assert database["type"] == "FIRESTORE_NATIVE"
    assert database["delete_protection_state"] == "DELETE_PROTECTION_ENABLED"


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


def test_no_secret_value_is_in_infra():
    assert not resources("google_secret_manager_secret_version")
    assert not resources("random_password") and not resources("aws_iam_access_key")
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout: cannot tell which files are committed")
    tracked = subprocess.run(["git", "ls-files", "infra"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    leaked = [p for p in tracked if re.search(r"(\.tfvars|\.tfstate[^/]*|/\.terraform/.*)$", p)]
    assert not leaked, f"operator files committed (terraform.tfvars, state): {leaked}"


# -- Staging ------------------------------------------------------------------------------------

def test_the_staging_tool_finds_the_same_entry_points():
    assert {name: kind for name, (_, kind) in stage_functions.entry_points().items()} == \
        entry_points()


def test_the_staged_bundle_exports_every_entry_point_and_pins_the_runtime(tmp_path):
    out = tmp_path / "function-source"
    stage_functions.stage(out)
    assert {p.name for p in out.iterdir()} == {"main.py", "requirements.txt", "functions",
                                               "shared", "templates"}
    probe = ("import json, main, sys, functions; "
             "json.dump({'from': functions.__file__, "
             "'exported': {n: callable(getattr(main, n, None)) for n in sys.argv[1:]}}, sys.stdout)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CD_")}
    env["PYTHONPATH"] = ""
    result = subprocess.run([sys.executable, "-c", probe, *sorted(entry_points())], cwd=out,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    probed = json.loads(result.stdout)
    assert Path(probed["from"]).resolve().is_relative_to(out.resolve()), "imported the bundle's copy"
    assert probed["exported"] == dict.fromkeys(entry_points(), True)
    with (ROOT / "pyproject.toml").open("rb") as file:
        pinned = tomllib.load(file)["project"]["dependencies"]
    assert (out / "requirements.txt").read_text(encoding="utf-8").splitlines() == pinned
    assert all("==" in line for line in pinned)


# -- Tools: terraform fmt, checkov --------------------------------------------------------------

def test_terraform_fmt():
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("no terraform binary on PATH: `terraform fmt -check -recursive infra` not run")
    result = subprocess.run([terraform, "fmt", "-check", "-recursive", "-diff", str(INFRA)],
                            capture_output=True, text=True, timeout=60,
                            env={**os.environ, "CHECKPOINT_DISABLE": "1"})
    assert result.returncode == 0, f"terraform fmt would change:\n{result.stdout}"


_SKIP = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::\s*(.*))?")


def test_every_checkov_skip_is_inline_with_its_reason():
    for path, text in tf_sources().items():
        for match in _SKIP.finditer(text):
            assert len((match.group(2) or "").strip()) >= 20, \
                f"{path.relative_to(ROOT)}: skip of {match.group(1)} without a reason"


def _checkov() -> str | None:
    candidates = [os.environ.get("CHECKOV", ""), str(ROOT / ".venv-checkov" / "bin" / "checkov"),
                  shutil.which("checkov") or ""]
    return next((c for c in candidates if c and Path(c).is_file()), None)


@pytest.mark.slow
def test_checkov_finds_nothing_unexplained():
    checkov = _checkov()
    if checkov is None:
        if os.environ.get("REQUIRE_CHECKOV") == "1":
            pytest.fail("checkov is required (bin/test installs it into .venv-checkov)")
        pytest.skip("checkov not installed (bin/test installs it into .venv-checkov)")
    result = subprocess.run(
        [checkov, "-d", str(INFRA), "--framework", "terraform", "--skip-download", "-o", "json"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"})
    report = json.loads(result.stdout)
    report = report[0] if isinstance(report, list) else report
    summary = report["summary"]
    failed = report.get("results", {}).get("failed_checks", [])
    assert summary["parsing_errors"] == 0, result.stderr
    assert summary["failed"] == 0, "checkov failures:\n" + "\n".join(
        f"{c['check_id']} {c['resource']} ({c['file_path']}): {c['check_name']}" for c in failed)
    skipped = report.get("results", {}).get("skipped_checks", [])
    used = {(c["check_id"], c["resource"]) for c in skipped}
    for check in skipped:
        reason = (check["check_result"].get("suppress_comment") or "").strip()
        assert len(reason) >= 20, f"{check['check_id']} on {check['resource']} skipped without reason"
    declared = sum(len(_SKIP.findall(text)) for text in tf_sources().values())
    assert declared == len(used), "a checkov:skip comment that skips nothing: remove it"
