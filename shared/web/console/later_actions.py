"""Actions on a case after (and beside) its decision, from the console: the follow-up call (R17),
the respondent's notice and corrective actions, the report's mark and a reward (R21), the
archive (R18), a referral to an authority, the kind and category, and the matter (R8's count
rule: typed, or the same as another case's). Each calls the same
service command as the API's route (`staff_cases`; `case_marks` is the same object).

A form whose command takes a `request_id` (a retry records nothing twice) is given a fresh one
when it is shown, in a hidden field a refused form keeps, so sending it again is the same
request."""
from __future__ import annotations

import uuid

from shared.domain.categories import CATEGORIES
from shared.domain.errors import InvalidCommand
from shared.domain.follow_up import CallOutcome
from shared.domain.referrals import Authority
from shared.domain.report_marks import ReportMark

from .case_action_spec import CaseAction
from .form_values import checked, fen, optional


def _request_id(app, who) -> str:
    return uuid.uuid4().hex


def _reward(cases, who, number: str, f: dict):
    """A reward's amount is typed in yuan; the service's `amount_fen` refusal names that field."""
    amount = fen(f["amount_yuan"])
    try:
        return cases.record_reward(who, number, amount_fen=amount, approved_by=f["approved_by"],
                                   paid_on=f["paid_on"], request_id=f["request_id"],
                                   note=f["note"])
    except InvalidCommand as refused:
        raise InvalidCommand({("amount_yuan" if name == "amount_fen" else name): code
                              for name, code in refused.errors.items()}) from None


AFTER_THE_DECISION = (
    CaseAction("record_follow_up", "follow-ups", ("outcome", "note", "closes_task"),
               lambda cases, who, number, f: cases.record_follow_up(
                   who, number, outcome=f["outcome"], note=f["note"],
                   closes_task=checked(f["closes_task"])),
               choices=lambda app, who: [outcome.value for outcome in CallOutcome]),
    CaseAction("notify_respondent", "respondent-notice",
               ("address", "language", "note", "request_id"),
               lambda cases, who, number, f: cases.notify_respondent(
                   who, number, address=f["address"], language=optional(f["language"]),
                   note=f["note"], request_id=optional(f["request_id"])),
               choices=_request_id),
    CaseAction("record_corrective_action", "corrective-actions",
               ("text", "owner", "due_on", "request_id"),
               lambda cases, who, number, f: cases.record_corrective_action(
                   who, number, text=f["text"], owner=f["owner"], due_on=f["due_on"],
                   request_id=optional(f["request_id"])),
               choices=_request_id),
    CaseAction("complete_corrective_action", "corrective-action-done", ("action_id", "note"),
               lambda cases, who, number, f: cases.complete_corrective_action(
                   who, number, f["action_id"], note=f["note"])),
    CaseAction("mark_report", "mark", ("mark", "reason"),
               lambda cases, who, number, f: cases.mark_report(who, number, **f),
               choices=lambda app, who: [mark.value for mark in ReportMark]),
    CaseAction("record_reward", "rewards",
               ("amount_yuan", "approved_by", "paid_on", "request_id", "note"), _reward,
               choices=_request_id),
    CaseAction("archive", "archive", ("force", "reason"),
               lambda cases, who, number, f: cases.archive(
                   who, number, force=checked(f["force"]), reason=optional(f["reason"]))),
    CaseAction("refer_out", "referrals", ("authority", "referred_on", "reference", "note"),
               lambda cases, who, number, f: cases.refer_out(who, number, **f),
               choices=lambda app, who: [authority.value for authority in Authority]),
    CaseAction("set_matter", "matter", ("matter", "same_as", "reason"),
               lambda cases, who, number, f: cases.set_matter(
                   who, number, matter=optional(f["matter"]), same_as=optional(f["same_as"]),
                   reason=f["reason"])),
    CaseAction("classify", "classification", ("kind", "category", "reason"),
               lambda cases, who, number, f: cases.classify(
                   who, number, kind=optional(f["kind"]), category=optional(f["category"]),
                   reason=f["reason"]),
               choices=lambda app, who: {kind.value: list(codes)
                                         for kind, codes in CATEGORIES.items()}),
)
