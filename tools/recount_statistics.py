"""Count the statistics (R19) again from every stored case: once after upgrading to the version
that keeps counters (cases stored before it are not counted otherwise), or to rebuild them.

    python -m tools.recount_statistics

Reads the same `CD_*` settings as everything else; reads every case and its timeline once and
replaces every counter, so a second run gives the same numbers. On Firestore the counters are
replaced in batches: run it while nothing else writes cases (docs/deploy.md).
"""
from __future__ import annotations

import sys
from zoneinfo import ZoneInfo

from shared.bootstrap import build_store
from shared.services.statistics_recount import StatisticsRecount
from tools.operator_settings import operator_settings


def main() -> int:
    """Recount; print what was read and written. Exit status 2 on bad settings."""
    settings = operator_settings()
    report = StatisticsRecount(build_store(settings), ZoneInfo(settings.timezone)).run()
    print(f"statistics recounted: {report.cases} cases and {report.events} events read, "
          f"counters of {report.days} days written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
