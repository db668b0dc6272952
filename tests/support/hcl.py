"""Terraform (infra/) read as data, for the offline infra checks: each module's blocks, and calls
of local function modules rendered as the resources they create (variables substituted, `count`
and `dynamic` blocks expanded). What this reader cannot evaluate stays as written (and then fails
the checks that read it) or, where the number of resources depends on it, fails at once. Also
what the checks of tests/integration/test_infra_*.py share about the code infra/ is held against:
the entry points of functions/*.py and the collections of the Firestore adapter."""
from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import hcl2
from hcl2.utils import SerializationOptions

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
# Every Firestore module of the adapter (the store and the modules it writes through).
FIRESTORE_MODULES = sorted((ROOT / "shared" / "adapters").glob("firestore*.py"))


# -- Reading infra/ -----------------------------------------------------------------------------

_OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False,
                                with_comments=False)


@cache
def module(directory: Path = INFRA) -> dict[str, dict]:
    """One Terraform module: {"resource": {(type, label): body}, "data": ..., "variable":
    {name: body}, "module": {name: body}, ...}."""
    merged: dict[str, dict] = {}
    for path in sorted(directory.glob("*.tf")):
        with path.open(encoding="utf-8") as file:
            parsed = hcl2.load(file, serialization_options=_OPTIONS)
        for kind, entries in parsed.items():
            target = merged.setdefault(kind, {})
            for entry in entries:
                for key, value in entry.items():
                    if kind in {"resource", "data"}:
                        for label, body in value.items():
                            assert (key, label) not in target, f"{key}.{label} defined twice"
                            target[(key, label)] = body
                    else:
                        assert kind not in {"module", "variable", "output"} or key not in target, \
                            f"{kind} {key} defined twice"
                        target[key] = value
    return merged


def all_modules() -> list[Path]:
    return [INFRA] + sorted(p.parent for p in INFRA.glob("modules/*/main.tf"))


def resources(type_: str, directory: Path = INFRA) -> dict[str, dict]:
    return {label: body for (kind, label), body in module(directory).get("resource", {}).items()
            if kind == type_}


def instances(type_: str, directory: Path = INFRA) -> dict[str, dict]:
    """Like `resources`, with a resource that has `for_each` over a local map or list expanded:
    one body per key, labelled `label[key]`, with `each.key`, `each.value` and its dynamic blocks
    rendered."""
    found = {}
    scope = {"local": module(directory).get("locals", {})}
    for label, body in resources(type_, directory).items():
        if "for_each" not in body:
            found[label] = body
            continue
        rest = {k: v for k, v in body.items() if k != "for_each"}
        for key, value in _for_each(body["for_each"], scope):
            found[f"{label}[{key}]"] = _render(rest, {**scope, "each": {"key": key, "value": value}})
    return found


def block(body: dict, name: str) -> dict:
    value = body.get(name) or [{}]
    assert len(value) == 1, f"{name} appears {len(value)} times"
    return value[0]


def ref(expression, type_: str) -> str | None:
    """The label of `type_` an expression refers to: "${type_.label.attr}" → label."""
    match = re.search(rf"\b{re.escape(type_)}\.([A-Za-z0-9_-]+)\.", str(expression))
    return match.group(1) if match else None


# -- Module calls, read as what they create ------------------------------------------------------
# A call of a local module that holds a google_cloudfunctions2_function (modules/function) is read
# as the resources it creates: the module's bodies with each `var.x` (and dynamic-block iterator)
# replaced by the call's input or the variable's default, `count` and `dynamic` blocks expanded.
# What this reader cannot evaluate stays as written (and then fails the checks that read it) or,
# where the number of resources depends on it (count, for_each), fails at once.

_TRAVERSAL = re.compile(r"[A-Za-z_][\w-]*(?:\.[\w-]+)*")
INTERPOLATION = re.compile(r"\$\{([^{}]*)\}")


def _module_source(call: dict) -> Path | None:
    source = str(call.get("source", ""))
    return (INFRA / source).resolve() if source.startswith("./") else None


def function_module_calls() -> dict[str, tuple[dict, Path]]:
    """{call name: (call body, module directory)} of every call of a module that holds a
    google_cloudfunctions2_function."""
    calls = {}
    for name, call in module().get("module", {}).items():
        directory = _module_source(call)
        if directory is None or not resources("google_cloudfunctions2_function", directory):
            continue
        assert len(resources("google_cloudfunctions2_function", directory)) == 1, \
            f"{directory.name}: one function per function module"
        assert "count" not in call and "for_each" not in call, \
            f"module.{name}: count/for_each on a function module call is not read by this test"
        calls[name] = (call, directory)
    return calls


