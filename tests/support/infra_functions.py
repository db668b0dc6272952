"""infra/'s functions read from the Terraform, for the offline checks of test_infra_functions.py and
test_infra_access.py: each entry point's function (a google_cloudfunctions2_function of the root or
a call of modules/function, read as the function it creates), what an expression of the root refers
to, and the service account a function runs as."""
from __future__ import annotations

import re
from functools import cache

from tests.support.hcl import block, function_module_calls, module, ref, rendered_call, resources


def module_call_function(name: str) -> tuple[str, dict]:
    """(label, body) of the function a call of a function module creates, as the call renders it."""
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
        _, body = module_call_function(name)
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
    inner, _ = module_call_function(match.group(1))
    assert ref(output.get("value"), "google_cloudfunctions2_function") == inner, \
        f"module.{match.group(1)}.{match.group(2)} is not an attribute of its function"
    return f"module.{match.group(1)}"


def function_account(entry_point: str) -> str:
    _, body = functions_by_entry_point()[entry_point]
    account = ref(block(body, "service_config").get("service_account_email"),
                  "google_service_account")
    assert account, f"{entry_point} runs without its own google_service_account"
    return account
