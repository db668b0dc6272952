"""The identity purge's rules (`shared/domain/identity_purge.py`) and the audit chain over the
events it rewrites, in memory."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from shared.domain.audit import BreakReason, verify_chain
from shared.domain.cases import EventType, ReporterIdentity, TimelineEvent
from shared.domain.identity_purge import PURGED, purge, scrubbed
from tests.support.builders import a_case

NUMBER = "TS-20261128-ABCDEF-0"
AT = datetime(2026, 11, 28, 12, 30, tzinfo=UTC)
WANG = ReporterIdentity(NUMBER, "王小明", "xiaoming@example.com", "+8613800138000")


def test_addresses_the_phone_and_the_name_are_scrubbed_and_short_names_left():
    text = "我是王小明，邮箱 Xiaoming@Example.com，电话 +8613800138000；另一个 a.b@c.cn"
    assert scrubbed(text, WANG) == f"我是{PURGED}，邮箱 {PURGED}，电话 {PURGED}；另一个 {PURGED}"
    assert scrubbed("王先生来电", replace(WANG, name="王")) == "王先生来电"  # one character: kept
    assert scrubbed("王小明", WANG, names=False) == "王小明"  # data values: no names
    assert scrubbed("", WANG) == "" and scrubbed("无", None) == "无"
    assert scrubbed("请打13800138000找我", WANG) == f"请打{PURGED}找我"  # the national number


def purged_case():
    case = a_case(NUMBER, AT, description="王小明的订单")
    case.record(TimelineEvent(EventType.NOTICE_RETRYING, AT + timedelta(minutes=1),
                              text="550 <xiaoming@example.com> busy"))
    case.record(TimelineEvent(EventType.NOTE, AT + timedelta(minutes=2), text="无关",
                              data={"sender": "xiaoming@example.com", "n": 1}))
    stored = list(case.new_events)
    case.new_events.clear()
    assert purge(case, WANG, stored, AT + timedelta(days=400))
    assert not purge(case, WANG, stored, AT + timedelta(days=401))  # once
    rewritten = {e.seq: e for e in case.purge.redacted}
    timeline = [rewritten.get(e.seq, e) for e in stored] + list(case.new_events)
    return case, timeline


def test_the_purge_rewrites_only_what_held_a_copy_and_the_chain_still_holds():
    case, timeline = purged_case()
    assert case.description == f"{PURGED}的订单"
    assert [e.seq for e in case.purge.redacted] == [2, 3]
    assert timeline[2].data == {"sender": PURGED, "n": 1}
    [event] = case.new_events
    assert (event.type, event.seq, sorted(event.data["redacted"])) == (
        EventType.IDENTITY_PURGED, 4, ["2", "3"])
    assert verify_chain(NUMBER, timeline, case.audit_head) is None


def test_a_rewritten_event_changed_again_or_the_purge_event_changed_is_found():
    case, timeline = purged_case()
    altered = list(timeline)
    altered[1] = replace(altered[1], text="550 <someone@else.cn> busy")
    assert verify_chain(NUMBER, altered, case.audit_head).reason == BreakReason.ALTERED
    forged = list(timeline)
    forged[3] = replace(forged[3], data={**forged[3].data, "redacted": {}})
    found = verify_chain(NUMBER, forged, case.audit_head)
    assert found.reason == BreakReason.ALTERED and found.seq == 2
