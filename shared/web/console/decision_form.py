"""The decision's form on the case page (R12–R16, R9): its fields as typed, turned into the
decision record `StaffCases.draft_decision` takes (the API's `POST /cases/{n}/decision` body),
and the record's refusals named after the form's fields.

The form: `outcome` (one of `Outcome`), `measures` (checkboxes, any of `Measure`), one amount in
yuan for the compensation measure (`compensation_yuan`, turned into fen: no floats near money),
`facts_found`, `grounds`, `automated` (yes/no), the statement of reasons (`reasons.<field>`) and,
for a major or hot case, the closure report (`closure_report.<field>`)."""
from __future__ import annotations

from shared.domain.decisions import (
    CLOSURE_REPORT_FIELDS,
    REASON_FIELDS,
    Measure,
    Outcome,
    format_yuan,
    validation_errors,
)
from shared.domain.errors import InvalidCommand

from .form_values import fen

REASONS = tuple(f"reasons.{name}" for name in REASON_FIELDS)
REPORT = tuple(f"closure_report.{name}" for name in CLOSURE_REPORT_FIELDS)
FIELDS = ("outcome", "compensation_yuan", "facts_found", "grounds", "automated", *REASONS, *REPORT)
LISTS = ("measures",)
AMOUNT = "compensation_yuan"
_FLAGS = {"yes": True, "no": False}


def choices(app, who) -> dict:
    """What the form offers, from the domain: the outcomes and the measures, in their order,
    and how a stored draft fills the form again (a draft sent back is corrected, not retyped)."""
    return {"outcomes": [outcome.value for outcome in Outcome],
            "measures": [measure.value for measure in Measure], "typed_from": typed_from}


def draft(cases, who, number: str, typed: dict):
    """Draft the decision as typed: the same command as the API's. Every refusal names the form's
    fields; an amount that is no sum of yuan, or given without the compensation measure, is
    refused with the others, and nothing is drafted."""
    record, amount_error = record_of(typed)
    if amount_error:
        allowed = "draft_decision" in cases.view(who, number).allowed_actions
        errors = validation_errors(record) if allowed else {}
        if allowed:
            raise InvalidCommand(form_errors(errors) | {AMOUNT: amount_error})
    try:
        return cases.draft_decision(who, number, **record)
    except InvalidCommand as refused:
        raise InvalidCommand(form_errors(refused.errors)) from None


def record_of(typed: dict) -> tuple[dict, str]:
    """The decision record of the form, and the amount's own error code ("" if none)."""
    chosen = [value for value in typed.get("measures", ()) if value]
    amount, amount_error = _fen(typed.get(AMOUNT, "").strip())
    if amount is not None and Measure.COMPENSATION.value not in chosen:
        amount_error = "not_allowed"
    measures = [{"measure": value, **({"amount_fen": amount}
                                      if value == Measure.COMPENSATION.value else {})}
                for value in chosen]
    record = {
        "outcome": typed.get("outcome", ""), "measures": measures,
        "facts_found": typed.get("facts_found", ""), "grounds": typed.get("grounds", ""),
        "automated": _FLAGS.get(typed.get("automated", "")),
        "reasons": {name: typed.get(f"reasons.{name}", "") for name in REASON_FIELDS},
    }
    report = {name: typed.get(f"closure_report.{name}", "") for name in CLOSURE_REPORT_FIELDS}
    if any(value.strip() for value in report.values()):
        record["closure_report"] = report
    return record, amount_error


def form_errors(errors: dict) -> dict:
    """The record's error codes by the form's field: a measure's amount is the amount field,
    any other measure's error the measures; the rest are named as in the form."""
    named = {}
    for field, code in errors.items():
        if field.startswith("measures.") and field.endswith(".amount_fen"):
            named[AMOUNT] = code
        elif field.startswith("measures"):
            named["measures"] = code
        elif field == "reasons":
            named["reasons.decided"] = code
        else:
            named[field] = code
    return named


def typed_from(record: dict) -> dict:
    """A stored decision record as the form shows it (the inverse of `record_of`)."""
    if not record:
        return {}
    measures = record.get("measures") or []
    amount = next((m.get("amount_fen") for m in measures
                   if m.get("measure") == Measure.COMPENSATION.value), None)
    automated = record.get("automated")
    return {
        "outcome": record.get("outcome", ""), "measures": [m.get("measure") for m in measures],
        AMOUNT: format_yuan(amount) if isinstance(amount, int) else "",
        "facts_found": record.get("facts_found", ""), "grounds": record.get("grounds", ""),
        "automated": "" if automated is None else ("yes" if automated else "no"),
        **{f"reasons.{name}": (record.get("reasons") or {}).get(name, "")
           for name in REASON_FIELDS},
        **{f"closure_report.{name}": (record.get("closure_report") or {}).get(name, "")
           for name in CLOSURE_REPORT_FIELDS},
    }


def _fen(text: str) -> tuple[int | None, str]:
    """An amount typed in yuan as integer fen; (None, code) when it is no amount."""
    amount = fen(text)
    return (None, "invalid") if isinstance(amount, str) else (amount, "")
