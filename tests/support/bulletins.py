"""A bulletin whose figures are known, for the tests of what shows and sends it."""
from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.statistics import (
    Bulletin,
    HandlingTime,
    ListedCase,
    Performance,
    Period,
    Rate,
    Satisfaction,
)

HOSTILE = '=HYPERLINK("https://evil.example","<script>alert(1)</script>")'


def a_bulletin(cause: str = "商家资质审核规则缺失") -> Bulletin:
    return Bulletin(
        Period.month(2026, 11), received=120,
        by_kind={"complaint": 90, "report": 30},
        by_channel={"web_form": 70, "email": 35, "phone": 15},
        by_category={"billing": 40, "service": 50, "fraud": 30},
        by_severity={"general": 100, "important": 12, "hot": 6, "major": 2},
        repeat_complaints=4, malicious=3, unfounded=1, reviewed=118, accepted=110, rejected=8,
        review_on_time=Rate(112, 118, 112 / 118), closed=95,
        outcomes={"upheld": 60, "partly_upheld": 20, "not_upheld": 15},
        decision_on_time=Rate(76, 95, 0.8),
        handling_time=HandlingTime(95, 48.0, 168.0, {24: 30, 48: 25, 72: 20, 168: 15, 0: 5}),
        appeals_received=7, appeals_decided=5, appeal_outcomes={"upheld": 3, "not_upheld": 2},
        appeals_changed=1,
        satisfaction=Satisfaction({1: 2, 2: 3, 3: 10, 4: 25, 5: 40}, 80, 4.2),
        departments=[Performance("运营部", 60, 50, Rate(45, 50, 0.9), 36.0),
                     Performance("法务部", 20, 10, Rate(5, 10, 0.5), 120.0)],
        handlers=[Performance("s-wangwu", 30, 28, Rate(25, 28, 25 / 28), 30.0)],
        major_and_hot=[
            ListedCase("TS-20261103-ABCDEF-1", "complaint", "major", "closed", "billing", "运营部",
                       datetime(2026, 11, 3, 2, 0, tzinfo=UTC),
                       datetime(2026, 11, 20, 8, 0, tzinfo=UTC), cause=cause,
                       prevention="上线前增加人工复核"),
            ListedCase("JB-20261110-GHJKMN-2", "report", "hot", "in_progress", "fraud", "",
                       datetime(2026, 11, 10, 2, 0, tzinfo=UTC), None)])
