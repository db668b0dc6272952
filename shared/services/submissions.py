"""What a person submits, and the checks it must pass before anything is stored (R2, R3)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from shared.domain.cases import Channel, Kind
from shared.domain.categories import is_valid_category
from shared.domain.errors import InvalidSubmission
from shared.domain.typed_text import without_controls

from .attachments import BIDI_CONTROLS, UploadedFile, check_files

LIMITS = {"subject": 500, "description": 10000, "desired_outcome": 2000, "name": 100}
MIN_DESCRIPTION = 5


@dataclass
class SubmitCase:
    """Command: register a complaint or a report."""

    kind: str
    category: str
    subject: str
    description: str
    desired_outcome: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    anonymous: bool = False
    good_faith: bool = False
    language: str = "zh-CN"
    channel: Channel = Channel.WEB_FORM
    files: list[UploadedFile] = field(default_factory=list)
    form_token: str = ""  # the rendered form's token: the same form registers once


@dataclass(frozen=True)
class SubmissionRules:
    anonymous_kinds: frozenset[str]
    check_deliverability: bool
    max_files: int
    max_file_bytes: int


@dataclass(frozen=True)
class CleanSubmission:
    kind: Kind
    category: str
    subject: str
    description: str
    desired_outcome: str
    name: str
    email: str
    phone: str
    anonymous: bool
    language: str
    channel: Channel
    files: list[UploadedFile]


# Characters that show nothing: a text made only of them is empty, whatever its length.
_BLANK_LETTERS = re.compile("[\u115f\u1160\u3164\uffa0\u2800]")


def clean_text(value: str) -> str:
    """Text as typed, NFC, with Windows line ends gone, trimmed, and without control characters
    and direction overrides (`typed_text`: they would show raw on every page and mail)."""
    value = without_controls((value or "").replace("\r\n", "\n"))
    return unicodedata.normalize("NFC", value).strip()


def is_blank(text: str) -> bool:
    """True when nothing in the text can be seen: only spaces, zero-width characters, direction
    controls and the like."""
    return not any(unicodedata.category(ch)[0] not in "CZ" and not ch.isspace()
                   for ch in _BLANK_LETTERS.sub("", text))


def _text(value: str) -> str:
    text = clean_text(value)
    return "" if is_blank(text) else text


def _name(value: str) -> str:
    # A name is shown to staff beside others; direction controls could make it read as another.
    return _text(BIDI_CONTROLS.sub("", value or ""))


def clean(command: SubmitCase, rules: SubmissionRules) -> CleanSubmission:
    """Validate a submission; raise InvalidSubmission naming every bad field."""
    errors: dict[str, str] = {}
    kind = Kind(command.kind) if command.kind in set(Kind) else None
    if kind is None:
        errors["kind"] = "invalid_choice"
    elif not is_valid_category(kind, command.category):
        errors["category"] = "invalid_choice"
    texts = {name: _text(getattr(command, name)) for name in LIMITS}
    texts["name"] = _name(command.name)
    for name, limit in LIMITS.items():
        if len(texts[name]) > limit:
            errors[name] = "too_long"
    if not texts["subject"]:
        errors["subject"] = "required"
    if len(texts["description"]) < MIN_DESCRIPTION:
        errors["description"] = "required" if not texts["description"] else "too_short"
    anonymous = bool(command.anonymous)
    if anonymous and (kind is None or kind.value not in rules.anonymous_kinds):
        errors["anonymous"] = "not_allowed"
    if kind == Kind.REPORT and not command.good_faith:
        errors["good_faith"] = "required"
    email = _email(command.email, rules, errors)
    phone = _phone(command.phone, errors)
    if not anonymous and not (email or phone) and "email" not in errors and "phone" not in errors:
        may_be_anonymous = kind is not None and kind.value in rules.anonymous_kinds
        errors["email"] = "contact_or_anonymous" if may_be_anonymous else "contact_required"
    file_error = check_files(command.files, rules.max_files, rules.max_file_bytes)
    if file_error:
        errors["files"] = file_error
    if errors:
        raise InvalidSubmission(errors)
    return CleanSubmission(
        kind=kind,
        category=command.category,
        subject=texts["subject"],
        description=texts["description"],
        desired_outcome=texts["desired_outcome"] if kind == Kind.COMPLAINT else "",
        name="" if anonymous else texts["name"],
        email=email,
        phone="" if anonymous else phone,
        anonymous=anonymous,
        language=command.language,
        channel=command.channel,
        files=command.files,
    )


def _email(raw: str, rules: SubmissionRules, errors: dict[str, str]) -> str:
    raw = _text(raw)
    if not raw:
        return ""
    from email_validator import EmailNotValidError, validate_email  # lazily: cold starts

    try:
        # No SMTPUTF8: SES and most servers cannot deliver to a non-ASCII mailbox name; an
        # internationalised domain is fine and is sent in its ASCII (punycode) form.
        result = validate_email(raw, check_deliverability=rules.check_deliverability,
                                allow_smtputf8=False)
    except EmailNotValidError:
        errors["email"] = "invalid_email"
        return ""
    return result.ascii_email or result.normalized


def _phone(raw: str, errors: dict[str, str]) -> str:
    raw = _text(raw)
    if not raw:
        return ""
    import phonenumbers  # lazily: it is the heaviest import on the cold-start path

    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        errors["phone"] = "invalid_phone"
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
