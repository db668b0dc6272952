"""The staff API's front door, offline: an external HTTPS load balancer with Identity-Aware Proxy on
its backend service, in front of a function nobody else can reach, which trusts IAP's assertions
only for that backend service's audience. Who may call it at all (grants, ingress) is checked in
test_infra_access.py, with the other functions."""
from __future__ import annotations

import re

from tests.integration.test_infra_access import IAP_ENTRY_POINTS
from tests.support.hcl import block, module, ref, resources
from tests.support.infra_functions import functions_by_entry_point


def _resolved(expression) -> str:
    """An expression with `${local.x}` replaced by the root's local x (once)."""
    local = re.fullmatch(r"\$\{local\.(\w+)\}", str(expression))
    return module()["locals"][local.group(1)] if local else str(expression)


def _function(entry_point: str) -> tuple[dict, str]:
    _, body = functions_by_entry_point()[entry_point]
    config = block(body, "service_config")
    return body, str(config["environment_variables"])


def _setting(environment: str, name: str) -> str:
    match = re.search(rf"\b{name}\s*=\s*([^,}}]+)", environment)
    assert match, f"{name} is not set"
    return match.group(1).strip().strip('"')


def test_iap_functions_trust_only_assertions_for_their_own_backend_service():
    for entry_point in IAP_ENTRY_POINTS:
        _, environment = _function(entry_point)
        assert _setting(environment, "CD_STAFF_IDENTITY") == "iap"
        audience = _resolved("${" + _setting(environment, "CD_IAP_AUDIENCE") + "}")
        match = re.fullmatch(r"/projects/\$\{data\.google_project\.this\.number\}/global/"
                             r"backendServices/\$\{google_compute_backend_service\.(\w+)"
                             r"\.generated_id\}", audience)
        assert match, f"{entry_point}: CD_IAP_AUDIENCE {audience!r} is no backend service's"
        backend = resources("google_compute_backend_service")[match.group(1)]
        assert block(backend, "iap")["enabled"] is True, f"{entry_point}: IAP is off"


def test_the_backend_service_with_iap_serves_that_function_alone():
    for entry_point in IAP_ENTRY_POINTS:
        body, environment = _function(entry_point)
        audience = _resolved("${" + _setting(environment, "CD_IAP_AUDIENCE") + "}")
        backend = resources("google_compute_backend_service")[
            ref(audience, "google_compute_backend_service")]
        assert backend["load_balancing_scheme"] == "EXTERNAL_MANAGED"
        groups = [b["group"] for b in backend["backend"]]
        assert len(groups) == 1
        neg = resources("google_compute_region_network_endpoint_group")[
            ref(groups[0], "google_compute_region_network_endpoint_group")]
        assert neg["network_endpoint_type"] == "SERVERLESS"
        assert _resolved(block(neg, "cloud_function")["function"]) == body["name"], \
            f"{entry_point}: the serverless NEG names another function"


def test_the_load_balancer_serves_https_only_with_a_modern_policy():
    (rule,) = resources("google_compute_global_forwarding_rule").values()
    assert rule["port_range"] == "443"
    proxy = resources("google_compute_target_https_proxy")[
        ref(rule["target"], "google_compute_target_https_proxy")]
    policy = resources("google_compute_ssl_policy")[ref(proxy["ssl_policy"], "google_compute_ssl_policy")]
    assert (policy["profile"], policy["min_tls_version"]) == ("MODERN", "TLS_1_2")
    url_map = resources("google_compute_url_map")[ref(proxy["url_map"], "google_compute_url_map")]
    backend = resources("google_compute_backend_service")[
        ref(url_map["default_service"], "google_compute_backend_service")]
    assert block(backend, "iap")["enabled"] is True
    assert not resources("google_compute_target_http_proxy"), "no plain-HTTP door"


def test_only_principals_the_operator_names_may_pass_iap():
    grants = resources("google_iap_web_backend_service_iam_member")
    assert grants, "someone must be able to pass IAP"
    assert not resources("google_iap_web_backend_service_iam_binding")
    assert not resources("google_iap_web_backend_service_iam_policy")
    for label, grant in grants.items():
        assert grant["role"] == "roles/iap.httpsResourceAccessor", label
        assert (grant["for_each"], grant["member"]) == ("${var.staff_api_members}", "${each.value}")
    variable = module()["variable"]["staff_api_members"]
    condition = block(variable, "validation")["condition"]
    assert "^(user|group|domain):" in condition, "allUsers/allAuthenticatedUsers are refused"
