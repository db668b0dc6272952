"""What the case page derives from the case view the API returns: its deadlines with the time
left (or how long overdue), and which timeline entries are messages with the reporter."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Timeline entries that are words exchanged with the reporter (R11, R12).
MESSAGE_EVENTS = frozenset({"reporter_messaged", "information_requested", "information_added",
                            "reporter_replied", "reporter_answered"})


@dataclass(frozen=True)
class Deadline:
    name: str  # review | decision | first_contact | compensation | appeal
    due: datetime
    overdue: bool  # past due, or found so by the deadline sweep
    days: int  # whole days left (or overdue), and hours beyond them
    hours: int


def deadlines(view: dict, now: datetime) -> list[Deadline]:
    """The case's running deadlines, soonest first: the initial review while it is received, the
    decision, the first-contact and compensation clocks not yet met, the appeal window."""
    found: list[tuple[str, str | None, bool]] = []
    if view["status"] == "received":
        found.append(("review", view["review_due_at"], view["overdue_deadline"] == "review"))
    if view["decision_due_at"] and not view["closed_at"] and not view["decision_paused_at"]:
        found.append(("decision", view["decision_due_at"],
                      view["overdue_deadline"] == "decision"))
    for name in ("first_contact", "compensation"):
        clock = view.get(name)
        if clock and not clock["met"]:
            found.append((name, clock["due_at"], clock["overdue"]))
    if view["appeal_until"] and view["status"] == "closed":
        found.append(("appeal", view["appeal_until"], False))
    shown = []
    for name, due_text, flagged in found:
        if not due_text:
            continue
        due = datetime.fromisoformat(due_text.replace("Z", "+00:00"))
        seconds = abs(int((due - now).total_seconds()))
        shown.append(Deadline(name, due, flagged or due < now, seconds // 86400,
                              seconds % 86400 // 3600))
    return sorted(shown, key=lambda d: d.due)


def messages(events: list[dict]) -> list[dict]:
    """The timeline's messages with the reporter, oldest first."""
    return [event for event in events if event["type"] in MESSAGE_EVENTS]
