"""The misuse policy (R21; EU DSA Art. 23): a reporter whose reports are repeatedly marked
manifestly unfounded or malicious is first warned, then their new reports are held for review.

The standing lives on the tallies the marks keep per keyed hash of a contact
(`report_marks.tallied`, under `STANDING`), so it is read and written in the transaction of the
mark that moves it, and follows an email address and a phone number as the marks do. Never an
anonymous report (R20): it has no key.

- *Counted marks*: the cases a key's tally lists as marked (either mark) within the window
  (`now − window` on) and after the moment the standing was last lifted. A withdrawn mark leaves the tally,
  so it no longer counts.
- *Warning*: a mark that brings the counted marks to `warn_after` while the key has no warning
  since that moment warns it (`warned_at`). Marking again, a retry, or withdrawing and marking
  once more within the window warns nobody a second time.
- *Hold*: a mark that brings them to `hold_after`, on a key warned since that moment and not held
  since then, holds it (`held_from`, `held_until = now + hold_for`). Never without a warning
  first (Art. 23(1): "after having issued a prior warning").
- *Held report*: a report registered while one of its keys is held (`held_until`, a hold not
  lifted) is registered and acknowledged as any other, and held (`case.misuse_hold`) until that
  moment or until a supervisor releases it (`ReleaseHeldReport`); meanwhile nothing moves it
  (`held_refusal`). Its initial review is counted from the hold's end, or from the release.
- *Lift*: a supervisor ends a key's warning and hold early (`LiftMisuseStanding`): marks before
  that moment no longer count. Reports held already stay held until released one by one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .cases import Case, EventType, Status, TimelineEvent
from .commands import Command, CommandName

STANDING = "misuse"  # the key of a tally's standing
HELD_FOR_MISUSE = "held_for_misuse"  # the refusal code of a command on a held report
# While a report is held nothing moves it: the review's verdicts and an assignment need the
# release first (a received case allows nothing else that moves it).
_MOVES = frozenset({CommandName.ACCEPT_CASE, CommandName.REJECT_CASE, CommandName.ASSIGN_CASE})


@dataclass(frozen=True)
class MisusePolicy:
    """`warn_after` counted marks warn (0: the policy is off); `hold_after` hold for `hold_for`;
    marks count within `window`. `listed` is how many marked cases a tally lists: a threshold
    above it could never be counted."""

    warn_after: int = 3
    hold_after: int = 5
    window: timedelta = timedelta(days=180)
    hold_for: timedelta = timedelta(days=30)
    listed: int = 20

    def __post_init__(self):
        if self.warn_after == 0:
            return
        if not 1 <= self.warn_after < self.hold_after <= self.listed:
            raise ValueError(f"thresholds must be 1 <= warn_after < hold_after <= {self.listed}")
        if self.window <= timedelta(0) or self.hold_for <= timedelta(0):
            raise ValueError("window and hold_for must be positive")

    @property
    def on(self) -> bool:
        return self.warn_after > 0


OFF = MisusePolicy(warn_after=0)


def standing(tally: dict | None) -> dict:
    """The standing kept on a tally: warned_at, held_from, held_until, lifted_at (ISO text)."""
    return dict((tally or {}).get(STANDING) or {})


def counted_since(tally: dict | None, now: datetime, policy: MisusePolicy) -> datetime:
    """From when marks count: the window's start, or the last lift if later."""
    lifted = _time(standing(tally).get("lifted_at"))
    start = now - policy.window
    return max(start, lifted) if lifted else start


def counted_marks(tally: dict | None, now: datetime, policy: MisusePolicy) -> int:
    """How many of the key's marked cases count towards the thresholds now."""
    start = now - policy.window
    lifted = _time(standing(tally).get("lifted_at"))
    return sum(1 for entry in (tally or {}).get("cases", [])
               if (at := _time(entry["at"])) >= start and (lifted is None or at > lifted))


def step(tally: dict | None, now: datetime, policy: MisusePolicy) -> str:
    """What a mark that left the tally so does to its key: "warn", "hold" or ""."""
    if not policy.on:
        return ""
    since = counted_since(tally, now, policy)
    marks = counted_marks(tally, now, policy)
    held = standing(tally)
    warned = _after(held.get("warned_at"), since)
    if not warned:
        return "warn" if marks >= policy.warn_after else ""
    if marks >= policy.hold_after and not _after(held.get("held_from"), since):
        return "hold"
    return ""


def stepped(tally: dict, what: str, now: datetime, policy: MisusePolicy) -> dict:
    """The tally with its standing moved by `step`'s answer."""
    held = standing(tally)
    if what == "warn":
        held["warned_at"] = now.isoformat()
    elif what == "hold":
        held.update(held_from=now.isoformat(), held_until=(now + policy.hold_for).isoformat())
    return {**tally, STANDING: held}


