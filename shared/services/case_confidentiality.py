"""Reading cases under confidentiality (R20): the case view and its timeline, every read of a
confidential case recorded on it; the reveal of the reporter's identity, recorded before it is
shown; marking a case confidential; and the auditors' check of a case's audit chain."""
from __future__ import annotations

from datetime import datetime

from shared.domain.case_updates import RecordConfidentialRead, RevealIdentity, SetConfidentiality
from shared.domain.cases import Case
from shared.domain.commands import CommandName
from shared.domain.errors import CommandRefused
from shared.domain.lifecycle import apply
from shared.domain.permissions import Action
from shared.domain.queues import MAX_PAGE
from shared.domain.staff import Requester

from .audit_chain import check_case
from .case_handling import CaseHandling
from .case_input import MAX_REASON, Checked
from .case_views import CaseView, timeline_entry

IDENTITY_FIELDS = ("name", "email", "phone")


class CaseConfidentiality(CaseHandling):
    def view(self, who: Requester, number: str) -> CaseView:
        """The case as this member may see it (its reporter masked). A confidential case's read
        is recorded on it first (`confidential_case_read`, who and from where)."""
        case = self._case(who, number, Action.READ_CASE)
        if case.confidential:
            case = self._record_read(who, case, "view")
        return self._view(who, case)

    def timeline(self, who: Requester, number: str, after_seq: int = 0,
                 limit: int = 50) -> list[dict]:
        """Up to `limit` (1 to 200) events after sequence number `after_seq`, oldest first, staff
        events included; a confidential case's read is recorded first."""
        case = self._case(who, number, Action.READ_CASE)
        checked = Checked()
        after_seq = checked.count("after_seq", after_seq, low=0, high=2**62)
        limit = checked.count("limit", limit, low=1, high=MAX_PAGE)
        checked.done()
        if case.confidential:
            self._record_read(who, case, "timeline")
        events = self._store.case_events(case.number, public_only=False, after_seq=after_seq,
                                         limit=limit)
        return [timeline_entry(event) for event in events]

    def reveal_identity(self, who: Requester, number: str, reason: str | None = None) -> dict:
        """The reporter's name, email and phone in clear, for the assigned handler or a
        supervisor, with a reason (R20). The reveal is an event on the case (written before
        anything is returned). An anonymous report has nothing to reveal, nor has a case whose
        private record was purged after its retention time (`purged_at`): nothing is read."""
        case = self._case(who, number, Action.REVEAL_IDENTITY)
        checked = Checked()
        reason = checked.text("reason", reason, limit=MAX_REASON)
        checked.done()
        if who.member.declared_conflict_with(case.respondent):
            raise CommandRefused(f"recusal: {who.member.id} declared a conflict with the "
                                 "respondent (R23)")
        if case.anonymous:
            return {"number": case.number, "anonymous": True, "revealed": False,
                    "name": "", "email": "", "phone": ""}
        if case.identity_purged_at is not None:
            return {"number": case.number, "anonymous": False, "revealed": False,
                    "purged_at": case.identity_purged_at.isoformat(),
                    "name": "", "email": "", "phone": ""}
        identity = self._store.get_identity(case.number)
        shown = {f: getattr(identity, f) if identity else "" for f in IDENTITY_FIELDS}

        def change(current: Case, now: datetime):
            apply(current, RevealIdentity(who.actor, reason, who.client,
                                          fields=tuple(f for f in shown if shown[f])), now)

        self._update(who, case, Action.REVEAL_IDENTITY, change)
        return {"number": case.number, "anonymous": False, "revealed": True, **shown}

    def set_confidential(self, who: Requester, number: str, confidential: bool | None = None,
                         reason: str | None = None) -> CaseView:
        """Mark the case confidential (only its handler, supervisors and auditors then see it)
        or lift that. Unchanged: the case as it is, no event."""
        case = self._case(who, number, Action.MARK_CONFIDENTIAL)
        checked = Checked()
        confidential = checked.flag("confidential", confidential)
        reason = checked.text("reason", reason, limit=MAX_REASON)
        checked.done()
        if case.confidential == confidential:
            self._unchanged(case, CommandName.SET_CONFIDENTIALITY)
            return self._view(who, case)

        def change(current: Case, now: datetime):
            if current.confidential != confidential:
                apply(current, SetConfidentiality(who.actor, reason, who.client,
                                                  confidential=confidential), now)

        return self._view(who, self._update(who, case, Action.MARK_CONFIDENTIAL, change))

    def audit(self, who: Requester, number: str) -> dict:
        """The check of the case's audit chain (auditors): intact, or where it first breaks."""
        case = self._case(who, number, Action.READ_AUDIT_CHAIN)
        found = check_case(self._store, case)
        broken = None if found is None else {"seq": found.seq, "reason": found.reason.value,
                                             "detail": found.detail}
        return {"number": case.number, "intact": found is None, "event_count": case.event_count,
                "audit_head": case.audit_head, "break": broken}

    def _record_read(self, who: Requester, case: Case, what: str) -> Case:
        def change(current: Case, now: datetime):
            apply(current, RecordConfidentialRead(who.actor, client=who.client, what=what), now)

        return self._update(who, case, Action.READ_CASE, change)
