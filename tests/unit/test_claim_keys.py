"""Claim keys name their moment in UTC, and keys stored in another zone compare the same."""
from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from shared.domain import sweep_rules
from shared.domain.claim_keys import claimed, moment_key, normalised
from shared.domain.sweep_rules import MAX_CLAIMS, SweepPolicy
from tests.support.builders import a_case

BEIJING = ZoneInfo("Asia/Shanghai")
DUE = datetime(2027, 1, 11, 18, 0, tzinfo=BEIJING)


def test_one_instant_gives_one_key_whatever_its_zone():
    assert moment_key("overdue", "decision", at=DUE) == moment_key(
        "overdue", "decision", at=DUE.astimezone(UTC)) == "overdue:decision:2027-01-11T10:00:00+00:00"


def test_a_key_stored_in_beijing_time_is_read_in_utc_and_others_are_left_alone():
    assert normalised("archive_refused:follow_up_open:archive:2027-01-11T18:00:00+08:00") == (
        "archive_refused:follow_up_open:archive:2027-01-11T10:00:00+00:00")
    for key in ("escalation:hot", "bulletin:major:3", "same_matter_hot:0123abcd",
                "overdue:decision:2027-13-99T99:00:00+08:00", "recount:2027-01-11T18:00:00"):
        assert normalised(key) == key
    case = a_case("TS-1", DUE, sweep_claims=[f"overdue:decision:{DUE.isoformat()}"])
    assert moment_key("overdue", "decision", at=DUE) in claimed(case)


def test_trimming_never_drops_a_claim_the_case_still_needs():
    case = a_case("TS-1", DUE, decision_due_at=DUE)
    case.status = sweep_rules.Status.IN_PROGRESS
    live = [moment_key("reminder", "decision", at=DUE), moment_key("overdue", "decision", at=DUE),
            "escalation:hot", "same_matter_hot:0123abcd"]
    sweep_rules.claim(case, live)
    stale = [f"overdue:decision:2026-12-{day:02}T10:00:00+00:00" for day in range(1, 31)]
    sweep_rules.claim(case, stale + ["bulletin:major:1", "bulletin:major:2", "bulletin:major:2"],
                      SweepPolicy())
    assert len(case.sweep_claims) == MAX_CLAIMS == len(set(case.sweep_claims))
    assert set(live) | {"bulletin:major:2"} <= set(case.sweep_claims)
    assert stale[0] not in case.sweep_claims  # the oldest stale ones go
