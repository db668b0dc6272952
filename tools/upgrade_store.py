"""Bring the configured case store up to the current schema (a deploy step, docs/deploy.md).

    python -m tools.upgrade_store

Reads the same `CD_*` settings as everything else. Firestore: runs `firestore_upgrade` (paged,
resumable, idempotent; a second run does nothing). SQLite: opening the store migrates the file.
"""
from __future__ import annotations

import sys

from shared.bootstrap import build_store
from tools.operator_settings import operator_settings


def main() -> int:
    """Upgrade the store; print what was done. Exit status 2 on bad settings."""
    settings = operator_settings()
    store = build_store(settings)
    if settings.case_store == "firestore":
        from shared.adapters.firestore_upgrade import upgrade

        report = upgrade(store.client)
        print(f"Firestore {settings.firestore_project}/{settings.firestore_database}: schema "
              f"version {report.version_before} → {report.version}; {report.cases_read} cases "
              f"read, {report.cases_upgraded} upgraded, {report.events_moved} events moved")
    else:
        print(f"SQLite {settings.sqlite_path}: schema version {store.schema_version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
