"""The misuse policy on the console's case page (R21, DSA Art. 23): whether the report is held
and until when, the reporter's standing (counted marks, warned, held), and the supervisors'
two actions: release the held report, lift the reporter's warning and hold. Both post to
`/console/cases/{number}/{path}` like every case action (`MISUSE_ACTIONS`) and call the same
service commands as the API's routes."""
from __future__ import annotations

from datetime import datetime

from shared.domain.permissions import Action, allowed

from .case_action_spec import CaseAction
from .visit import Visit

MISUSE_ACTIONS = (
    CaseAction("release_held_report", "release-hold", ("reason",),
               lambda cases, who, number, f: cases.release_held_report(who, number, **f)),
    CaseAction("lift_misuse_standing", "reporter-standing-lift", ("reason",),
               lambda cases, who, number, f: cases.lift_misuse_standing(who, number, **f)),
)


def misuse_panel(visit: Visit, view: dict) -> dict:
    """What the page shows: `held_until` (ISO, while held), `released` (the hold's release),
    `standing` (the reporter's, or None when not linked or the policy is off), `may_lift`."""
    hold = view.get("misuse_hold") or {}
    now = visit.app.clock.now()
    until = hold.get("until")
    held = bool(until) and not hold.get("released_at") and datetime.fromisoformat(until) > now
    history = visit.app.staff_cases.reporter_history(visit.who, view["number"])
    standing = history.get("standing")
    return {"held_until": until if held else None, "released": hold.get("released_at"),
            "standing": standing,
            "may_lift": bool(standing and standing["liftable"])
            and allowed(visit.who.member, Action.MANAGE_MISUSE)}
