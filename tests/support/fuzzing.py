"""How much the fuzz tests try: a few hundred inputs by default (seconds), and the long run
behind a flag — `CD_FUZZ_LONG=1 bin/test tests/unit/test_mail_fuzz.py
tests/integration/test_mail_intake_fuzz.py tests/integration/test_public_api_fuzz.py`
(100 000 messages and 2 000 requests per operation). `CD_FUZZ_EXAMPLES=N` sets the count
itself. A test flag, not a setting of the system, so it is read here and not in
`shared/settings.py`."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, settings

LONG = os.environ.get("CD_FUZZ_LONG", "") not in ("", "0")


def fuzz_examples(default: int, long: int = 100_000) -> int:
    given = os.environ.get("CD_FUZZ_EXAMPLES", "")
    return int(given) if given.isdigit() else (long if LONG else default)


def fuzz_settings(default: int, long: int = 100_000) -> settings:
    """Hypothesis settings of a fuzz test: no deadline (the tests bound time themselves, with
    room for a loaded machine), no example database (every run explores afresh), and no
    complaint about large inputs, which are the point."""
    return settings(max_examples=fuzz_examples(default, long), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example,
                                           HealthCheck.function_scoped_fixture,
                                           HealthCheck.filter_too_much])


class Progress:
    """Counts a fuzz test's inputs; in the long run, a line every 2 000 (with the machine's
    load) so that an hour-long run shows where it is (`pytest -s`)."""

    def __init__(self, name: str):
        self.name, self.count, self._started = name, 0, time.monotonic()

    def tick(self) -> None:
        self.count += 1
        if LONG and self.count % 2_000 == 0:
            load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
            print(f"[fuzz] {self.name}: {self.count} inputs in {time.monotonic() - self._started:.0f} s "
                  f"(load {load})", file=sys.stderr, flush=True)
