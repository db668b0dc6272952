"""What an action on a case is to the console (`case_actions.ACTIONS`): its name, path, form
fields and the service command it calls."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CaseAction:
    name: str  # as `allowed_actions` names it (`case_access.CASE_ACTIONS`)
    path: str  # /console/cases/{number}/{path}
    fields: tuple[str, ...]  # the form's text fields, passed to the command by name
    call: Callable  # (StaffCases, Requester, number, fields) → CaseView
    # What the form offers besides the case, read only when the form is shown: (Services,
    # Requester) → the value its template reads as `choices` (e.g. the members to assign to).
    choices: Callable | None = None
    lists: tuple[str, ...] = ()  # fields given any number of times (checkboxes): lists of text
