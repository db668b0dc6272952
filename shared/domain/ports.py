"""Ports: what the services need from the outside world. Adapters implement them."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from email.message import EmailMessage
from typing import Protocol

from .cases import Case, HeldMail, MailRecord, ReporterIdentity, TimelineEvent
from .failed_mail import FailedMailPage
from .held_mail import HeldEntry, HeldMailPage, Resolution
from .outbox import OutboxMessage
from .queues import CasePage, CaseQuery
from .rate_limits import CounterSlot
from .sessions import Session
from .staff import StaffMember


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""


class CaseStore(Protocol):
    """The case store. Every method is atomic; methods taking a function run it inside a
    transaction and retry it on conflict, so it must have no side effects besides its arguments."""

    def register(
        self, case: Case, identity: ReporterIdentity, outbox: list[OutboxMessage],
        mail_keys: Sequence[str] = (), counters: Sequence[CounterSlot] = (),
    ) -> None:
        """Write the case, its new events, its private record, its outbox entries and the keys
        of the inbound message that opened it in one transaction, and count one more in each
        counter slot. Raises CaseNumberTaken or MailAlreadyRecorded when the number or a mail key
        exists, and LimitReached when a slot with a limit is already at it; then nothing is
        written (the check and the count are one transaction, so concurrent registrations never
        pass a limit)."""

    def get_case(self, number: str) -> Case | None:
        """The case document (without its events), or None."""

    def case_events(self, number: str, *, public_only: bool, after_seq: int = 0,
                    limit: int = 50) -> list[TimelineEvent]:
        """Up to `limit` events of the case with a sequence number above `after_seq`, oldest
        first; only those the reporter sees when `public_only`. Empty for an unknown case."""

    def find_cases(self, query: CaseQuery, limit: int = 50, after: str | None = None) -> CasePage:
        """One page of the cases matching `query`, in its order, starting after the cursor of
        the previous page (None: from the start). Raises ValueError for a malformed cursor."""

    def count_cases(self, query: CaseQuery) -> int:
        """How many cases `find_cases(query)` lists over all its pages, in one aggregation (no
        case is read). Countable: the filters of one index — a single filter, status with
        department or with assignee, and for the overdue order department or assignee alone —
        and no word search (`queues.countable`); anything else is refused (ValueError)."""

    def due_cases(self, now: datetime, limit: int) -> list[Case]:
        """Cases whose next deadline is at or before `now`, the longest overdue first."""

    def get_identity(self, number: str) -> ReporterIdentity | None:
        """The private record of the case's reporter, or None."""

    def update_case(
        self, number: str, change: Callable[[Case], list[OutboxMessage] | None],
        mail_keys: Sequence[str] = (),
    ) -> Case:
        """Read the case, apply `change`, write it back with the events it recorded, any outbox
        entries it returns and the given inbound mail keys, in one transaction. Raises
        CaseNotFound or MailAlreadyRecorded."""

    def update_case_as_read(
        self, case: Case, change: Callable[[Case], list[OutboxMessage] | None],
    ) -> Case:
        """`update_case` for a case as `due_cases` returned it, without reading it again: apply
        `change` to it and write the lot in one commit only if the stored case is still as it
        was read (else, or for a case not read so, `update_case`: read, change, write). Raises
        CaseNotFound."""

    def get_outbox(self, message_id: str) -> OutboxMessage | None:
        """One outbox entry, or None."""

    def update_outbox(
        self, message_id: str, change: Callable[[OutboxMessage, Case | None], bool],
        mail_keys: Sequence[str] = (), synced: bool = True,
    ) -> OutboxMessage | None:
        """Read an outbox entry and its case, apply `change` to both; write them back (with the
        events it recorded) when it returns True, with `mail_keys` (our sent Message-IDs)
        pointing at the case. An entry of no case (`case_number` "", a period's mail) is
        changed and written alone (`change` gets None). Returns the entry as written, or None
        when it was not written or is missing. `synced=False` (delivery's own claim and
        settlement, whose loss only sends the message again with its Message-ID): an embedded
        store may let the commit reach the disk with the next synced one."""

    def due_outbox(self, now: datetime, limit: int) -> list[OutboxMessage]:
        """Pending entries due by `now`, and sending entries whose lease ran out, oldest first."""

    def failed_outbox(self, limit: int = 50, after: str | None = None) -> FailedMailPage:
        """One page of the entries given up on (FAILED), newest failure first (`failed_at`, then
        id, descending), after the cursor of the previous page (None: from the start). Raises
        ValueError for a malformed cursor or a page size outside 1..MAX_PAGE."""

    def count_failed_outbox(self) -> int:
        """How many entries are given up on (and not sent again)."""

    def waiting_outbox(self, after: datetime, limit: int) -> list[OutboxMessage]:
        """Up to `limit` entries awaiting delivery (pending, or being sent) whose due moment is
        at or after `after`, soonest first: the due index read from `after` on."""

    def reschedule_outbox(self, ids: Sequence[str],
                          change: Callable[[OutboxMessage], bool]) -> int:
        """Apply `change` to each entry named (at most MAX_PAGE) in one transaction, writing
        those it returns True for; the entries' cases are neither read nor written. Returns how
        many were written."""

    def waiting_outbox_of_case(self, number: str) -> list[OutboxMessage]:
        """The case's entries awaiting delivery (pending, or being sent)."""

    def find_mail(self, key: str) -> MailRecord | None:
        """What an inbound or sent message key points at, or None when unknown."""

    def hold_mail(self, held: HeldMail, mail_keys: Sequence[str]) -> None:
        """Keep mail that belongs to no case. Raises MailAlreadyRecorded."""

    def held_mail(self, limit: int) -> list[HeldMail]:
        """Held mail, open or settled, newest first."""

    def open_held_mail(self, limit: int = 50, after: str | None = None) -> HeldMailPage:
        """One page of the held mail no staff member settled yet, newest first (received_at,
        then id, descending), after the cursor of the previous page (None: from the start).
        Raises ValueError for a malformed cursor or a page size outside 1..MAX_PAGE."""

    def get_held_mail(self, held_id: str) -> HeldEntry | None:
        """One held entry, open or settled, or None."""

    def settle_held_mail(self, held_id: str, resolution: Resolution) -> HeldEntry:
        """Record how staff settled an open entry, which leaves the open queue; atomic, and once
        only: raises HeldMailNotFound, or HeldMailSettled (changing nothing) when the entry was
        settled before."""

    def count_hit(self, slot: CounterSlot) -> int:
        """Count one more event in the slot; return its count."""

    def read_counters(self, slots: Sequence[CounterSlot]) -> list[int]:
        """The current counts of the slots (0 for a slot never counted), in one read."""

    def statistics_counts(self, start: date, end: date) -> dict[date, dict[str, int]]:
        """The statistics counters (`statistics_counters`) of the days from `start` (inclusive)
        to `end` (exclusive): by day, counter name → count (days and names at 0 left out).
        One range read of at most a document (or a few shards) per day, never the cases."""

    def replace_statistics_counts(self, days: dict[date, dict[str, int]]) -> None:
        """Replace every statistics counter by `days` (`tools.recount_statistics`). SQLite: one
        transaction. Firestore: in batches, so run it while nothing else writes cases."""