def _root_locals(value):
    """A call's input with every `${local.x}` replaced by that local's value (of the root)."""
    if isinstance(value, str):
        match = re.fullmatch(r"\$\{local\.(\w+)\}", value)
        return _root_locals(module().get("locals", {})[match.group(1)]) if match else value
    if isinstance(value, dict):
        return {k: _root_locals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_root_locals(v) for v in value]
    return value


_UNREADABLE = object()


def _lookup(path: str, scope: dict):
    """The value of traversal `path` in `scope`, or _UNREADABLE when it does not start in scope."""
    head, *rest = path.split(".")
    if head not in scope:
        return _UNREADABLE
    value = scope[head]
    for part in rest:
        assert isinstance(value, dict), f"cannot read {path}: {value!r} is no object"
        value = value.get(part)  # absent: an optional attribute, null
    return value


def _render(value, scope: dict):
    if isinstance(value, list):
        return [_render(v, scope) for v in value]
    if isinstance(value, dict):
        rendered = {k: _render(v, scope) for k, v in value.items() if k != "dynamic"}
        for dynamic in value.get("dynamic", []):
            for name, spec in dynamic.items():
                items = _for_each(spec["for_each"], scope)
                iterator = spec.get("iterator", name)
                rendered[name] = rendered.get(name, []) + [
                    _render(spec["content"][0], {**scope, iterator: {"key": k, "value": v}})
                    for k, v in items]
        return rendered
    if not isinstance(value, str):
        return value
    whole = re.fullmatch(r"\$\{(.*)\}", value, re.S)
    if whole and _TRAVERSAL.fullmatch(whole.group(1)):
        found = _lookup(whole.group(1), scope)
        return value if found is _UNREADABLE else found

    def substitute(match: re.Match) -> str:
        if not _TRAVERSAL.fullmatch(match.group(1)):
            return match.group(0)
        found = _lookup(match.group(1), scope)
        if found is _UNREADABLE:
            return match.group(0)
        assert isinstance(found, str), f"cannot put {found!r} into {value!r}"
        return found

    return INTERPOLATION.sub(substitute, value)


def _for_each(expression, scope: dict) -> list[tuple]:
    """The (key, value) pairs a dynamic block iterates over."""
    text = str(expression)
    conditional = re.fullmatch(r"\$\{(var\.\w+) == null \? \[\] : \[\1\]\}", text)
    if conditional:
        found = _lookup(conditional.group(1), scope)
        return [] if found is None else [(0, found)]
    found = _render(text, scope)
    assert isinstance(found, (dict, list)), f"for_each {text}: not read by this test"
    return list(found.items()) if isinstance(found, dict) else list(enumerate(found))


def _count(body: dict, scope: dict) -> int:
    assert "for_each" not in body, "for_each on a resource of a function module is not read here"
    if "count" not in body:
        return 1
    text = str(body["count"])
    conditional = re.fullmatch(r"\$\{(var\.\w+) \? 1 : 0\}", text)
    assert conditional, f"count {text}: not read by this test"
    flag = _lookup(conditional.group(1), scope)
    assert isinstance(flag, bool), f"{conditional.group(1)} must be true or false, not {flag!r}"
    return int(flag)


@cache
def rendered_call(name: str) -> dict[tuple[str, str], list[dict]]:
    """{(type, label): [body of each instance]} that `module.<name>` creates."""
    call, directory = function_module_calls()[name]
    declared = module(directory).get("variable", {})
    inputs = {k: v for k, v in call.items() if k not in {"source", "depends_on", "providers"}}
    unknown = sorted(set(inputs) - set(declared))
    assert not unknown, f"module.{name}: inputs the module does not declare: {unknown}"
    variables = {}
    for variable, spec in declared.items():
        assert variable in inputs or "default" in spec, f"module.{name}: {variable} is required"
        variables[variable] = _root_locals(inputs[variable]) if variable in inputs \
            else spec["default"]
    scope = {"var": variables}
    created = {}
    for key, body in module(directory).get("resource", {}).items():
        try:
            created[key] = [_render(body, scope) for _ in range(_count(body, scope))]
        except AssertionError as error:
            raise AssertionError(f"module.{name}, {'.'.join(key)}: {error}") from error
    return created


def tf_sources() -> dict[Path, str]:
    """The text of every .tf file of infra/, its modules included."""
    return {p: p.read_text(encoding="utf-8") for p in sorted(INFRA.rglob("*.tf"))
            if ".terraform" not in p.parts}


# -- Reading the code infra/ is held against ----------------------------------------------------

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


def string_constants(tree: ast.Module) -> dict[str, str]:
    """{NAME: "text"} of a module's top-level string constants."""
    return {t.id: node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            for t in node.targets if isinstance(t, ast.Name)}


def adapter_collections() -> set[str]:
    """The collection names the Firestore modules of the adapter declare."""
    return {name for path in FIRESTORE_MODULES
            for name in string_constants(ast.parse(path.read_text(encoding="utf-8"))).values()}
