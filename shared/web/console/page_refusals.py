"""A refused form on the console's other pages (held mail, failed mail, staff): the status and the
form shown again, with the staff API's coded message in the person's language
(`staff_api/messages.py`) and what was typed kept. Not-signed-in, not-allowed and nothing-there
are pages of their own (`errors.py`), raised on."""
from __future__ import annotations

from shared.domain.errors import CaseNotFound, DomainError, NotSignedIn, NotStaff
from shared.domain.failed_mail import MailNotFound
from shared.domain.held_mail import HeldMailNotFound, HeldMailSettled
from shared.domain.permissions import Forbidden
from shared.domain.staff import StaffEmailTaken
from shared.services.staff_admin import StaffIdTaken, StaffNotFound
from shared.web.staff_api.messages import error_message

from .case_actions import MAX_TYPED, refusal
from .case_pages import FormState
from .visit import Visit

# Raised on: the error pages say these (sign-in, 403, 404).
PAGES_OF_THEIR_OWN = (NotSignedIn, NotStaff, Forbidden, HeldMailNotFound, StaffNotFound)
# (error, status, the API's code) for refusals the case actions do not name.
_CODES = (
    (HeldMailSettled, 409, "held_mail_settled"),
    (StaffIdTaken, 409, "staff_id_taken"),
    (StaffEmailTaken, 409, "email_taken"),
    (MailNotFound, 404, "mail_not_found"),
    (CaseNotFound, 404, "case_not_found"),
)


def form_refusal(visit: Visit, error: DomainError, typed: dict) -> tuple[int, FormState]:
    """(status, the form again) for a service's refusal of a form, as the API words it."""
    if isinstance(error, PAGES_OF_THEIR_OWN):
        raise error
    for kind, status, code in _CODES:
        if isinstance(error, kind):
            kept = {name: value[:MAX_TYPED] for name, value in typed.items()}
            return status, FormState(kept, error_message(code, visit.lang))
    return refusal(visit, error, typed)
