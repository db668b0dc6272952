"""The reporter rates the handling from the closure notice's link (R17): no sign-in, the signed
link is the key (`FollowUpLinks`). The link opens a form showing the case's number and subject
and nothing else; the rating is written once per link, in one transaction with, for an
unsatisfied one (1 or 2), the service centre's follow-up task (`follow_up.rated`).

A link we did not sign as it is, or one opened on another case's page, raises LinkNotValid; one
whose time is up LinkExpired; nothing is read or changed for either. A link used already, or a
case that cannot be rated now (an appeal under way, archived), is a page that says so."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from shared.domain import lifecycle
from shared.domain.case_numbers import parse_case_number
from shared.domain.cases import REPORTER, Case, Status
from shared.domain.errors import CommandRefused, TransitionNotAllowed
from shared.domain.follow_up import HIGHEST, LOWEST, MAX_COMMENT, RateHandling, rated
from shared.domain.follow_up_links import FollowUpLink, FollowUpLinks, LinkNotValid
from shared.domain.ports import CaseStore, Clock

from .submissions import clean_text, is_blank


class RatingState(StrEnum):
    FORM = "form"  # the link may rate: the form (again, with `errors`, after bad input)
    RATED = "rated"  # just rated: thanks
    ALREADY_RATED = "already_rated"  # this link rated the case already; nothing changed
    NOT_OPEN = "not_open"  # the case cannot be rated now (an appeal under way, archived)


@dataclass(frozen=True)
class RatingPage:
    """What the rating page shows: the case's number and subject only, never the person."""

    number: str
    subject: str
    state: RatingState
    errors: dict[str, str] = field(default_factory=dict)
    rating: str = ""  # as typed, when the form comes back with errors
    comment: str = ""


class HandlingRatings:
    def __init__(self, store: CaseStore, clock: Clock, links: FollowUpLinks):
        self._store = store
        self._clock = clock
        self._links = links

    def open(self, number: str, token: str) -> RatingPage:
        """The page a rating link opens. Raises LinkNotValid or LinkExpired."""
        link, case = self._linked_case(number, token)
        return self._page(case, _state(case, link))

    def rate(self, number: str, token: str, rating, comment) -> RatingPage:
        """Record the rating (1-5) and comment; bad input comes back on the form with its errors
        (field → code), changing nothing. Raises LinkNotValid or LinkExpired."""
        link, case = self._linked_case(number, token)
        errors: dict[str, str] = {}
        score = _rating(rating, errors)
        text = _comment(comment, errors)
        state = _state(case, link)
        if state != RatingState.FORM:
            return self._page(case, state)
        if errors:
            shown = rating if isinstance(rating, str) else ""
            return RatingPage(case.number, case.subject, RatingState.FORM, errors, shown[:1], text)
        command = RateHandling(REPORTER, text, rating=score, outbox_id=link.outbox_id,
                               round=link.round)

        def change(current: Case):
            now = self._clock.now()
            lifecycle.apply(current, command, now)
            rated(current, now)

        try:
            self._store.update_case(case.number, change)
        except CommandRefused as refused:  # rated meanwhile, through another request
            if refused.code != "already_rated":
                raise
            return self._page(case, RatingState.ALREADY_RATED)
        except TransitionNotAllowed:  # appealed or archived meanwhile
            return self._page(case, RatingState.NOT_OPEN)
        return self._page(case, RatingState.RATED)

    def _linked_case(self, number: str, token: str) -> tuple[FollowUpLink, Case]:
        link = self._links.read(token)
        typed = unicodedata.normalize("NFKC", number[:64]) if isinstance(number, str) else ""
        if parse_case_number(typed) != link.number:
            raise LinkNotValid("the link names another case")
        case = self._store.get_case(link.number)
        if case is None:
            raise LinkNotValid("the case of the link is gone")
        return link, case

    @staticmethod
    def _page(case: Case, state: RatingState) -> RatingPage:
        return RatingPage(case.number, case.subject, state)


def _state(case: Case, link: FollowUpLink) -> RatingState:
    if link.outbox_id in case.follow_up.get("rated_notices", []):
        return RatingState.ALREADY_RATED
    if case.status != Status.CLOSED:
        return RatingState.NOT_OPEN
    return RatingState.FORM


def _rating(value, errors: dict) -> int:
    if value is None or value == "":
        errors["rating"] = "required"
        return 0
    if isinstance(value, str) and value.strip() in {str(n) for n in range(LOWEST, HIGHEST + 1)}:
        return int(value.strip())
    errors["rating"] = "invalid_choice"
    return 0


def _comment(value, errors: dict) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors["comment"] = "invalid"
        return ""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no store can write it
        errors["comment"] = "invalid"
        return ""
    text = clean_text(value)
    text = "" if is_blank(text) else text
    if len(text) > MAX_COMMENT:
        errors["comment"] = "too_long"
    return text
