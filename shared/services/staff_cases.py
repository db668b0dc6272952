"""Staff handling of cases (issue 8): the one object the staff API calls.

Every method takes the `Requester` (the signed-in member and their client address), asks the
role table (`permissions.py`) and then need-to-know on the case (`case_access.py`), and gives
lifecycle commands inside one `store.update_case` transaction with any notice's outbox entry.
Errors: Forbidden (403), CaseNotFound (404), TransitionNotAllowed (409), CommandRefused (409,
e.g. recusal), InvalidCommand (422, field → code; nothing changed). Commands return a
`CaseView`; `as_dict()` is JSON-ready.
"""
from __future__ import annotations

from .case_appeals import CaseAppeals
from .case_archive import CaseArchive
from .case_classification import CaseClassification
from .case_clocks import CaseClocks
from .case_confidentiality import CaseConfidentiality
from .case_deadlines import CaseDeadlines
from .case_decisions import CaseDecisions
from .case_disclosures import CaseDisclosures
from .case_follow_up import CaseFollowUp
from .case_matters import CaseMatters
from .case_misuse import CaseMisuse
from .case_replies import CaseReplies
from .case_respondents import CaseRespondents
from .case_review import CaseReview
from .case_views import CaseView
from .case_work import CaseWork

__all__ = ["CaseView", "StaffCases"]


class StaffCases(CaseConfidentiality, CaseReview, CaseClassification, CaseWork, CaseReplies,
                 CaseDecisions, CaseRespondents, CaseAppeals, CaseFollowUp, CaseMisuse,
                 CaseArchive, CaseClocks, CaseDeadlines, CaseMatters, CaseDisclosures):
    """view, timeline, accept, reject, reopen, classify, set_severity, assign, start_work,
    add_note, message_reporter, record_reporter_answer, refer_out, reveal_identity,
    set_confidential, audit, the decisions and after of issue 9, record_contact,
    record_materials_complete, the decision deadline's extension, set_matter (R8's count
    rule), the public disclosure of a major case (R22) and the misuse policy (R21) (one mixin
    each) — built
    with (store, clock, policy: HandlingPolicy)."""
