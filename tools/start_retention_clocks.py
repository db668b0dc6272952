"""Start the retention clock of cases archived before it existed (a deploy step, docs/deploy.md):
the deadline sweep then purges their reporters' identities CD_IDENTITY_RETENTION_DAYS after
archiving, as it does for every case archived since.

    python -m tools.start_retention_clocks

Reads the same `CD_*` settings as everything else; a second run changes nothing.
"""
from __future__ import annotations

import sys

from shared.adapters.clock import SystemClock
from shared.bootstrap import build_store
from shared.services.retention_clocks import start_retention_clocks
from tools.operator_settings import operator_settings


def main() -> int:
    """Start the clocks; print what was read and set. Exit status 2 on bad settings."""
    report = start_retention_clocks(build_store(operator_settings()), SystemClock())
    print(f"retention clocks: {report.read} archived cases read, {report.started} started")
    return 0


if __name__ == "__main__":
    sys.exit(main())
