"""The decision record of R14 / issue 9: what staff may record, what is refused, and when a leader
must approve compensation (R13)."""
from __future__ import annotations

import copy

import pytest

from shared.domain.decisions import (
    Decision,
    Measure,
    Outcome,
    format_yuan,
    needs_leader_approval,
    validation_errors,
)
from shared.domain.errors import InvalidCommand
from tests.support.builders import a_decision_record


def a_decision(**changes):
    return a_decision_record(**changes)


def with_reasons(**changes):
    reasons = dict(a_decision()["reasons"], **changes)
    return reasons


def test_a_complete_decision_survives_its_record_unchanged():
    decision = Decision.from_record(a_decision())
    assert decision.outcome is Outcome.PARTLY_UPHELD
    assert [m.measure for m in decision.measures] == [Measure.REFUND, Measure.APOLOGY]
    assert Decision.from_record(decision.to_record()) == decision


def test_reading_a_record_does_not_change_the_dict_it_was_given():
    record = a_decision()
    before = copy.deepcopy(record)
    Decision.from_record(record)
    assert record == before


@pytest.mark.parametrize("outcome", [o.value for o in Outcome])
def test_every_outcome_may_be_recorded(outcome):
    assert Decision.from_record(a_decision(outcome=outcome, measures=[])).outcome == outcome


@pytest.mark.parametrize("changes, field, code", [
    ({"outcome": None}, "outcome", "required"),
    ({"outcome": "substantiated"}, "outcome", "invalid"),
    ({"outcome": ["upheld"]}, "outcome", "invalid"),
    ({"facts_found": "   "}, "facts_found", "required"),
    ({"facts_found": "x" * 5001}, "facts_found", "too_long"),
    ({"grounds": 7}, "grounds", "invalid"),
    ({"automated": None}, "automated", "required"),
    ({"automated": "no"}, "automated", "invalid"),
    ({"reasons": None}, "reasons", "required"),
    ({"reasons": "because"}, "reasons", "invalid"),
    ({"reasons": with_reasons(redress="")}, "reasons.redress", "required"),
    ({"measures": "refund"}, "measures", "invalid"),
    ({"measures": [{"measure": "refund"}] * 13}, "measures", "too_many"),
    ({"measures": [{"measure": "fine"}]}, "measures.0.measure", "invalid"),
    ({"measures": [{"measure": {"a": 1}}]}, "measures.0.measure", "invalid"),
    ({"measures": ["refund"]}, "measures.0.measure", "invalid"),
    ({"measures": [{"measure": "refund"}, {"measure": "refund"}]}, "measures.1.measure", "duplicate"),
    ({"measures": [{"measure": "refund", "amount_fen": 100}]}, "measures.0.amount_fen", "not_allowed"),
    ({"measures": [{"measure": "compensation"}]}, "measures.0.amount_fen", "required"),
    ({"measures": [{"measure": "compensation", "amount_fen": 10.5}]}, "measures.0.amount_fen", "invalid"),
    ({"measures": [{"measure": "compensation", "amount_fen": "500"}]}, "measures.0.amount_fen", "invalid"),
    ({"measures": [{"measure": "compensation", "amount_fen": True}]}, "measures.0.amount_fen", "invalid"),
    ({"measures": [{"measure": "compensation", "amount_fen": 0}]}, "measures.0.amount_fen", "too_small"),
    ({"measures": [{"measure": "compensation", "amount_fen": -100}]}, "measures.0.amount_fen", "too_small"),
    ({"measures": [{"measure": "compensation", "amount_fen": 10**13}]}, "measures.0.amount_fen",
     "too_large"),
    ({"measures": [{"measure": "apology", "note": "x" * 501}]}, "measures.0.note", "too_long"),
])
def test_bad_input_is_refused_with_the_field_and_a_code(changes, field, code):
    with pytest.raises(InvalidCommand) as refused:
        Decision.from_record(a_decision(**changes))
    assert refused.value.errors[field] == code


def test_every_bad_field_is_named_at_once():
    errors = validation_errors({"outcome": "x", "automated": 1, "reasons": {}})
    assert {"outcome", "automated", "facts_found", "grounds", "reasons.decided", "reasons.facts",
            "reasons.ground", "reasons.redress"} <= set(errors)


@pytest.mark.parametrize("record", [None, [], "upheld", 3])
def test_a_decision_that_is_not_an_object_is_refused(record):
    assert validation_errors(record) == {"decision": "invalid"}


def test_a_suspension_must_say_where_and_for_how_long():  # DSA Art. 17(3)(a)
    record = a_decision(measures=[{"measure": "account_suspended"}])
    assert validation_errors(record) == {"reasons.scope": "required", "reasons.duration": "required"}
    record["reasons"] = with_reasons(scope="Mainland China", duration="30 days")
    assert Decision.from_record(record).reasons.duration == "30 days"


def test_removed_content_must_say_where_it_was_removed():
    record = a_decision(measures=[{"measure": "content_removed"}])
    assert validation_errors(record) == {"reasons.scope": "required"}


def test_an_automated_decision_must_say_which_automation_was_used():  # DSA Art. 17(3)(c)
    assert validation_errors(a_decision(automated=True)) == {"reasons.automation": "required"}
    ok = a_decision(automated=True, reasons=with_reasons(automation="Keyword filter flagged the post"))
    assert Decision.from_record(ok).automated is True


def test_texts_are_kept_without_surrounding_blanks():
    decision = Decision.from_record(a_decision(grounds="  Rule 4  "))
    assert decision.grounds == "Rule 4"


def compensation(fen):
    return Decision.from_record(a_decision(measures=[{"measure": "compensation", "amount_fen": fen}]))


@pytest.mark.parametrize("fen, needed", [(49_999, False), (50_000, False), (50_001, True)])
def test_compensation_above_500_yuan_needs_a_leader(fen, needed):  # R13
    assert needs_leader_approval(compensation(fen)) is needed


def test_the_threshold_is_a_setting():
    assert needs_leader_approval(compensation(20_001), threshold_fen=20_000)
    assert not needs_leader_approval(compensation(20_001), threshold_fen=100_000)


def test_a_decision_without_compensation_needs_no_leader():
    assert not needs_leader_approval(Decision.from_record(a_decision()), threshold_fen=0)


def test_amounts_are_shown_in_yuan():
    assert format_yuan(50_000) == "500.00"
    assert format_yuan(1_205) == "12.05"


@pytest.mark.parametrize("text", ["a\x00b", "订单\x1b[31m", "\u202egnp.exe"])
def test_control_characters_in_a_text_are_refused(text):
    assert validation_errors(a_decision(facts_found=text)) == {"facts_found": "invalid"}
    assert validation_errors(a_decision(facts_found="第一行\n\t第二行")) == {}