class PeriodMailStore(Protocol):
    """Mail sent once per period and not about a case (the statistics bulletin to leaders);
    both case stores implement it."""

    def period_mail_claimed(self, claim: str) -> bool:
        """Whether the claim (a key naming the mail and its period) is taken."""

    def queue_period_mail(self, claim: str, outbox: list[OutboxMessage], at: datetime) -> bool:
        """Take the claim and write the outbox entries (of no case: `case_number` "") in one
        transaction, and return True; when the claim is taken already, write nothing and
        return False (two sweeps at once: one queues, the other finds the claim)."""


class MailTransport(Protocol):
    def send(self, message: EmailMessage) -> list[str]:
        """Hand the message over for delivery; return the Message-IDs it will carry (a provider
        may add its own). Raises DeliveryFailed."""


class AttachmentStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store a file under `key`."""

    def get(self, key: str) -> bytes:
        """The file's bytes. Raises KeyError when missing."""

    def delete(self, key: str) -> None:
        """Remove the file if present."""


class MailComposer(Protocol):
    def compose(self, message: OutboxMessage, case: Case, recipient: str) -> EmailMessage:
        """Render the outbox entry into a complete email addressed to `recipient`."""


class NotificationVerifier(Protocol):
    def verify(self, notification: dict) -> None:
        """Check an SNS message's signature and origin. Raises ForgedNotification."""

    def confirm_subscription(self, notification: dict) -> None:
        """Confirm a verified SubscriptionConfirmation."""


class RawMailSource(Protocol):
    def fetch(self, bucket: str, key: str) -> bytes:
        """The raw message the SES receipt rule stored. Raises KeyError when it is missing."""