def lifted(tally: dict, now: datetime) -> dict:
    """The tally with its warning and hold ended at `now` (earlier marks no longer count)."""
    return {**tally, STANDING: {"lifted_at": now.isoformat()}}


def liftable(tally: dict | None, now: datetime, policy: MisusePolicy) -> bool:
    """Whether the key stands warned or held now (something to lift)."""
    held = standing(tally)
    since = counted_since(tally, now, policy)
    return _after(held.get("warned_at"), since) or bool(held_until(tally, now))


def held_until(tally: dict | None, now: datetime) -> datetime | None:
    """When the key's hold ends, while it holds at `now`; None otherwise."""
    held = standing(tally)
    until = _time(held.get("held_until"))
    return until if until is not None and until > now else None


# -- The held report ------------------------------------------------------------------------------

def hold_report(case: Case, until: datetime, matched_on: list[str], now: datetime) -> None:
    """Hold a report being registered until `until` (its keys `matched_on` are held): one
    staff-only `report_held` event by the system."""
    case.misuse_hold = {"until": until.isoformat(), "matched_on": sorted(matched_on)}
    case.record(TimelineEvent(EventType.REPORT_HELD, now, text="reporter held under the "
                              "misuse policy", data={"until": until.isoformat(),
                                                     "matched_on": sorted(matched_on)}))


def hold_pending(case: Case) -> datetime | None:
    """The end of the case's hold while it is not released (ended by itself or not): the held
    queue's key (`queues.QueueOrder.HELD_SOONEST_FIRST`)."""
    hold = case.misuse_hold
    return None if not hold or hold.get("released_at") else _time(hold.get("until"))


def unresolved_since(case: Case) -> datetime:
    """Since when R8's time rules count the case unresolved (a week: hot, a month: major): its
    receipt, or for a held report the end of its hold (its release, or the time set). Waiting
    out a hold is not the platform's delay, and a report held a month must not come out major."""
    hold = case.misuse_hold
    end = _time(hold.get("released_at") or hold.get("until")) if hold else None
    return max(case.received_at, end) if end else case.received_at


def is_held(case: Case, now: datetime) -> bool:
    """Held for review now: a hold not released whose time has not ended."""
    hold = case.misuse_hold
    if not hold or hold.get("released_at"):
        return False
    until = _time(hold.get("until"))
    return until is not None and until > now


def held_refusal(case: Case, command: Command, now: datetime) -> tuple[str, str]:
    """(code, why) when the command would move a held report; ("", "") otherwise."""
    if command.name in _MOVES and is_held(case, now):
        return HELD_FOR_MISUSE, "the report is held under the misuse policy: release it first"
    return "", ""


@dataclass(frozen=True)
class ReleaseHeldReport(Command):
    """A supervisor lets a held report be worked on before its hold ends (the reason says why);
    its initial review starts at `at` (the command's moment), within `review_within`."""

    review_within: timedelta = timedelta(hours=24)
    at: datetime | None = None

    name, event, needs_reason = (CommandName.RELEASE_HELD_REPORT,
                                 EventType.HELD_REPORT_RELEASED, True)

    def refusal_on(self, case: Case) -> tuple[str, str]:
        hold = case.misuse_hold
        until = _time(hold.get("until"))
        if not hold or hold.get("released_at") or (self.at and until and until <= self.at):
            return "not_held", "the report is not held (or its hold is over)"
        return "", ""

    def details(self, case: Case) -> dict:
        return {"until": case.misuse_hold.get("until", "")}

    def change(self, case: Case) -> None:
        now = self.at or datetime.now(UTC)
        case.misuse_hold = {**case.misuse_hold, "released_at": now.isoformat(),
                            "released_by": self.actor}
        if case.status == Status.RECEIVED:  # its review starts now (R6)
            case.review_due_at = case.next_due_at = now + self.review_within


@dataclass(frozen=True)
class LiftMisuseStanding(Command):
    """A supervisor ends the warning and hold of the reporter of this case early, with a reason;
    `matched_on` names the contacts lifted (email, phone)."""

    matched_on: tuple[str, ...] = ()

    name, event, needs_reason = (CommandName.LIFT_MISUSE_STANDING,
                                 EventType.MISUSE_STANDING_LIFTED, True)

    def details(self, case: Case) -> dict:
        return {"matched_on": sorted(self.matched_on)}


def _time(text) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _after(text, since: datetime) -> bool:
    moment = _time(text)
    return moment is not None and moment >= since
