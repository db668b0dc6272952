"""The held-mail desk: staff read the mail intake kept for no case (auto-replies, unmatched bounces,
mail without a sender, oversized messages) and settle each message once — open a case from it,
attach it to an existing case, or dismiss it with a reason (issue 8, "Held mail").

Filing a message in a case (opening or attaching) writes the case with the unique key
`held:<id>` (`filing_key`) in the case's own transaction, then settles the held entry in a
second one. The key makes the filing happen once whatever is retried: a retry after the first
transaction finds the key taken, reads which case holds the message and completes the
settlement. Every action is recorded — who (actor `staff:<id>`), what, when, from where
(`data["from"]`) — on the case's timeline when a case is involved, and on the entry's resolution.
"""
from __future__ import annotations

import unicodedata

from shared.domain.case_numbers import parse_case_number
from shared.domain.cases import Attachment, Case, EventType, Kind, TimelineEvent
from shared.domain.categories import is_valid_category
from shared.domain.errors import CaseNotFound, InvalidCommand, MailAlreadyRecorded
from shared.domain.held_mail import (
    HeldEntry,
    HeldMailAction,
    HeldMailNotFound,
    HeldMailSettled,
    Resolution,
    filing_key,
    is_held_id,
)
from shared.domain.permissions import Action, authorize
from shared.domain.ports import AttachmentStore, CaseStore, Clock
from shared.domain.reply_tokens import derived_access_code
from shared.domain.staff import Requester

from .held_mail_views import entry_view, message_view
from .mail_files import html_of_record, sort_files
from .mail_intake import MAX_TEXT, MailIntakeRules, new_case_from_mail
from .mail_kind import guess_kind
from .mail_parsing import ParsedMail, parse_mail
from .registration import Registration
from .submissions import clean_text, is_blank

PAGE = 50
MAX_REASON = 2000
MAX_CURSOR = 200
KINDS = frozenset(k.value for k in Kind)
OPENED, ATTACHED, DISMISSED = (HeldMailAction.OPENED_CASE, HeldMailAction.ATTACHED,
                               HeldMailAction.DISMISSED)


