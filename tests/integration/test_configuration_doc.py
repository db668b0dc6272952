"""docs/configuration.md and the Settings fields describe the same variables."""
from __future__ import annotations

import dataclasses
import re

from shared.settings import PROJECT_ROOT, Settings
from shared.settings_rules import CHOICES, variable

DOC = (PROJECT_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
ROWS = [line for line in DOC.splitlines() if line.startswith("| `CD_")]


def documented_in_table() -> dict[str, str]:
    """Variable → its table row (a row may name several variables before its default)."""
    rows = {}
    for row in ROWS:
        for name in re.findall(r"`(CD_[A-Z0-9_]+)`", row.split("|")[1]):
            rows[name] = row
    return rows


def test_every_setting_is_documented_and_every_documented_variable_exists():
    fields = {variable(f.name) for f in dataclasses.fields(Settings)}
    in_table = set(documented_in_table())
    assert sorted(fields - in_table) == [], "settings missing from docs/configuration.md"
    mentioned = set(re.findall(r"\bCD_[A-Z0-9_]+", DOC))
    assert sorted(mentioned - fields) == [], "docs/configuration.md names variables no one reads"


def test_every_choice_a_setting_accepts_is_documented_in_its_row():
    rows = documented_in_table()
    for name, choices in CHOICES.items():
        row = rows[variable(name)]
        missing = [choice for choice in choices if f"`{choice}`" not in row]
        assert not missing, f"{variable(name)}: {missing} not documented"
