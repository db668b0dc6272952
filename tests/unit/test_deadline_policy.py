"""The clock policy file (R6, R13, R16, R17): its defaults, rules by kind, category and severity,
and refusals that name what is wrong."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.adapters.chinese_working_days import ChineseWorkingDays
from shared.domain.deadline_policy import (
    DeadlinePolicy,
    Deadlines,
    PolicyInvalid,
    load_deadline_policy,
)
from shared.domain.working_time import WorkingCalendar
from shared.settings import ConfigurationError, Settings

BEIJING = ZoneInfo("Asia/Shanghai")


def policy_text(**sections) -> str:
    data = json.loads(json.dumps({
        "version": 1, "initial_review": {"hours": 24}, "first_contact": {"working_hours": 4},
        "decision": {"working_days": 15, "rules": []}, "compensation": {"working_days": 10},
        "appeal_window": {"months": 6}, "follow_up": {"days": 30}}))
    data.update(sections)
    return json.dumps(data)


def test_the_shipped_policy_has_the_issues_defaults():
    policy = load_deadline_policy()
    assert policy == DeadlinePolicy(initial_review=timedelta(hours=24), first_contact_working_hours=4,
                                    decision_working_days=15, compensation_working_days=10,
                                    appeal_window_months=6, follow_up_days=30)


def test_the_first_matching_rule_decides_the_working_days():
    policy = load_deadline_policy(policy_text(decision={"working_days": 15, "rules": [
        {"kind": "complaint", "severity": "major", "working_days": 5},
        {"kind": "complaint", "category": "billing", "working_days": 10}]}))
    assert policy.decision_days("complaint", "billing", "major") == 5
    assert policy.decision_days("complaint", "billing", "general") == 10
    assert policy.decision_days("complaint", "service", "general") == 15
    assert policy.decision_days("report", "billing", "major") == 15


def test_the_decision_deadline_is_counted_on_the_calendar():
    deadlines = Deadlines(WorkingCalendar(ChineseWorkingDays()), load_deadline_policy())
    accepted = datetime(2025, 9, 26, 10, 0, tzinfo=BEIJING)
    assert deadlines.decision("complaint", "billing", "general", accepted).at == \
        datetime(2025, 10, 23, 18, 0, tzinfo=BEIJING)


@pytest.mark.parametrize("sections, where", [
    ({"version": 2}, "version"),
    ({"initial_review": {"hours": 0}}, "initial_review.hours"),
    ({"initial_review": {"hours": "24"}}, "initial_review.hours"),
    ({"initial_review": {"hours": 24.5}}, "initial_review.hours"),
    ({"first_contact": None}, "first_contact"),
    ({"decision": {"working_days": 10 ** 6}}, "decision.working_days"),
    ({"decision": {"working_days": True}}, "decision.working_days"),
    ({"decision": {"working_days": 15, "rules": [{"kind": "praise", "working_days": 3}]}},
     r"decision.rules\[0\]"),
    ({"decision": {"working_days": 15, "rules": [{"category": "billing", "working_days": 3}]}},
     r"decision.rules\[0\]"),
    ({"decision": {"working_days": 15, "rules": [{"severity": "urgent", "working_days": 3}]}},
     r"decision.rules\[0\]"),
    ({"decision": {"working_days": 15, "rules": [{"kind": "complaint"}]}},
     r"decision.rules\[0\].working_days"),
    ({"surprise": {}}, "unknown sections: surprise"),
])
def test_a_bad_policy_is_refused_naming_the_field(sections, where):
    with pytest.raises(PolicyInvalid, match=where):
        load_deadline_policy(policy_text(**sections))


def test_text_that_is_not_json_is_refused():
    with pytest.raises(PolicyInvalid, match="not JSON"):
        load_deadline_policy("{")


def test_working_hours_are_a_setting_and_malformed_ones_stop_start_up():
    assert Settings.from_environment({"CD_WORKING_HOURS": "08:30-17:30"}).working_hours == "08:30-17:30"
    with pytest.raises(ConfigurationError, match="CD_WORKING_HOURS"):
        Settings.from_environment({"CD_WORKING_HOURS": "18:00-09:00"})
