"""The export of a case as one document (R18), for a regulator or a court: what it holds, ready
for its template (`templates/export/case.html`), which escapes every value (a subject holding
`<script>` comes out as text). Self-contained: no script, no link to fetch, styles inline.

The reporter is shown masked, as any member reading the case sees them (an export is not a
reveal); a `sender` address in an event's data (held mail filed in the case) is masked the same
way. Attachments are listed by name, type and size; their SHA-256 is not computed (that would
read every file of the case from storage on every export). Raw emails are listed with the SHA-256
their storage key names.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from shared.domain.audit import ChainBreak
from shared.domain.cases import Case, ReporterIdentity, TimelineEvent
from shared.domain.decisions import Decision
from shared.domain.errors import InvalidCommand
from shared.domain.masking import mask_email, masked_identity

from .case_raw_mail import RawMail

TEMPLATE = "export/case.html"
# The document's own policy, for when it is opened from disk (the answer's header is gone then):
# nothing is fetched or run, inline styles only.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                           "base-uri 'none'; form-action 'none'")


@dataclass(frozen=True)
class ExportDocument:
    case: Case
    identity: ReporterIdentity | None
    events: list[TimelineEvent]
    raw_mails: list[RawMail]
    chain_break: ChainBreak | None
    exported_by: str  # staff id

    def render(self, renderer, language: str, now: datetime) -> str:
        return renderer.render(TEMPLATE, language, **self.context(now))

    def context(self, now: datetime) -> dict:
        case = self.case
        return {
            "case": case, "csp": CONTENT_SECURITY_POLICY, "exported_at": now,
            "exported_by": self.exported_by,
            "reporter": masked_identity(self.identity, case.anonymous),
            "flags": _json({name: value for name, value in case.flags.every_flag().items()
                            if value}),
            "decision": decision_records(case.decision),
            "events": [_event(e) for e in self.events],
            "attachments": case.attachments,
            "raw_mails": [m.as_dict(case.number) for m in self.raw_mails],
            "chain": {"intact": self.chain_break is None, "event_count": len(self.events),
                      "audit_head": case.audit_head, "break": self.chain_break},
            "other_records": _other_records(case),
        }


def decision_records(decision: dict) -> dict:
    """The decision the person was told (`sent`) and any later draft (an appeal's), each as a
    checked record, or as its JSON text when it no longer passes the checks (kept as it was)."""
    sent = decision.get("sent") or {}
    current = decision.get("record") or {}
    return {"sent": _record(sent), "draft": _record(current) if current != sent else None,
            "drafted_by": decision.get("drafted_by", ""),
            "approved_by": decision.get("approved_by", ""),
            "compensation_approved_by": decision.get("compensation_approved_by", ""),
            "round": decision.get("round", 0)}


def _record(record: dict) -> dict | None:
    if not record:
        return None
    try:
        return {"checked": Decision.from_record(record).to_record(), "text": ""}
    except InvalidCommand:
        return {"checked": None, "text": _json(record)}


def _event(event: TimelineEvent) -> dict:
    data = dict(event.data)
    if isinstance(data.get("sender"), str):
        data["sender"] = mask_email(data["sender"])
    return {"seq": event.seq, "type": event.type.value, "at": event.at, "actor": event.actor,
            "text": event.text, "data": _json(data) if data else "", "public": event.public,
            "hash": event.hash}


def _other_records(case: Case) -> list[tuple[str, str]]:
    """The case's records of after the decision, as (name, JSON text), those it holds."""
    kept = (("follow_up", case.follow_up), ("report_mark", case.report_mark),
            ("corrective_actions", case.corrective_actions),
            ("deciders", list(case.deciders)), ("replies", case.replies))
    return [(name, _json(value)) for name, value in kept if value]


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)
