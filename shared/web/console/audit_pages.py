"""The audit-chain check in the console (auditors, R20/R23): the chain of one case checked as the
API's `GET /cases/{n}/audit` checks it (`StaffCases.audit`): intact, or the first event where it
breaks and why. Checking every case stays the operator's `python -m tools.check_audit_chain`: it
reads every event of every case, which is no request's work."""
from __future__ import annotations

from werkzeug.wrappers import Response

from shared.domain.errors import CaseNotFound
from shared.domain.permissions import Action, authorize
from shared.web.staff_api.messages import error_message

from .visit import Visit

_TYPED_MAX = 64


def audit_check(visit: Visit) -> Response:
    """GET /console/audit?number=: the form, and the check of the case typed."""
    authorize(visit.who.member, Action.READ_AUDIT_CHAIN)
    typed = visit.request.args.get("number", "")[:_TYPED_MAX]
    result, message, status = None, "", 200
    if typed.strip():
        try:
            result = visit.app.staff_cases.audit(visit.who, typed.strip())
        except CaseNotFound:
            message, status = error_message("case_not_found", visit.lang), 404
    return visit.page("console/audit.html", status, typed=typed, result=result, message=message)
