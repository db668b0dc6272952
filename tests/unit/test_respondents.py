"""What the respondent may read of a decision, and the check that no text of it names the
reporter (R20); the reply address without the case's token; the earliest open corrective due day."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.cases import ReporterIdentity
from shared.domain.respondents import for_respondent, names_reporter, next_corrective_due
from shared.services.respondent_mail import without_reply_token
from tests.support.builders import a_case, a_decision_record

REPORTER = ReporterIdentity("n", name="欧阳翠花", email="Cuihua.Ouyang@qq.com",
                            phone="+8613987654321")


def test_the_respondent_reads_the_measures_on_them_and_no_redress_of_the_reporters():
    record = a_decision_record(compensation_fen=50_000, measures=[
        {"measure": "content_removed", "note": "帖子 #123"}, {"measure": "refund"},
        {"measure": "compensation", "amount_fen": 50_000}, {"measure": "apology"},
        {"measure": "staff_disciplined"}, {"measure": "corrective_action"}])
    told = for_respondent(record)
    assert [m["measure"] for m in told["measures"]] == ["content_removed", "refund"]
    assert told["outcome"] == "partly_upheld" and "redress" not in told["reasons"]
    assert told["reasons"]["decided"] == record["reasons"]["decided"]


@pytest.mark.parametrize("text, named", [
    ("投诉人欧阳翠花称", True),
    ("邮箱 cuihua.ouyang@QQ.com", True),
    ("电话 139-8765-4321", True),
    ("+86 139 8765 4321", True),
    ("卖家未按约定发货", False),
    ("欧阳先生", False),  # part of a name is not the name
    ("订单 1398765432", False),
])
def test_a_text_names_the_reporter_by_name_address_or_phone(text, named):
    assert names_reporter(text, REPORTER) is named
    assert names_reporter({"reasons": {"facts": text}}, REPORTER) is named
    assert names_reporter([{"note": text}], REPORTER) is named


def test_an_absent_or_empty_identity_names_nobody():
    assert not names_reporter("任何文字", None)
    assert not names_reporter("任何文字 王", ReporterIdentity("n", name="王"))  # one character


@pytest.mark.parametrize("address, bare", [
    ("report+ts20261128abcdef0.abcdefghijklmnop@example.com", "report@example.com"),
    ("report@example.com", "report@example.com"),
    ("", ""),
])
def test_the_reply_address_without_the_cases_token(address, bare):
    assert without_reply_token(address) == bare


def test_the_next_corrective_due_day_is_the_earliest_open_one():
    case = a_case("TS-20261128-ABCDEF-0", datetime(2026, 11, 28, tzinfo=UTC))
    assert next_corrective_due(case) is None
    case.corrective_actions = [
        {"id": "1", "due_on": "2026-12-01", "done_on": "2026-11-30"},
        {"id": "2", "due_on": "2026-12-20", "done_on": ""},
        {"id": "3", "due_on": "2026-12-05", "done_on": ""}]
    assert next_corrective_due(case) == date(2026, 12, 5)
