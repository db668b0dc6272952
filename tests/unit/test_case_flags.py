"""The R8 flags and the severity they imply; how they are changed and stored."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.adapters import records
from shared.domain.case_flags import CaseFlags, Litigation, MediaExposure
from shared.domain.cases import Severity
from shared.domain.errors import InvalidCommand
from tests.support.builders import a_case


@pytest.mark.parametrize("flags, severity", [
    (CaseFlags(), Severity.GENERAL),
    (CaseFlags(repeat_complaint=True), Severity.IMPORTANT),
    (CaseFlags(needs_outside_support=True), Severity.IMPORTANT),
    (CaseFlags(collective_size=2), Severity.GENERAL),
    (CaseFlags(collective_size=3), Severity.HOT),
    (CaseFlags(collective_size=9), Severity.HOT),
    (CaseFlags(collective_size=10), Severity.MAJOR),
    (CaseFlags(litigation=Litigation.LIKELY), Severity.HOT),
    (CaseFlags(media_exposure=MediaExposure.LIKELY, repeat_complaint=True), Severity.HOT),
    (CaseFlags(litigation=Litigation.STARTED), Severity.MAJOR),
    (CaseFlags(media_exposure=MediaExposure.EXPOSED), Severity.MAJOR),
])
def test_the_flags_imply_the_severity_of_r8(flags, severity):
    assert flags.implied_severity() == severity


def test_severities_rank_from_general_to_major():
    assert [s.rank for s in (Severity.GENERAL, Severity.IMPORTANT, Severity.HOT,
                             Severity.MAJOR)] == [0, 1, 2, 3]


def test_an_update_changes_only_the_flags_named():
    flags = CaseFlags(litigation=Litigation.LIKELY).updated({"collective_size": 4})
    assert flags == CaseFlags(litigation=Litigation.LIKELY, collective_size=4)
    assert flags.updated({"collective_size": 0}).collective_size == 0
    assert flags.as_dict() == {"litigation": "likely", "collective_size": 4}
    assert CaseFlags().as_dict() == {}


@pytest.mark.parametrize("changes, errors", [
    ("litigation", {"flags": "invalid"}),
    ({"media": "exposed"}, {"flags.media": "unknown"}),
    ({1: True}, {"flags.1": "unknown"}),
    ({"collective_size": 1}, {"flags.collective_size": "invalid"}),
    ({"collective_size": -3}, {"flags.collective_size": "invalid"}),
    ({"collective_size": 2.5}, {"flags.collective_size": "invalid"}),
    ({"collective_size": 10**7}, {"flags.collective_size": "invalid"}),
    ({"needs_outside_support": 1}, {"flags.needs_outside_support": "invalid"}),
    ({"litigation": None}, {"flags.litigation": "invalid"}),
])
def test_a_bad_flag_is_named(changes, errors):
    with pytest.raises(InvalidCommand) as refused:
        CaseFlags().updated(changes)
    assert refused.value.errors == errors


def test_flags_and_the_decision_due_are_stored_only_when_set():
    at = datetime(2026, 11, 28, 12, 30, tzinfo=UTC)
    plain = records.case_to_record(a_case("TS-20261128-ABCDEF-0", at))
    assert "flags" not in plain and "decision_due_at" not in plain
    case = a_case("TS-20261128-ABCDEF-0", at, flags=CaseFlags(collective_size=12),
                  decision_due_at=at)
    record = records.case_to_record(case)
    assert record["flags"] == {"collective_size": 12}
    again = records.case_from_record(record)
    assert (again.flags, again.decision_due_at) == (case.flags, at)
