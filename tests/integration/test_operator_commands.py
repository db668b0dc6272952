"""Operator commands refuse nonsense settings the way bin/serve does: a plain message, status 2."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from shared.settings import PROJECT_ROOT


@pytest.mark.parametrize("command", ["tools.upgrade_store", "tools.check_audit_chain",
                                     "tools.recount_statistics",
                                     "tools.demo_staff"])
def test_nonsense_settings_stop_the_command_plainly(command, tmp_path):
    env = {**os.environ, "CD_CASE_STORE": "mongo", "CD_SQLITE_PATH": str(tmp_path / "c.sqlite3")}
    done = subprocess.run([sys.executable, "-m", command], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "CD_CASE_STORE" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "c.sqlite3").exists()
