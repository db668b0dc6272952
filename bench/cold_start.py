"""Cold start: import time of each function's module in a fresh interpreter, against a bare
functions-framework function, interleaved, median of N runs each.

    .venv/bin/python -m bench.cold_start [--runs 15]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

from shared.settings import PROJECT_ROOT

MODULES = ["bench.bare_function", "functions.submit_form", "functions.case_status",
           "functions.deliver_mail", "functions.receive_email"]
PROBE = ("import time; t = time.perf_counter(); import {module}; "
         "print(time.perf_counter() - t)")


def import_seconds(module: str) -> float:
    out = subprocess.run([sys.executable, "-c", PROBE.format(module=module)], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, check=True).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    samples = {m: [] for m in MODULES}
    for _ in range(args.runs):
        for module in MODULES:
            samples[module].append(import_seconds(module))
    base = statistics.median(samples[MODULES[0]])
    print(f"import time, median of {args.runs} fresh interpreters")
    for module in MODULES:
        median = statistics.median(samples[module])
        print(f"  {module:28s} {median * 1000:7.1f} ms   ratio {median / base:5.2f}")


if __name__ == "__main__":
    main()
