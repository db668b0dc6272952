"""The misuse policy on staff commands (R21, DSA Art. 23; the rules are `misuse.py`'s).

- A mark (`CaseMarks.mark_report`) that brings a reporter's contact to a threshold warns them
  or holds their new reports, in the mark's own transaction (`_misuse_follow`): one
  `misuse_warned` / `misuse_hold_started` event naming the member who marked, and one notice
  to the reporter in the case's language saying what was marked, what happens next and how to
  contest it (R23). The standing is kept on the tallies, so a second mark or a retry finds it.
- `release_held_report`: a supervisor lets a held report be worked on before its hold ends.
- `lift_misuse_standing`: a supervisor ends the warning and hold of the case's reporter early.
Both with a reason, audited as events; repeated, they record nothing.
"""
from __future__ import annotations

from datetime import datetime

from shared.domain.case_access import check
from shared.domain.cases import Case, EventType, ReporterIdentity, TimelineEvent
from shared.domain.errors import CommandRefused
from shared.domain.lifecycle import apply
from shared.domain.misuse import (
    OFF,
    LiftMisuseStanding,
    MisusePolicy,
    ReleaseHeldReport,
    counted_marks,
    held_until,
    liftable,
    lifted,
    standing,
    step,
    stepped,
)
from shared.domain.outbox import Template
from shared.domain.permissions import Action
from shared.domain.report_marks import Follow
from shared.domain.staff import Requester

from .case_input import MAX_REASON, Checked
from .case_marks import CaseMarks
from .case_notices import notify, reach
from .case_views import CaseView

_STEPS = {"warn": (EventType.MISUSE_WARNED, "warning"),
          "hold": (EventType.MISUSE_HOLD_STARTED, "hold")}


class CaseMisuse(CaseMarks):
    _misuse = OFF

    def __init__(self, *args, misuse: MisusePolicy = OFF, **kwargs):
        super().__init__(*args, **kwargs)
        self._misuse = misuse

    # -- the mark's consequences ------------------------------------------------------------------

    def _misuse_follow(self, who: Requester, identity: ReporterIdentity | None,
                       keys: dict[str, str]) -> Follow | None:
        """What a mark does to the reporter's standing, run in its transaction; None when the
        policy is off or the reporter is not linked (anonymous, no contact)."""
        if not self._misuse.on or not keys:
            return None
        policy, kinds = self._misuse, {key: kind for kind, key in keys.items()}

        def follow(case: Case, tallies: dict[str, dict]):
            now = self._clock.now()
            steps = {key: step(tally, now, policy) for key, tally in tallies.items()}
            outbox = []
            for what, (event_type, notice) in _STEPS.items():
                keys_now = sorted(key for key, done in steps.items() if done == what)
                if not keys_now:
                    continue
                for key in keys_now:
                    tallies[key] = stepped(tallies[key], what, now, policy)
                details = self._step_details(what, tallies, keys_now, now)
                case.record(TimelineEvent(
                    event_type, now, text=f"misuse policy: {notice}", actor=who.actor,
                    data={**details, "matched_on": sorted(kinds[k] for k in keys_now),
                          "from": who.client}))
                outbox += notify(case, Template.MISUSE_NOTICE, now,
                                 reach(self._store, case, identity),
                                 details={"step": notice, **details})
            return tallies, outbox

        return follow

    def _step_details(self, what: str, tallies: dict[str, dict], keys: list[str],
                      now: datetime) -> dict:
        policy = self._misuse
        details = {"marks": max(counted_marks(tallies[k], now, policy) for k in keys),
                   "window_days": policy.window.days, "hold_after": policy.hold_after,
                   "hold_days": policy.hold_for.days}
        if what == "hold":
            details["until"] = max(standing(tallies[k])["held_until"] for k in keys)
        return details

    # -- what staff see -----------------------------------------------------------------------------

    def reporter_history_of(self, case: Case, identity: ReporterIdentity | None) -> dict:
        """The marks of the reporter's other cases, and their standing under the misuse policy:
        {"standing": {"warned", "held_until", "marks", "liftable"}} (absent when not linked)."""
        history = super().reporter_history_of(case, identity)
        keys = self._keys(case, identity)
        if not keys or not self._misuse.on:
            return history
        now, policy = self._clock.now(), self._misuse
        tallies = self._marks.reporter_tallies(list(keys.values()))
        mine = [tallies.get(key) for key in keys.values()]
        ends = [until for t in mine if (until := held_until(t, now)) is not None]
        history["standing"] = {
            "marks": max(counted_marks(t, now, policy) for t in mine),
            "warned": any(standing(t).get("warned_at") and liftable(t, now, policy)
                          for t in mine),
            "held_until": max(ends).isoformat() if ends else None,
            "liftable": any(liftable(t, now, policy) for t in mine),
            "warn_after": policy.warn_after, "hold_after": policy.hold_after}
        return history

    # -- supervisors' commands ------------------------------------------------------------------

    def release_held_report(self, who: Requester, number: str, reason=None) -> CaseView:
        """Let a report held under the misuse policy be worked on now (a supervisor, with a
        reason): its initial review starts now. Released already: nothing changes. Never held,
        or its hold over: 409 `not_held`."""
        case = self._case(who, number, Action.MANAGE_MISUSE)
        checked = Checked()
        reason = checked.text("reason", reason, limit=MAX_REASON)
        checked.done()
        if case.misuse_hold.get("released_at"):
            return self._view(who, case)

        def change(current: Case, now):
            if current.misuse_hold.get("released_at"):
                return  # a retry racing the first: released once
            apply(current, ReleaseHeldReport(who.actor, reason, who.client, at=now,
                                             review_within=self._review_within(current, now)),
                  now)

        return self._view(who, self._update(who, case, Action.MANAGE_MISUSE, change))

    def lift_misuse_standing(self, who: Requester, number: str, reason=None) -> CaseView:
        """End the warning and hold of this case's reporter early (a supervisor, with a reason):
        their earlier marks no longer count, their next reports are not held. Reports held
        already stay held until released. Nothing to lift (or lifted already): nothing changes.
        An anonymous report, or one without a contact, is linked to nobody: 409 `not_linked`."""
        case = self._case(who, number, Action.MANAGE_MISUSE)
        checked = Checked()
        reason = checked.text("reason", reason, limit=MAX_REASON)
        checked.done()
        identity = self._store.get_identity(case.number)
        keys = self._keys(case, identity)
        if not keys:
            raise CommandRefused("the report is linked to no reporter", "not_linked")
        now, policy = self._clock.now(), self._misuse
        tallies = self._marks.reporter_tallies(list(keys.values()))
        if not any(liftable(tallies.get(key), now, policy) for key in keys.values()):
            return self._view(who, case, identity)
        kinds = {key: kind for kind, key in keys.items()}

        def change(current: Case) -> None:
            check(who.member, Action.MANAGE_MISUSE, current)

        def follow(current: Case, read: dict[str, dict]):
            moment = self._clock.now()
            lifting = {key: lifted(t, moment) for key, t in read.items()
                       if liftable(t, moment, policy)}
            if lifting:  # none: a racing lift ended it first, and this one records nothing
                apply(current, LiftMisuseStanding(
                    who.actor, reason, who.client,
                    matched_on=tuple(sorted(kinds[k] for k in lifting))), moment)
            return {**read, **lifting}, []

        written = self._marks.mark_case(case.number, change, list(keys.values()), follow)
        return self._view(who, written, identity)
