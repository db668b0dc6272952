"""Public disclosure of major cases (R22): a member proposes a closed major case with a redacted
summary they write (what happened, cause, measures); a supervisor other than the proposer
approves the redaction (published on the transparency page), refuses it with a reason, or
withdraws it later. Each is one command on the case and its staff-only event, written with the
published record in one transaction (`DisclosureStore.update_disclosure`).

The proposer's texts are checked before anything is written: each part required, at most
`MAX_SUMMARY` characters, and nothing that may identify a person — an email address, a number of
seven digits or more, a case number, the reporter's name or contact, the respondent
(`disclosures.identifying`; 422 `identifying`). The check is a filter; the review is the
supervisor's."""
from __future__ import annotations

from datetime import datetime

from shared.domain.case_access import check
from shared.domain.cases import Case, ReporterIdentity
from shared.domain.disclosures import (
    LANGUAGES,
    MAX_SUMMARY,
    SUMMARY_FIELDS,
    ApproveDisclosure,
    ProposeDisclosure,
    RefuseDisclosure,
    WithdrawDisclosure,
    identifying,
)
from shared.domain.lifecycle import apply
from shared.domain.permissions import Action
from shared.domain.ports import DisclosureStore
from shared.domain.staff import Requester

from .case_handling import CaseHandling
from .case_input import MAX_REASON, Checked
from .case_views import CaseView


class CaseDisclosures(CaseHandling):
    def propose_disclosure(self, who: Requester, number: str, what=None, cause=None, measures=None,
                language=None, note=None) -> CaseView:
        """Propose the case for disclosure with its public summary. Refused (409): `not_major`,
        `confidential`, `disclosure_pending`, `disclosure_published`; before the case is
        closed: transition_not_allowed."""
        case = self._case(who, number, Action.PROPOSE_DISCLOSURE)
        identity = self._store.get_identity(case.number)
        checked = Checked()
        parts = {part: checked.text(part, value, limit=MAX_SUMMARY)
                 for part, value in zip(SUMMARY_FIELDS, (what, cause, measures), strict=True)}
        known = _known(case, identity)
        for part, text in parts.items():
            if text and part not in checked.errors and identifying(text, known):
                checked.fail(part, "identifying")
        language = checked.text("language", language, required=False, limit=10) or "zh-CN"
        if language not in LANGUAGES:
            checked.fail("language", "invalid")
        note = checked.text("note", note, required=False, limit=MAX_REASON)
        checked.done()
        return self._disclose(who, case, Action.PROPOSE_DISCLOSURE, lambda now: ProposeDisclosure(
            who.actor, note, who.client, language=language, proposed_at=now, **parts), identity)

    def approve_disclosure(self, who: Requester, number: str) -> CaseView:
        """A supervisor other than the proposer approves the redaction: the summary is published
        on the transparency page. Refused (409): `no_disclosure_proposed`, `own_proposal`,
        `not_major`, `confidential`."""
        case = self._case(who, number, Action.REVIEW_DISCLOSURE)
        return self._disclose(who, case, Action.REVIEW_DISCLOSURE, lambda now: ApproveDisclosure(
            who.actor, "", who.client, decided_at=now))

    def refuse_disclosure(self, who: Requester, number: str, reason=None) -> CaseView:
        """A supervisor other than the proposer refuses it, with a reason (what still identifies
        someone, what is wrong). Refused (409): `no_disclosure_proposed`, `own_proposal`."""
        case = self._case(who, number, Action.REVIEW_DISCLOSURE)
        reason = _reason(reason)
        return self._disclose(who, case, Action.REVIEW_DISCLOSURE, lambda now: RefuseDisclosure(
            who.actor, reason, who.client, decided_at=now))

    def withdraw_disclosure(self, who: Requester, number: str, reason=None) -> CaseView:
        """A supervisor withdraws a waiting proposal or a published disclosure, with a reason;
        it leaves the transparency page. Refused (409): `no_disclosure`."""
        case = self._case(who, number, Action.REVIEW_DISCLOSURE)
        reason = _reason(reason)
        return self._disclose(who, case, Action.REVIEW_DISCLOSURE, lambda now: WithdrawDisclosure(
            who.actor, reason, who.client, withdrawn_at=now))

    def _disclose(self, who: Requester, case: Case, action: Action, command,
                  identity: ReporterIdentity | None = None) -> CaseView:
        store: DisclosureStore = self._store  # both case stores are disclosure stores too

        def change(current: Case) -> None:
            check(who.member, action, current)
            now: datetime = self._clock.now()
            apply(current, command(now), now)

        return self._view(who, store.update_disclosure(case.number, change), identity)


def _reason(reason) -> str:
    checked = Checked()
    text = checked.text("reason", reason, limit=MAX_REASON)
    checked.done()
    return text


def _known(case: Case, identity: ReporterIdentity | None) -> tuple[str, ...]:
    """What would name a person in the summary: the reporter's name and contact, the
    respondent."""
    held = (identity.name, identity.email, identity.phone) if identity else ()
    return tuple(text for text in (*held, case.respondent) if text)
