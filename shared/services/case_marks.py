"""Malicious or manifestly unfounded reports, and rewards for valid ones (R21).

Staff mark a report (`mark_report`) and the mark follows its reporter: their other cases show it
(`reporter_history`), matched on keyed hashes of the email address and the phone number
(`report_marks.reporter_keys`) under a key derived from the reply-token key, which the service is
built with (`reply_key=`); the store writes the case and the hashes' tallies in one transaction.
A reward for a valid report (`record_reward`) is an entry of the reward ledger (`reward_ledger`),
written with the case's event, once per member's `request_id`.
"""
from __future__ import annotations

import re
from datetime import date

from shared.domain.case_access import check
from shared.domain.cases import Case, ReporterIdentity
from shared.domain.commands import CommandName
from shared.domain.errors import CommandRefused, InvalidCommand
from shared.domain.lifecycle import apply
from shared.domain.permissions import Action, authorize
from shared.domain.ports import ReporterMarkStore
from shared.domain.report_marks import (
    LEDGER_CURSOR,
    MAX_REWARD_FEN,
    MarkReport,
    RecordReward,
    ReportMark,
    mark_key,
    period_bounds,
    recorded_text,
    reporter_history,
    reporter_keys,
    reward_entry,
    reward_id,
    reward_refusal,
)
from shared.domain.staff import Requester, Role

from .case_handling import CaseHandling
from .case_input import MAX_NAME, MAX_REASON, Checked
from .case_views import CaseView
from .staff_admin import ID_PATTERN as STAFF_ID

MAX_LEDGER_PAGE = 100
_REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{8,100}")
_LEDGER_ENTRY = ("reward_id", "case_number", "amount_fen", "approved_by", "paid_on",
                 "recorded_at", "recorded_by", "note")