class PasswordHasher(Protocol):
    """Staff passwords (local sign-in), hashed with a memory-hard key derivation function."""

    def hash(self, password: str) -> str:
        """A self-describing hash of the password (algorithm, parameters, salt), never the password."""

    def verify(self, password: str, stored: str) -> bool:
        """Whether the password matches the stored hash; False for a wrong or malformed one."""

    def needs_rehash(self, stored: str) -> bool:
        """Whether the hash was made with weaker parameters than today's (rehash at sign-in)."""


class StaffStore(Protocol):
    """Staff records; both case stores implement it. Email addresses are unique, compared
    case-insensitively (`staff.email_key`)."""

    def put_staff(self, member: StaffMember, password_hash: str = "") -> None:
        """Create or replace the member (by id). An empty `password_hash` keeps the stored one
        (none for a new member). Raises StaffEmailTaken when another member has the address;
        then nothing is written."""

    def get_staff(self, staff_id: str) -> StaffMember | None:
        """The member, or None."""

    def staff_by_email(self, email: str) -> StaffMember | None:
        """The member with this address in any letter case, or None."""

    def list_staff(self) -> list[StaffMember]:
        """Every member, by id (staff are a few hundred at most: no paging)."""

    def staff_password_hash(self, staff_id: str) -> str:
        """The member's stored password hash; empty when none (or no such member)."""


class IdentityVerifier(Protocol):
    """Who signed in, as vouched for by an identity provider in front of us (IAP in the cloud)."""

    def verified_email(self, assertion: str) -> str:
        """The email address the provider signed into `assertion`, after checking its signature,
        issuer, audience and expiry. Raises NotSignedIn when any check fails."""


class SessionStore(Protocol):
    """Staff sessions of the local sign-in, by the SHA-256 of their token; both case stores
    implement it."""

    def put_session(self, session: Session) -> None:
        """Store the session (never its token)."""

    def session(self, token_hash: str) -> Session | None:
        """The session with this token hash, or None (expired ones may be returned: the caller
        checks `expires_at`)."""

    def delete_session(self, token_hash: str) -> None:
        """Forget the session at once; nothing happens when there is none."""


class ReporterMarkStore(Protocol):
    """Report marks that follow the reporter by keyed hashes of their contact, and the reward
    ledger (R21, `report_marks.py`); both case stores implement it. Tallies and ledger entries are
    plain dicts."""

    def mark_case(self, number: str, change: Callable[[Case], None],
                  keys: Sequence[str], follow=None) -> Case:
        """Read the case, apply `change` (which may move `case.report_mark`), write it with its
        events and bring the tally of each key in step with the move (`report_marks.tallied`),
        in one transaction. `follow` (`report_marks.Follow`, the misuse policy) then sees the
        case and the moved tallies and gives the tallies to write and outbox entries to queue,
        in the same transaction. Raises CaseNotFound."""

    def reporter_tallies(self, keys: Sequence[str]) -> dict[str, dict]:
        """The tallies of those keys that have one, by key."""

    def record_reward(self, number: str, entry: dict,
                      change: Callable[[Case], None]) -> tuple[dict, Case | None]:
        """Write the ledger entry (`report_marks.reward_entry`) with the case as `change` leaves
        it, in one transaction: (the entry, the case as written). When an entry with its
        `reward_id` exists already, nothing is written: (that entry, None). Raises CaseNotFound."""

    def reward_ledger(self, limit: int, after: str | None = None, low: str = "",
                      high: str = "") -> tuple[list[dict], str | None]:
        """Ledger entries newest first (by `ledger_key`, descending), those with a key below
        `after`, at or above `low` and below `high` ("" for no bound); up to `limit`, and the
        cursor of the next page (None at the end)."""

    def reward_totals(self, low: str = "", high: str = "") -> tuple[int, int]:
        """(entries, fen paid) of the ledger between the keys `low` and `high`."""


class DisclosureStore(Protocol):
    """Public disclosures of major cases (R22, `disclosures.py`); both case stores implement it.
    The published records are plain dicts (`disclosures.public_disclosure`)."""

    def update_disclosure(self, number: str, change: Callable[[Case], None]) -> Case:
        """Read the case, apply `change` (a disclosure command), write it with its events and
        bring its published record in step with it — written when the case's disclosure is
        approved, removed otherwise — in one transaction. Raises CaseNotFound."""

    def published_disclosures(self, low: str, high: str, limit: int) -> list[dict]:
        """Published records whose `published_key` is at or above `low` and below `high`,
        newest first, up to `limit`."""
