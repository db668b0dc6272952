"""docs/staff-api.openapi.yaml is a valid OpenAPI 3.1 description (checked by a real validator)
of exactly the routes the code serves: every route of the staff API's Map is described, every
described operation is a route, with the same path parameters."""
from __future__ import annotations

import re

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from shared.settings import PROJECT_ROOT
from shared.web.staff_api.routes import MAP

DESCRIPTION = PROJECT_ROOT / "docs" / "staff-api.openapi.yaml"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture(scope="module")
def spec() -> dict:
    return yaml.safe_load(DESCRIPTION.read_text(encoding="utf-8"))


def _code_routes() -> set[tuple[str, str]]:
    return {(method.lower(), re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
            for rule in MAP.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}


def _described(spec: dict) -> set[tuple[str, str]]:
    return {(method, path) for path, item in spec["paths"].items()
            for method in item if method in METHODS}


def test_the_description_is_valid_openapi_3_1(spec):
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_the_validator_would_notice_a_broken_description(spec):
    broken = {**spec, "paths": {"/me": {"get": {"responses": {"200": {"content": {}}}}}}}
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


def test_every_route_in_the_code_is_described(spec):
    missing = sorted(_code_routes() - _described(spec))
    assert not missing, f"routes of shared/web/staff_api/routes.py not in {DESCRIPTION.name}"


def test_every_described_route_exists(spec):
    invented = sorted(_described(spec) - _code_routes())
    assert not invented, f"operations in {DESCRIPTION.name} that the code does not serve"


def _resolve(spec: dict, item: dict) -> dict:
    while "$ref" in item:
        node = spec
        for part in item["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        item = node
    return item


def test_path_parameters_match_the_paths(spec):
    for path, item in spec["paths"].items():
        in_path = set(re.findall(r"\{(\w+)\}", path))
        for method, operation in item.items():
            if method not in METHODS:
                continue
            parameters = [_resolve(spec, p) for p in
                          item.get("parameters", []) + operation.get("parameters", [])]
            declared = {p["name"] for p in parameters if p["in"] == "path"}
            assert declared == in_path, f"{method.upper()} {path}: path parameters {declared}"
            assert all(p.get("required") for p in parameters if p["in"] == "path")


def test_both_identities_are_described(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert (schemes["iap"]["type"], schemes["iap"]["in"], schemes["iap"]["name"]) == \
        ("apiKey", "header", "x-goog-iap-jwt-assertion")
    open_routes = {(m, p) for p, item in spec["paths"].items() for m, op in item.items()
                   if m in METHODS and op.get("security") == []}
    assert open_routes == {("post", "/sign-in")}, "only the sign-in is open without identity"