class CaseMarks(CaseHandling):
    _mark_key = b""  # none: marks cannot follow a reporter (a service built without reply_key)

    def __init__(self, *args, reply_key: bytes = b"", **kwargs):
        super().__init__(*args, **kwargs)
        self._mark_key = mark_key(reply_key) if reply_key else b""

    # -- marks ---------------------------------------------------------------------------------

    def mark_report(self, who: Requester, number: str, mark=None, reason=None) -> CaseView:
        """Mark the report manifestly `unfounded` or `malicious`, change its mark, or withdraw it
        (`none`), with a reason; the reporter's other cases then show it. The mark it has
        already: nothing changes (no event, no count)."""
        case = self._case(who, number, Action.MARK_REPORT)
        checked = Checked()
        chosen = checked.choice("mark", mark, ReportMark)
        reason = checked.text("reason", reason, limit=MAX_REASON)
        checked.done()
        wanted = "" if chosen == ReportMark.NONE else chosen.value
        if case.report_mark == wanted:
            self._unchanged(case, CommandName.MARK_REPORT)
            return self._view(who, case)
        identity = self._store.get_identity(case.number)
        keys = self._keys(case, identity)

        def change(current: Case) -> None:
            check(who.member, Action.MARK_REPORT, current)
            if current.report_mark != wanted:  # a retry racing the first: one move only
                apply(current, MarkReport(who.actor, reason, who.client, mark=wanted),
                      self._clock.now())

        follow = self._misuse_follow(who, identity, keys)  # R21's warning and hold
        return self._view(who, self._marks.mark_case(case.number, change, list(keys.values()),
                                                     follow), identity)

    def _misuse_follow(self, who: Requester, identity: ReporterIdentity | None,
                       keys: dict[str, str]):
        """What a mark does to the reporter's standing (`case_misuse.py`); None: nothing."""
        return None

    def reporter_history(self, who: Requester, number: str) -> dict:
        """What the reporter's other cases were marked (for whoever may read this case):
        {"unfounded": n, "malicious": n, "cases": [{number, mark, at}], "matched_on": [...]}."""
        case = self._case(who, number, Action.READ_CASE)
        return self.reporter_history_of(case, self._store.get_identity(case.number))

    def reporter_history_of(self, case: Case, identity: ReporterIdentity | None) -> dict:
        """`reporter_history` of a case already read and checked (for the case view)."""
        keys = self._keys(case, identity)
        tallies = self._marks.reporter_tallies(list(keys.values())) if keys else {}
        by_contact = {kind: tallies[key] for kind, key in keys.items() if key in tallies}
        return reporter_history(by_contact, case.number, case.report_mark)

    # -- rewards -------------------------------------------------------------------------------

    def record_reward(self, who: Requester, number: str, *, amount_fen=None, approved_by=None,
                      paid_on=None, request_id=None, note=None) -> dict:
        """Record a reward paid for a valid report (a closed report its decision upheld, in
        whole or in part): the amount in fen, the leader who approved it, the day it was paid.
        The same member's `request_id` again returns the entry recorded then ("repeated")."""
        case = self._case(who, number, Action.RECORD_REWARD)
        code, why = reward_refusal(case)
        if code:
            raise CommandRefused(why, code)
        checked = Checked()
        amount = _amount(checked, amount_fen)
        leader = self._leader(checked, approved_by)
        today = self._clock.now().astimezone(self._zone).date()
        day = checked.day("paid_on", paid_on, latest=today)
        request = checked.text("request_id", request_id, limit=MAX_NAME)
        if request and not _REQUEST_ID.fullmatch(request):
            checked.fail("request_id", "invalid")
        note = checked.text("note", note, required=False, limit=MAX_REASON)
        checked.done()
        entry = reward_entry(reward_id(who.member.id, request), case.number, amount, leader, day,
                             recorded_text(self._clock.now()), who.member.id, note)

        def change(current: Case) -> None:
            check(who.member, Action.RECORD_REWARD, current)
            apply(current, RecordReward(who.actor, note, who.client, reward=entry),
                  self._clock.now())

        written, case_now = self._marks.record_reward(case.number, entry, change)
        if written["case_number"] != case.number:
            raise InvalidCommand({"request_id": "duplicate"})  # a retry names the same case
        view = self._view(who, case_now or self._store.get_case(case.number))
        return {"reward": _shown(written), "repeated": case_now is None, "case": view.as_dict()}

    def reward_ledger(self, who: Requester, *, after=None, limit=50, paid_from=None,
                      paid_until=None) -> dict:
        """Every reward, newest paid first, a keyset page at a time (`next` is the cursor of the
        next page); with a period of paid days, its totals too."""
        authorize(who.member, Action.READ_REWARD_LEDGER)
        checked = Checked()
        size = checked.count("limit", limit, low=1, high=MAX_LEDGER_PAGE)
        if after is not None and not (isinstance(after, str) and LEDGER_CURSOR.fullmatch(after)):
            checked.fail("after", "invalid_cursor")
        low_day = _day(checked, "from", paid_from)
        high_day = _day(checked, "until", paid_until)
        if low_day and high_day and low_day > high_day:
            checked.fail("until", "out_of_range")
        checked.done()
        low, high = period_bounds(low_day, high_day)
        entries, following = self._marks.reward_ledger(size, after, low, high)
        page = {"rewards": [_shown(e) for e in entries], "next": following}
        if low_day or high_day:
            count, total = self._marks.reward_totals(low, high)
            page["totals"] = {"from": low_day and low_day.isoformat(),
                              "until": high_day and high_day.isoformat(),
                              "count": count, "amount_fen": total}
        return page

    # -- helpers -------------------------------------------------------------------------------

    @property
    def _marks(self) -> ReporterMarkStore:
        return self._store  # both case stores are mark stores too

    def _keys(self, case: Case, identity: ReporterIdentity | None) -> dict[str, str]:
        """The keyed hashes of the reporter's contact; {} for a report without one, and for an
        anonymous report: its email address (kept only for notices) must not link it to the
        person's other cases, in either direction (R20) — its own mark stays on it."""
        if case.anonymous or identity is None or not (identity.email or identity.phone):
            return {}
        if not self._mark_key:
            raise RuntimeError("StaffCases was built without reply_key: marks cannot follow "
                               "the reporter")
        return reporter_keys(self._mark_key, identity.email, e164(identity.phone))

    def _leader(self, checked: Checked, staff_id) -> str:
        """The approving leader's id: an active member holding the leader role."""
        staff_id = checked.text("approved_by", staff_id, limit=MAX_NAME)
        if not staff_id or "approved_by" in checked.errors:
            return ""
        # Looked up only as a possible id: no Firestore document path from input ("..", "a/b").
        member = self._store.get_staff(staff_id) if STAFF_ID.match(staff_id) else None
        if member is None:
            checked.fail("approved_by", "unknown_staff")
        elif not member.active:
            checked.fail("approved_by", "inactive")
        elif Role.LEADER not in member.roles:
            checked.fail("approved_by", "not_a_leader")
        return staff_id


def e164(phone: str) -> str:
    """The phone number in E.164, as the intake keeps it ("138 1234 5678" and "+86 138-1234-5678"
    are one number); a number that does not parse, trimmed as it is."""
    phone = phone.strip()
    if not phone:
        return ""
    import phonenumbers  # lazily: it is the heaviest import on the cold-start path

    try:
        number = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return phone
    if not phonenumbers.is_valid_number(number):
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _amount(checked: Checked, value) -> int:
    """Whole fen, more than none and at most MAX_REWARD_FEN."""
    if value is None:
        checked.fail("amount_fen", "required")
    elif isinstance(value, bool) or not isinstance(value, int):
        checked.fail("amount_fen", "invalid")
    elif value < 1:
        checked.fail("amount_fen", "too_small")
    elif value > MAX_REWARD_FEN:
        checked.fail("amount_fen", "too_large")
    else:
        return value
    return 0


def _day(checked: Checked, field: str, value) -> date | None:
    """A day of the period (YYYY-MM-DD), or None when not given."""
    if value is None or value == "":
        return None
    return checked.day(field, value, latest=date.max)


def _shown(entry: dict) -> dict:
    """A ledger entry as the API shows it (its order key is the store's)."""
    return {key: entry.get(key) for key in _LEDGER_ENTRY}
