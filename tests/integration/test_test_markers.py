"""The suite's markers select what they say: `-m "not firestore"` runs without the emulator."""
from __future__ import annotations

import subprocess
import sys

from shared.settings import PROJECT_ROOT


def collected(*args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    return [line for line in result.stdout.splitlines() if "::" in line]


def test_not_firestore_deselects_every_emulator_test():
    ids = collected("tests/integration/test_store_contract.py",
                    "tests/integration/test_firestore_emulator_gaps.py", "-m", "not firestore")
    assert ids, "the SQLite half of the contract suite must still run"
    assert all("[sqlite" in test_id for test_id in ids)


def test_firestore_selects_only_emulator_tests():
    ids = collected("tests/integration/test_store_contract.py", "-m", "firestore")
    assert ids and all("[firestore" in test_id for test_id in ids)
