"""The printable case form (the seed's 《客户投诉处理表》/《投诉记录表》, R18's paper archive):
one document per case with its number, dates, content, handling, decision, appeal, follow-up and
the sign-off lines, for `templates/print/case_form.html` (which escapes every value and holds no
script).

Who may print: whoever may read the case, with the same checks; printing a confidential case is
recorded like every read of it (`confidential_case_read`, `read: print`). The reporter is shown
masked, as on screen (R20): paper outlives the moment and travels to whoever files it, and a
reveal is a recorded act of one member for one reason, not something a form repeats. The content
(subject and description) is printed: the form is the staff's record of what was complained of.
The handling is summarised by its key steps (`KEY_STEPS`), not every event: the whole timeline
is the export's (`case_export_document`), whose decision records this form reuses.
"""
from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from shared.domain.case_updates import RecordConfidentialRead
from shared.domain.cases import Case, EventType, TimelineEvent
from shared.domain.handling_policy import HandlingPolicy
from shared.domain.lifecycle import apply
from shared.domain.masking import masked_identity
from shared.domain.permissions import Action
from shared.domain.ports import CaseStore, Clock
from shared.domain.staff import Requester

from .audit_chain import all_events
from .case_export_document import decision_records
from .case_handling import CaseHandling

TEMPLATE = "print/case_form.html"
STYLESHEET = "print/case_form.css"
E = EventType
# The steps a paper record keeps: what moved the case, who decided, what the person was told.
KEY_STEPS = frozenset({
    E.CASE_REGISTERED, E.CASE_ACCEPTED, E.CASE_REJECTED, E.CASE_REOPENED, E.CASE_CLASSIFIED,
    E.SEVERITY_SET, E.CASE_ASSIGNED, E.WORK_STARTED, E.INFORMATION_REQUESTED,
    E.REPORTER_ANSWERED, E.CONTACT_RECORDED, E.CASE_REFERRED, E.IDENTITY_REVEALED,
    E.CONFIDENTIALITY_SET, E.EXTENSION_APPROVED, E.EXTENSION_REFUSED, E.DECISION_DRAFTED,
    E.DECISION_SENT_BACK, E.COMPENSATION_APPROVED, E.DECISION_APPROVED, E.CASE_CLOSED,
    E.RESPONDENT_NOTIFIED, E.CORRECTIVE_ACTION_RECORDED, E.CORRECTIVE_ACTION_DONE,
    E.APPEAL_LODGED, E.APPEAL_DECIDED, E.HANDLING_RATED, E.FOLLOW_UP_RECORDED, E.REPORT_MARKED,
    E.REWARD_RECORDED, E.CASE_ARCHIVED,
})
MAX_STEPS = 60  # a form, not the timeline: the first ones and the count of the rest
MAX_STEP_TEXT = 300


@dataclass(frozen=True)
class PrintedForm:
    html: str
    content_security_policy: str


class CasePrintForms(CaseHandling):
    """`print_form` (`Services.case_print_forms`)."""

    def __init__(self, store: CaseStore, clock: Clock, renderer, templates_dir: Path,
                 policy: HandlingPolicy = HandlingPolicy()):
        super().__init__(store, clock, policy)
        self._renderer = renderer
        self._css = (Path(templates_dir) / STYLESHEET).read_text("utf-8")
        self.content_security_policy = print_policy(self._css)

    def print_form(self, who: Requester, number: str, language: str = "zh-CN") -> PrintedForm:
        """The case's form in `language` (zh-CN or en). Raises Forbidden or CaseNotFound, as
        reading the case does."""
        case = self._case(who, number, Action.READ_CASE)
        if case.confidential:
            def change(current: Case, now: datetime):
                apply(current, RecordConfidentialRead(who.actor, client=who.client,
                                                      what="print"), now)

            case = self._update(who, case, Action.READ_CASE, change)
        events = all_events(self._store, case.number)
        policy = self.content_security_policy
        html = self._renderer.render(
            TEMPLATE, language, css=self._css, csp=print_policy(self._css, in_page=True),
            printed_by=who.member.id,
            printed_at=self._clock.now(), **form_context(case, self._store.get_identity(
                case.number), events))
        return PrintedForm(html, policy)


def print_policy(css: str, in_page: bool = False) -> str:
    """Nothing runs, loads or submits; the one stylesheet, inline, allowed by its hash (not
    `'unsafe-inline'`, so an injected style or attribute would not apply either). The copy in
    the page's `<meta>` tag (`in_page`, for a saved file) leaves out `frame-ancestors`, which
    browsers obey only in the header."""
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    policy = (f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; "
              "form-action 'none'")
    return policy if in_page else f"{policy}; frame-ancestors 'none'"


def form_context(case: Case, identity, events: list[TimelineEvent]) -> dict:
    """What the form shows of the case, plain values for the template."""
    steps = [e for e in events if e.type in KEY_STEPS]
    first = {}
    for event in events:
        first.setdefault(event.type, event)
    decision = decision_records(case.decision)
    checked = (decision["sent"] or decision["draft"] or {}).get("checked") or {}
    return {
        "case": case, "reporter": masked_identity(identity, case.anonymous),
        "accepted_at": _at(first.get(E.CASE_ACCEPTED)),
        "drafted_at": _at(_last(events, E.DECISION_DRAFTED)),
        "approved_at": _at(_last(events, E.DECISION_APPROVED)),
        "steps": [_step(e) for e in steps[:MAX_STEPS]], "more_steps": max(0, len(steps) - MAX_STEPS),
        "decision": decision, "closure_report": checked.get("closure_report") or {},
        "appeals": [_step(e) for e in events if e.type in (E.APPEAL_LODGED, E.APPEAL_DECIDED)],
        "follow_up": case.follow_up, "corrective_actions": case.corrective_actions,
    }


def _last(events: list[TimelineEvent], kind: EventType) -> TimelineEvent | None:
    return next((e for e in reversed(events) if e.type == kind), None)


def _at(event: TimelineEvent | None) -> datetime | None:
    return event.at if event else None


def _step(event: TimelineEvent) -> dict:
    text = re.sub(r"\s+", " ", event.text).strip()
    if len(text) > MAX_STEP_TEXT:
        text = text[:MAX_STEP_TEXT] + "…"
    return {"seq": event.seq, "type": event.type.value, "at": event.at, "actor": event.actor,
            "text": text}
