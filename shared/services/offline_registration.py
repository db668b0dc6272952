"""Offline registration (R1): staff register what reached the centre by phone, in person, by
letter or fax, as a regulator's referral (12377, 12321 or another, with their reference), or what
they found themselves (「主动发现并积极处理不良信息」). Through the one registration path, so the
number, the private record and the acknowledgment are those of the form; the registering member
is the actor of `case_registered`, and no per-client limit applies (the per-address limit of
acknowledgments does).

The access code is in the result once, for the clerk to read out when there is no email. A
registration sent again with the same `request_id` (a retry after a lost answer) by the same
member returns that case and code instead of opening a second one: the code is derived from the
id with the server's key, like a form's, and never stored in clear.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.domain.access_codes import code_from_digest
from shared.domain.cases import Channel, EventType, Kind
from shared.domain.categories import is_valid_category
from shared.domain.errors import InvalidCommand, MailAlreadyRecorded
from shared.domain.permissions import Action, authorize
from shared.domain.ports import CaseStore, Clock
from shared.domain.provisional_deadlines import REVIEW, shown_provisional
from shared.domain.staff import Requester

from .case_input import CLOCK_SKEW, staff_moment
from .case_views import iso
from .offline_case_fields import read_choice, read_flag, read_referral, read_text
from .registration import Acknowledgment, CaseRegistered, NewCase, Registration
from .staff_admin import ID_PATTERN as STAFF_ID
from .submissions import LIMITS, MIN_DESCRIPTION, SubmissionRules
from .submissions import _email as checked_email  # the form's own checks of an address
from .submissions import _name as checked_name  # and of a name (no direction controls)
from .submissions import _phone as checked_phone  # and of a phone number (E.164)

OFFLINE_CHANNELS = (Channel.PHONE, Channel.IN_PERSON, Channel.LETTER, Channel.REFERRAL,
                    Channel.STAFF_FOUND)
# A person told us in these; they give a name or a contact, or stay anonymous where allowed.
_FROM_A_PERSON = (Channel.PHONE, Channel.IN_PERSON, Channel.LETTER)
LANGUAGES = ("zh-CN", "en")  # of the acknowledgment
MAX_AGE = timedelta(days=366)  # received longer ago than this is not an offline registration
LIMITS_HERE = {**LIMITS, "email": 254, "phone": 40, "respondent": 200, "about_staff": 100}
_TEXTS = ("subject", "description", "desired_outcome", "name", "email", "phone", "respondent",
          "about_staff")
FIELDS = frozenset({"channel", "kind", "category", "language", "anonymous", "confidential",
                    "referral", "received_at", "request_id", *_TEXTS})
_REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{8,100}")


@dataclass(frozen=True)
class OfflineRules:
    anonymous_kinds: frozenset[str]
    check_deliverability: bool
    timezone: str
    request_key: bytes  # CD_REPLY_TOKEN_KEY: derives the access code of a repeatable request


class OfflineRegistration:
    """Staff registering a case that did not come through the form or email."""

    def __init__(self, registration: Registration, store: CaseStore, clock: Clock,
                 rules: OfflineRules):
        self._registration = registration
        self._store = store
        self._clock = clock
        self._rules = rules

    def register(self, who: Requester, **fields) -> dict:
        """Register the case; a JSON-ready result with its number and, this once, its access code,
        and whether an acknowledgment was queued. Raises Forbidden (not a clerk or supervisor) or
        InvalidCommand (field → code), having written nothing."""
        authorize(who.member, Action.REGISTER_OFFLINE_CASE)
        request_id = fields.get("request_id") or ""
        if request_id and not (isinstance(request_id, str) and _REQUEST_ID.fullmatch(request_id)):
            raise InvalidCommand({"request_id": "invalid"})
        key = f"offline:{who.member.id}:{request_id}" if request_id else ""
        earlier = self._earlier(key, who, request_id)
        if earlier is not None:
            return earlier
        command = self._command(who, fields, key, request_id)
        try:
            registered = self._registration.register(command)
        except MailAlreadyRecorded:  # the same request, at the same moment, won the race
            return self._earlier(key, who, request_id)
        return _result(registered, command.channel)

    # -- the command ---------------------------------------------------------------------------

    def _command(self, who: Requester, fields: dict, key: str, request_id: str) -> NewCase:
        errors = {name: "unknown_field" for name in fields if name not in FIELDS}
        texts = {name: read_text(fields.get(name), name, errors) for name in _TEXTS}
        anonymous = read_flag(fields.get("anonymous"), "anonymous", errors)
        confidential = read_flag(fields.get("confidential"), "confidential", errors)
        channel = read_choice(fields.get("channel"), OFFLINE_CHANNELS, "channel", errors)
        kind = read_choice(fields.get("kind"), tuple(Kind), "kind", errors)
        language = read_choice(fields.get("language") or LANGUAGES[0], LANGUAGES, "language", errors)
        category = fields.get("category")
        if kind is not None and not (isinstance(category, str) and is_valid_category(kind, category)):
            errors["category"] = "invalid_choice"
        received_at = self._received_at(fields.get("received_at"), errors)
        referral = read_referral(fields.get("referral"), channel, errors)
        self._check_texts(texts, kind, errors)
        self._check_person(channel, kind, texts, anonymous, errors)
        if errors:
            raise InvalidCommand(errors)
        return NewCase(
            kind=kind, channel=channel, category=category, subject=texts["subject"],
            description=texts["description"],
            desired_outcome=texts["desired_outcome"] if kind is Kind.COMPLAINT else "",
            language=language, name="" if anonymous else texts["name"], email=texts["email"],
            phone="" if anonymous else texts["phone"], anonymous=anonymous,
            received_at=received_at, respondent=texts["respondent"],
            about_staff=texts["about_staff"], confidential=confidential,
            registered_by=who.actor, unique_keys=[key] if key else [],
            access_code=self._derived_code(who, request_id) if key else None,
            registered_data={"from": who.client, **({"referral": referral} if referral else {})})

    def _check_texts(self, texts: dict, kind, errors: dict) -> None:
        """The form's rules (`submissions`): lengths, a subject, a description of some length, a
        deliverable ASCII address, a valid phone number (kept as E.164); and a named staff member
        who exists."""
        for name, text in texts.items():
            if len(text) > LIMITS_HERE[name]:
                errors.setdefault(name, "too_long")
        if not texts["subject"]:
            errors.setdefault("subject", "required")
        if len(texts["description"]) < MIN_DESCRIPTION:
            errors.setdefault("description", "too_short" if texts["description"] else "required")
        rules = SubmissionRules(self._rules.anonymous_kinds, self._rules.check_deliverability, 0, 0)
        texts["name"] = checked_name(texts["name"])
        texts["email"] = checked_email(texts["email"], rules, errors) if texts["email"] else ""
        texts["phone"] = checked_phone(texts["phone"], errors) if texts["phone"] else ""
        about = texts["about_staff"]
        if about and "about_staff" not in errors and not (  # no store lookup of what is no id
                STAFF_ID.match(about) and self._store.get_staff(about) is not None):
            errors["about_staff"] = "unknown_staff"

    def _check_person(self, channel, kind, texts: dict, anonymous: bool, errors: dict) -> None:
        """Who told us: nobody for a case staff found; for a call, a visit or a letter a name or
        a contact, unless anonymous, which only the kinds the settings allow may be (R3)."""
        if channel is Channel.STAFF_FOUND:
            for name in ("name", "email", "phone", "anonymous"):
                if texts.get(name) or (name == "anonymous" and anonymous):
                    errors.setdefault(name, "not_for_staff_found")
            return
        if anonymous and kind is not None and kind.value not in self._rules.anonymous_kinds:
            errors.setdefault("anonymous", "not_allowed")
        elif channel in _FROM_A_PERSON and not anonymous \
                and not any(texts[name] for name in ("name", "email", "phone")) \
                and not {"name", "email", "phone"} & set(errors):
            errors["name"] = "name_contact_or_anonymous"

    def _received_at(self, value, errors: dict) -> datetime | None:
        """When it reached us; None (now) when not given. A time without a zone is the
        platform's (as the clerk reads it off the wall)."""
        try:
            moment = staff_moment(value, self._rules.timezone)
        except ValueError:
            errors["received_at"] = "invalid_time"
            return None
        if moment is None:
            return None
        now = self._clock.now()
        if moment > now + CLOCK_SKEW:
            errors["received_at"] = "in_future"
        elif moment < now - MAX_AGE:
            errors["received_at"] = "too_old"
        return min(moment, now).astimezone(UTC)

    # -- a repeated request --------------------------------------------------------------------

    def _derived_code(self, who: Requester, request_id: str):
        digest = hmac.new(self._rules.request_key,
                          f"offline-access:{who.member.id}:{request_id}".encode(),
                          hashlib.sha256).digest()
        return lambda number: code_from_digest(digest)

    def _earlier(self, key: str, who: Requester, request_id: str) -> dict | None:
        """The result of the member's request registered before under this id, or None."""
        record = self._store.find_mail(key) if key else None
        case = self._store.get_case(record.case_number) if record and record.case_number else None
        if case is None:
            return None
        registered = CaseRegistered(case.number, self._derived_code(who, request_id)(case.number),
                                    case.kind, case.received_at, case.review_due_at,
                                    self._acknowledgment(case.number),
                                    review_due_provisional=REVIEW in shown_provisional(case))
        return {**_result(registered, case.channel), "repeated": True}

    def _acknowledgment(self, number: str) -> Acknowledgment:
        for event in self._store.case_events(number, public_only=False, limit=10):
            if event.type == EventType.NOTICE_QUEUED:
                return Acknowledgment.QUEUED
            if event.type == EventType.ACKNOWLEDGMENT_SKIPPED:
                return Acknowledgment(event.data.get("reason", Acknowledgment.ADDRESS_LIMIT))
        return Acknowledgment.NO_ADDRESS


def _result(registered: CaseRegistered, channel: Channel) -> dict:
    return {"number": registered.number, "access_code": registered.access_code,
            "kind": registered.kind.value, "channel": channel.value,
            "received_at": iso(registered.received_at),
            "review_due_at": iso(registered.review_due_at),
            # Counted on a year without calendar data: it may change (the sweep counts it again).
            "review_due_provisional": registered.review_due_provisional,
            "acknowledgment": registered.acknowledgment.value,
            "acknowledgment_queued": registered.acknowledgment_queued}

