"""Archiving a closed case (R18) by hand, until the deadline sweep does it when the appeal window
ends: a supervisor's command, refused inside the window unless forced with a reason."""
from __future__ import annotations

from datetime import datetime

from shared.domain.archive import ArchiveClosedCase
from shared.domain.cases import Case
from shared.domain.lifecycle import apply
from shared.domain.permissions import Action
from shared.domain.staff import Requester

from .case_handling import CaseHandling
from .case_input import MAX_REASON, Checked
from .case_views import CaseView


class CaseArchive(CaseHandling):
    def archive(self, who: Requester, number: str, *, force: bool | None = None,
                reason: str | None = None) -> CaseView:
        """Archive the closed case: read-only from now on, searchable by number, year, kind,
        category and words. Inside its appeal window: CommandRefused `appeal_window_open`, unless
        `force` with a reason (recorded on the `case_archived` event). Again on an archived case:
        TransitionNotAllowed, nothing changed."""
        case = self._case(who, number, Action.ARCHIVE_CASE)
        checked = Checked()
        force = checked.flag("force", False if force is None else force)
        reason = checked.text("reason", reason, required=force, limit=MAX_REASON)
        checked.done()

        def change(current: Case, now: datetime):
            apply(current, ArchiveClosedCase(who.actor, reason, who.client, at=now, force=force),
                  now)

        return self._view(who, self._update(who, case, Action.ARCHIVE_CASE, change))
