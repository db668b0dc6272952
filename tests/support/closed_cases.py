"""Cases taken through the lifecycle to a closure (and, when asked, through an appeal to its final
decision), each with the notice the person was sent: what appeal tests start from."""
from __future__ import annotations

from datetime import datetime

from shared.domain import lifecycle
from shared.domain.cases import Status
from shared.domain.commands import AcceptCase, AssignCase, StartWork
from shared.domain.decision_commands import (
    AppealDecision,
    ApproveDecision,
    CloseCase,
    DecideAppeal,
    DraftDecision,
)
from shared.domain.outbox import Template, queue_notice
from tests.support.builders import a_decision_record

HANDLER, SUPERVISOR = "staff:s-handler", "staff:s-super"
REVIEWER, SECOND_SUPERVISOR = "staff:s-reviewer", "staff:s-super2"


def close(store, number: str, now: datetime, appeal_until: datetime) -> str:
    """Decide and close the stored case (window until `appeal_until`) with its closure notice
    queued; the notice's outbox id."""
    queued = []

    def decide(case):
        for command in (AcceptCase(actor="staff:s-clerk"),
                        AssignCase(actor=SUPERVISOR, assignee="s-handler", department="客服中心"),
                        StartWork(actor=HANDLER),
                        DraftDecision(actor=HANDLER, decision=a_decision_record()),
                        ApproveDecision(actor=SUPERVISOR),
                        CloseCase(actor=SUPERVISOR, appeal_until=appeal_until)):
            lifecycle.apply(case, command, now)
        queued.append(queue_notice(case, Template.CASE_CLOSED, now, details={
            "decision": a_decision_record(), "round": 0, "appeal_until": appeal_until.isoformat(),
            "appeal_until_local": appeal_until.date().isoformat()}))
        return queued

    store.update_case(number, decide)
    return queued[0].id


def decide_appeal(store, number: str, now: datetime) -> str:
    """Appeal the closed case (unless it was appealed) and decide the appeal (final), its notice
    queued; the notice's id."""
    queued = []

    def appeal(case):
        if case.status == Status.CLOSED:
            lifecycle.apply(case, AppealDecision(actor="reporter", reason="我不同意", lodged_at=now),
                            now)
        for command in (AssignCase(actor=SECOND_SUPERVISOR, assignee="s-reviewer",
                                   department="客服中心"),
                        StartWork(actor=REVIEWER),
                        DraftDecision(actor=REVIEWER, decision=a_decision_record(
                            outcome="upheld")),
                        ApproveDecision(actor=SECOND_SUPERVISOR),
                        DecideAppeal(actor=SECOND_SUPERVISOR)):
            lifecycle.apply(case, command, now)
        queued.append(queue_notice(case, Template.APPEAL_DECIDED, now, details={
            "decision": a_decision_record(outcome="upheld"), "round": 1}))
        return queued

    store.update_case(number, appeal)
    return queued[0].id
