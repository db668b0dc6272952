"""Check the audit chain of one case or of every case in the configured store (R20, R23).

    python -m tools.check_audit_chain [--case NUMBER]

Reads the same `CD_*` settings as everything else. Prints each case whose chain breaks (the seq
of the first event that fails, and why), then OK or how many broke. Exit status 0 when every
chain holds, 1 when one breaks, 2 on bad settings or an unknown case.
"""
from __future__ import annotations

import argparse
import sys

from shared.bootstrap import build_store
from shared.services.audit_chain import check_case, every_case
from tools.operator_settings import operator_settings


def main(argv: list[str] | None = None) -> int:
    """Check the chains; print the result. See the module's docstring for the exit status."""
    arguments = _parser().parse_args(argv)
    store = build_store(operator_settings())
    if arguments.case:
        case = store.get_case(arguments.case)
        if case is None:
            print(f"no case {arguments.case}", file=sys.stderr)
            return 2
        cases = [case]
    else:
        cases = every_case(store)
    checked = broken = 0
    for case in cases:
        checked += 1
        found = check_case(store, case)
        if found:
            broken += 1
            print(f"{case.number}: breaks at seq {found.seq} ({found.reason}: {found.detail})")
    if broken:
        print(f"{broken} of {checked} cases break")
        return 1
    print(f"OK: {checked} cases checked")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools.check_audit_chain",
                                     description="Check cases' audit chains.")
    parser.add_argument("--case", metavar="NUMBER", help="check only this case")
    return parser


if __name__ == "__main__":
    sys.exit(main())
