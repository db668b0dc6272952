"""Classification (R7) and severity (R8): kind, category and the manual flags, each change one
event naming who and why; the flags raise the severity to what they imply, never lower it
(lowering is `set_severity`, by hand), with an event naming the rule (`count_rules.flag_rules`:
a collective complaint of 10+ people is major, of 3+ hot)."""
from __future__ import annotations

from shared.domain.case_updates import ClassifyCase
from shared.domain.cases import Case, Kind, Severity
from shared.domain.categories import is_valid_category
from shared.domain.commands import CommandName, SetSeverity
from shared.domain.count_rules import RaiseSeverity, flag_rules
from shared.domain.errors import InvalidCommand
from shared.domain.lifecycle import apply
from shared.domain.permissions import Action
from shared.domain.staff import Requester

from .case_handling import CaseHandling
from .case_input import MAX_REASON, Checked
from .case_views import CaseView


class CaseClassification(CaseHandling):
    def classify(self, who: Requester, number: str, *, kind=None, category=None, flags=None,
                 reason=None) -> CaseView:
        """Change the kind, the category (valid for the kind, `categories.py`) and/or the R8
        flags (a mapping of the flags to change; those not named keep their value). Nothing to
        change: the case as it is, no event (a retried request)."""
        case = self._case(who, number, Action.CLASSIFY)
        checked = Checked()
        reason = checked.text("reason", reason, limit=MAX_REASON)
        if kind is None and category is None and flags is None:
            checked.fail("kind", "required")
        new_kind = checked.choice("kind", kind, Kind) if kind is not None else None
        target = new_kind or case.kind
        if category is not None and not (isinstance(category, str)
                                         and is_valid_category(target, category)):
            checked.fail("category", "invalid")
        elif category is None and new_kind and not is_valid_category(new_kind, case.category):
            checked.fail("category", "invalid_for_kind")
        if flags is not None:
            try:
                case.flags.updated(flags)
            except InvalidCommand as invalid:
                checked.errors.update(invalid.errors)
        checked.done()

        def command(current: Case) -> ClassifyCase:
            return ClassifyCase(who.actor, reason, who.client, kind=new_kind, category=category,
                                flags=current.flags.updated(flags) if flags is not None else None)

        if not command(case).changes(case):
            self._unchanged(case, CommandName.CLASSIFY_CASE)
            return self._view(who, case)

        def change(current: Case, now):
            classify = command(current)
            if not classify.changes(current):
                return
            apply(current, classify, now)
            implied = current.flags.implied_severity()
            if implied.rank > current.severity.rank:
                flagged = ", ".join(f"{k}: {v}" for k, v in current.flags.as_dict().items())
                apply(current, RaiseSeverity(who.actor, f"R8, flags: {flagged}", who.client,
                                             severity=implied,
                                             rule=flag_rules(current.flags, implied)), now)

        return self._view(who, self._update(who, case, Action.CLASSIFY, change))

    def set_severity(self, who: Requester, number: str, severity=None,
                     reason=None) -> CaseView:
        """Set the severity by hand, up or down (R8: the service centre may). The same severity
        again: the case as it is, no event."""
        case = self._case(who, number, Action.SET_SEVERITY)
        checked = Checked()
        severity = checked.choice("severity", severity, Severity)
        reason = checked.text("reason", reason, limit=MAX_REASON)
        checked.done()
        if severity == case.severity:
            self._unchanged(case, CommandName.SET_SEVERITY)
            return self._view(who, case)

        def change(current: Case, now):
            if severity != current.severity:
                apply(current, SetSeverity(who.actor, reason, who.client, severity=severity), now)

        return self._view(who, self._update(who, case, Action.SET_SEVERITY, change))
