"""infra/ checked by tools and for hygiene, offline: terraform fmt, checkov (every skip explained),
no secret value or operator file in infra/, and the staged function bundle."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.hcl import INFRA, ROOT, entry_points, resources, tf_sources

sys.path.insert(0, str(ROOT / "tools"))
import stage_functions  # noqa: E402

# -- Hygiene ------------------------------------------------------------------------------------

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
