"""Builders for domain objects in tests."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from shared.domain.access_codes import hash_access_code
from shared.domain.cases import (
    Attachment,
    Case,
    Channel,
    EventType,
    Kind,
    ReporterIdentity,
    TimelineEvent,
)
from shared.domain.outbox import OutboxMessage, Template


def a_case(number: str, at: datetime, **overrides) -> Case:
    fields = dict(
        number=number, kind=Kind.COMPLAINT, channel=Channel.WEB_FORM, category="service",
        subject="订单 20261128-001", description="客服三天没有回复我的退款申请。\n第二行",
        desired_outcome="退款", received_at=at, review_due_at=at + timedelta(hours=24),
        access_code_hash=hash_access_code(number, "AAAA-BBBB-CCCC-DDDD"),
        attachments=[Attachment("attachments/x/证据.png", "证据.png", "image/png", 68)],
    )
    fields.update(overrides)
    case = Case(**fields)
    case.record(TimelineEvent(EventType.CASE_REGISTERED, at, data={"channel": "web_form"}))
    return case


def an_identity(number: str) -> ReporterIdentity:
    return ReporterIdentity(number, name="王小明", email="xiaoming@example.com",
                            phone="+8613800138000")


def an_outbox_message(number: str, at: datetime, **overrides) -> OutboxMessage:
    fields = dict(id=uuid.uuid4().hex, case_number=number, template=Template.ACKNOWLEDGMENT,
                  language="zh-CN", created_at=at, next_attempt_at=at)
    fields.update(overrides)
    return OutboxMessage(**fields)


def unique_number(prefix: str = "TS") -> str:
    return f"{prefix}-20261128-{uuid.uuid4().hex[:6].upper()}-0"


def a_decision_record(**changes) -> dict:
    """A complete decision record (R14, DSA Art. 17), as staff send it: partly upheld, a refund
    and an apology; `compensation_fen=` adds a compensation measure."""
    fen = changes.pop("compensation_fen", None)
    record = {
        "outcome": "partly_upheld",
        "measures": [{"measure": "refund"}, {"measure": "apology", "note": "by phone"}],
        "facts_found": "The order was charged twice on 3 May.",
        "grounds": "User agreement §7.2 (refunds)",
        "automated": False,
        "reasons": {
            "decided": "The second charge is refunded.",
            "facts": "Two charges for one order.",
            "ground": "User agreement §7.2",
            "redress": "Ask for a review within six months; 12315; the courts.",
        },
    }
    if fen is not None:
        record["measures"].append({"measure": "compensation", "amount_fen": fen})
    record.update(changes)
    return record


def notice_details(template: Template) -> dict:
    """What a notice of `template` carries in its details when a command queues it (the decision
    for a closure or appeal notice); {} for notices that need none."""
    if template == Template.CASE_CLOSED:
        return {"decision": a_decision_record(compensation_fen=12_345), "round": 0,
                "appeal_until": "2027-06-02T08:00:00+00:00", "appeal_until_local": "2027-06-02"}
    if template == Template.APPEAL_DECIDED:
        return {"decision": a_decision_record(outcome="upheld"), "round": 1}
    if template == Template.RESPONDENT_OUTCOME:  # cut to what concerns them, at their address
        return {"address": "seller@example.com", "round": 0, "decision": a_decision_record(
            measures=[{"measure": "account_warned"}, {"measure": "refund"}])}
    if template in (Template.STAFF_REMINDER, Template.STAFF_OVERDUE):  # as delivery sends it:
        # the member's id, and the address and name looked up then
        return {"staff": "s-wangwu", "address": "seller@example.com", "name": "王五",
                "deadline": "decision", "due_at": "2026-12-13T10:00:00+00:00",
                "due_at_local": "2026-12-13 18:00"}
    if template in (Template.STAFF_MAJOR_CASE, Template.STAFF_HOT_CASE):  # R9: raised
        return {"staff": "s-wangwu", "address": "seller@example.com", "name": "王五",
                "change": "severity", "rule": "R8 unresolved one month after receipt",
                "by": "system"}
    if template == Template.STAFF_MAJOR_BULLETIN:  # R9: closed, with its closure report
        return {"staff": "s-wangwu", "address": "seller@example.com", "name": "王五",
                "change": "status", "status_from": "decision_approved", "status_to": "closed",
                "closure_report": {"cause": "审核规则缺失", "prevention": "增加复核环节"}}
    if template == Template.MISUSE_NOTICE:  # R21: the hold that follows a warning
        return {"step": "hold", "marks": 5, "window_days": 180, "hold_after": 5, "hold_days": 30,
                "until": "2026-12-28T12:30:00+00:00"}
    if template == Template.STAFF_STATISTICS_BULLETIN:  # R19: of no case; figures only
        return {"staff": "s-wangwu", "address": "seller@example.com", "name": "王五",
                "cadence": "monthly", "period": "2026-11", "first": "2026-11-01",
                "last": "2026-11-30", "link": "https://console.example.com/statistics?month=2026-11",
                "figures": [["received", "count", 120], ["decision_on_time", "rate", 0.875],
                            ["median_hours", "hours", 30.25], ["satisfaction", "score", None]]}
    if template == Template.DECISION_DEADLINE_CHANGED:  # an extension's, with its reason (text)
        return {"cause": "extension", "working_days": 5, "provisional": False,
                "due_from": "2026-12-13T10:00:00+00:00", "due_to": "2026-12-20T10:00:00+00:00"}
    return {}
