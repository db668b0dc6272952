"""The matter a case is about, set by staff (R8's count rule, `count_rules.py`): when they judge
two cases to be about one matter, they give the case the other's matter (`same_as`), or type the
matter (the seller, the account, the address complained about). The rule then runs at once: a
third complaint about the matter from a different person within 30 days makes all of them hot
and links them (`MatterLinks`); what a failure leaves undone, the deadline sweep finishes."""
from __future__ import annotations

import logging

from shared.domain.case_access import may_see
from shared.domain.cases import Case
from shared.domain.commands import CommandName
from shared.domain.count_rules import await_links
from shared.domain.lifecycle import apply
from shared.domain.matters import MAX_MATTER, SetMatter, matter_key
from shared.domain.permissions import Action
from shared.domain.staff import Requester

from .case_handling import CaseHandling
from .case_input import MAX_REASON, Checked
from .case_views import CaseView

log = logging.getLogger(__name__)


class CaseMatters(CaseHandling):
    _matter_links = None  # `MatterLinks`; None: the rule is not run here (tests of other things)

    def __init__(self, *args, matter_links=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._matter_links = matter_links

    def set_matter(self, who: Requester, number: str, *, matter=None, same_as=None,
                   reason=None) -> CaseView:
        """Set what matter the case is about: `matter` as typed (normalised: `matter_key`; ""
        clears it), or `same_as`, the number of a case the member may read whose matter it
        takes. The same matter again changes nothing (no event), but a rule a failure left
        unfinished runs again."""
        case = self._case(who, number, Action.CLASSIFY)
        checked = Checked()
        reason = checked.text("reason", reason, limit=MAX_REASON)
        wanted = self._wanted(who, case, checked, matter, same_as)
        checked.done()
        if wanted == case.matter:
            self._unchanged(case, CommandName.SET_MATTER)
        else:
            def change(current: Case, now) -> None:
                if current.matter != wanted:
                    apply(current, SetMatter(who.actor, reason, who.client, matter=wanted), now)
                    await_links(current, now)

            case = self._update(who, case, Action.CLASSIFY, change)
        return self._view(who, self._settled(case))

    def _wanted(self, who: Requester, case: Case, checked: Checked, matter, same_as) -> str:
        """The matter key asked for: typed, or another case's."""
        if (matter is None) == (same_as is None):
            checked.fail("matter", "matter_or_same_as")
            return case.matter
        if matter is not None:
            text = checked.text("matter", matter, required=False, limit=MAX_MATTER)
            return matter_key(text)
        other_number = checked.case_number("same_as", same_as)
        if not other_number:
            return case.matter
        other = self._store.get_case(other_number)
        if other_number == case.number:
            checked.fail("same_as", "same_case")
        elif other is None or not may_see(who.member, other):
            checked.fail("same_as", "unknown_case")  # a case one may not read is not told of
        elif not other.matter:
            checked.fail("same_as", "no_matter")
        else:
            return other.matter
        return case.matter

    def _settled(self, case: Case) -> Case:
        """The case once R8's count rule ran for it (if it awaited it), as stored then."""
        if not case.links_pending or self._matter_links is None:
            return case
        try:
            self._matter_links.settle(case.number)
        except Exception:
            log.exception("count rule: case %s left for the sweep", case.number)
            return case
        return self._store.get_case(case.number) or case
