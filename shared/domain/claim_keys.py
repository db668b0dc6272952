"""The deadline sweep's claim keys, spelt one way per moment.

A claim key names the deadline it is for ("overdue:decision:<moment>"). The calendar counts in
Asia/Shanghai while the stores read every moment back in UTC, so the same instant may reach a key
in two spellings ("…T18:00:00+08:00", "…T10:00:00+00:00"), and an unclaimed spelling would send a
notice again. Every key is therefore built here, with its moment in UTC (`moment_key`), and the
claims on a case are compared in that form (`claimed`): a key stored in another zone before this
rule (a recount's) still counts, and is written back in UTC the next time the sweep claims
anything on the case (`sweep_rules.claim`).
"""
from __future__ import annotations

import re
from datetime import UTC, datetime

from .cases import Case

_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\S*$")  # an ISO moment, at the end of a key


def moment_key(*parts: str, at: datetime) -> str:
    """The key of `parts` at the moment `at`, named in UTC: "reminder:decision:<UTC iso>"."""
    return ":".join((*parts, at.astimezone(UTC).isoformat()))


def normalised(key: str) -> str:
    """The key with the moment it ends with (if any, with a zone) spelt in UTC."""
    found = _MOMENT.search(key)
    if found is None:
        return key
    try:
        at = datetime.fromisoformat(found.group())
    except ValueError:
        return key
    if at.tzinfo is None:
        return key
    return key[:found.start()] + at.astimezone(UTC).isoformat()


def claimed(case: Case) -> frozenset[str]:
    """The keys claimed on the case, each spelt as `moment_key` spells it."""
    return frozenset(normalised(key) for key in case.sweep_claims)