class HeldMailDesk:
    """Staff commands on held mail. Each takes the requester (member and client address) and
    checks their role first (`READ_HELD_MAIL`, `ACT_ON_HELD_MAIL`), then the input; bad input
    raises InvalidCommand and changes nothing."""

    def __init__(self, store: CaseStore, files: AttachmentStore, clock: Clock,
                 registration: Registration, rules: MailIntakeRules):
        self._store = store
        self._files = files
        self._clock = clock
        self._registration = registration
        self._rules = rules

    def queue(self, who: Requester, after: str | None = None, limit: int = PAGE) -> dict:
        """One page of the open held mail, newest first: `items` (as `entry_view`) and `next`,
        the cursor of the next page (None on the last)."""
        authorize(who.member, Action.READ_HELD_MAIL)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= PAGE:
            raise InvalidCommand({"limit": "invalid"})
        if after is not None and (not isinstance(after, str) or len(after) > MAX_CURSOR):
            raise InvalidCommand({"after": "invalid"})
        try:
            page = self._store.open_held_mail(limit, after)
        except ValueError as exc:
            raise InvalidCommand({"after": "invalid"}) from exc
        return {"items": [entry_view(e) for e in page.entries], "next": page.next_cursor}

    def read(self, who: Requester, held_id: str) -> dict:
        """The entry with its decoded message (`message`: headers, text, attachments listed).
        Raises HeldMailNotFound."""
        authorize(who.member, Action.READ_HELD_MAIL)
        entry = self._entry(held_id)
        raw = self._files.get(entry.mail.raw_key)
        return {**entry_view(entry), "message": message_view(raw, parse_mail(raw))}

    def raw(self, who: Requester, held_id: str) -> bytes:
        """The message as it arrived (RFC 5322 bytes, to download as message/rfc822); for a
        message too large to read, the head that was kept. Raises HeldMailNotFound."""
        authorize(who.member, Action.READ_HELD_MAIL)
        return self._files.get(self._entry(held_id).mail.raw_key)

    def open_case(self, who: Requester, held_id: str, *, kind: str | None = None,
                  category: str | None = None, reason: str = "") -> dict:
        """Register a case from the message through the one registration path, as intake opens an
        email case (its text and files, the sender as the reporter, acknowledged when there is an
        address: staff vouched for it), kind and category as given or guessed; then settle the
        entry. Returns the entry, `case_number` and the case's `access_code` (which the
        acknowledgment carries too). Raises HeldMailNotFound, HeldMailSettled, InvalidCommand."""
        authorize(who.member, Action.ACT_ON_HELD_MAIL)
        reason = _reason(reason, required=False)
        if kind is not None and (not isinstance(kind, str) or kind not in KINDS):
            raise InvalidCommand({"kind": "invalid"})
        if category is not None and not isinstance(category, str):
            raise InvalidCommand({"category": "invalid"})
        entry = self._open_entry(held_id)
        raw = self._files.get(entry.mail.raw_key)
        mail = parse_mail(raw)
        kind = Kind(kind) if kind else guess_kind(mail.subject, mail.text,
                                                  Kind(self._rules.default_kind))
        category = category or "other"
        if not is_valid_category(kind, category):
            raise InvalidCommand({"category": "invalid"})
        acknowledgment = None
        try:
            registered = self._registration.register(self._new_case(
                who, entry, mail, kind, category, reason))
            number, acknowledgment = registered.number, registered.acknowledgment.value
        except MailAlreadyRecorded:  # an earlier try filed it, and stopped before settling
            number = self._filed_before(who, entry, OPENED, "", reason)
        settled = self._settle(who, entry, OPENED, number, reason)
        return {**entry_view(settled), "case_number": number, "acknowledgment": acknowledgment,
                "access_code": derived_access_code(self._rules.reply_key, number)}

    def attach(self, who: Requester, held_id: str, case_number: str, reason: str = "") -> dict:
        """File the message in an existing case (a staff-only `mail_attached` event): the
        raw message as an attachment, its text on the timeline; then settle the entry. Raises
        HeldMailNotFound, HeldMailSettled, CaseNotFound (the entry stays open), InvalidCommand."""
        authorize(who.member, Action.ACT_ON_HELD_MAIL)
        reason = _reason(reason, required=False)
        number = _case_number(case_number)
        entry = self._open_entry(held_id)
        raw = self._files.get(entry.mail.raw_key)
        mail, now = parse_mail(raw), self._clock.now()
        message = Attachment(entry.mail.raw_key, "message.eml", "message/rfc822", len(raw))

        def add(case: Case) -> None:
            case.attachments.append(message)
            case.record(TimelineEvent(
                EventType.MAIL_ATTACHED, now, text=mail.text[:MAX_TEXT], actor=who.actor,
                data={"held_id": entry.mail.id, "from": who.client, "reason": reason,
                      "raw": entry.mail.raw_key, "subject": mail.subject[:200],
                      "sender": entry.mail.sender, "files": [message.filename]}))

        try:
            self._store.update_case(number, add, mail_keys=[filing_key(entry.mail.id)])
        except MailAlreadyRecorded:
            self._filed_before(who, entry, ATTACHED, number, reason)
        return {**entry_view(self._settle(who, entry, ATTACHED, number, reason)),
                "case_number": number}

    def dismiss(self, who: Requester, held_id: str, reason: str) -> dict:
        """Settle the entry as dismissed; the reason is required. Raises HeldMailNotFound,
        HeldMailSettled, InvalidCommand."""
        authorize(who.member, Action.ACT_ON_HELD_MAIL)
        reason = _reason(reason, required=True)
        entry = self._open_entry(held_id)
        if self._store.find_mail(filing_key(entry.mail.id)) is not None:
            self._filed_before(who, entry, DISMISSED, "", reason)  # in a case: not dismissable
        return entry_view(self._settle(who, entry, DISMISSED, "", reason))

    # -- pieces ------------------------------------------------------------------------------

    def _entry(self, held_id) -> HeldEntry:
        entry = self._store.get_held_mail(held_id) if is_held_id(held_id) else None
        if entry is None:
            raise HeldMailNotFound(str(held_id)[:100])
        return entry

    def _open_entry(self, held_id) -> HeldEntry:
        entry = self._entry(held_id)
        if not entry.open:
            raise HeldMailSettled(entry)
        return entry

    def _new_case(self, who: Requester, entry: HeldEntry, mail: ParsedMail, kind: Kind,
                  category: str, reason: str):
        files = sort_files(mail, self._rules.max_files, self._rules.max_file_bytes)
        return new_case_from_mail(
            mail, entry.mail.raw_key, files, html_of_record(self._files, mail), self._rules,
            self._clock.now(), unique_keys=[filing_key(entry.mail.id)], verified=True,
            kind=kind, category=category, registered_by=who.actor,
            registered_data={"held_id": entry.mail.id, "held_reason": entry.mail.reason,
                             "reason": reason, "from": who.client})

    def _filed_before(self, who: Requester, entry: HeldEntry, action: HeldMailAction,
                      number: str, reason: str) -> str:
        """The case an earlier, interrupted action filed the message in. When that action is the
        one asked for now (a retry), its case number; otherwise the entry is settled as what
        really happened and HeldMailSettled is raised: a message is in one case at most."""
        record = self._store.find_mail(filing_key(entry.mail.id))
        filed_in = record.case_number
        first = self._store.case_events(filed_in, public_only=False, limit=1)
        opened = bool(first) and first[0].type == EventType.CASE_REGISTERED \
            and first[0].data.get("held_id") == entry.mail.id
        done = OPENED if opened else ATTACHED
        if done == action and (action == OPENED or filed_in == number):
            return filed_in
        raise HeldMailSettled(self._settle(who, entry, done, filed_in, reason))

    def _settle(self, who: Requester, entry: HeldEntry, action: HeldMailAction, number: str,
                reason: str) -> HeldEntry:
        resolution = Resolution(action, who.member.id, self._clock.now(), reason, number,
                                who.client)
        try:
            return self._store.settle_held_mail(entry.mail.id, resolution)
        except HeldMailSettled as settled:
            done = settled.entry.resolution
            if number and done and (done.action, done.case_number) == (action, number):
                return settled.entry  # a concurrent try did the same: one outcome
            raise


def _reason(reason, *, required: bool) -> str:
    if reason is None and not required:
        return ""
    if not isinstance(reason, str):
        raise InvalidCommand({"reason": "invalid"})
    text = clean_text(reason)
    text = "" if is_blank(text) else text
    if required and not text:
        raise InvalidCommand({"reason": "required"})
    if len(text) > MAX_REASON:
        raise InvalidCommand({"reason": "too_long"})
    return text


def _case_number(text) -> str:
    """The canonical number of a case typed by staff (any case, hyphens, full width); CaseNotFound
    for anything that cannot be one."""
    number = parse_case_number(unicodedata.normalize("NFKC", text)) \
        if isinstance(text, str) and len(text) <= 100 else None
    if not number:
        raise CaseNotFound(str(text)[:100])
    return number
