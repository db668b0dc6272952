"""Mail delivery: turn outbox entries into sent email, idempotently, with visible retries (R4).

A delivery first claims the entry with a lease (a transaction), sends, then settles it (another
transaction that also appends the outcome to the case timeline: `notice_sent`, `notice_retrying` or
`notice_failed`, naming the template). Running twice, or two workers at once, sends once: the
second finds the entry sent or leased. A worker that dies after sending but
before settling leaves a lease that runs out; the entry is then sent again with the *same*
Message-ID, which receiving mail systems and clients collapse into one message — exactly-once over
SMTP or SES is impossible, so this is the narrowest window available. A lease that runs out on
the last attempt is not claimed again: the entry is given up (`failed_mail.INTERRUPTED`), like one
out of attempts, and staff see it in the failed-mail list. After failures of the transport, the
first send that goes through brings the entries waiting on it forward (`delivery_recovery`).

The claim and the settlement are the delivery's own bookkeeping (`synced=False`): losing either to
a power cut can only send the message again with the same Message-ID, the case the paragraph
above allows for, so the embedded store does not sync the disk for them; they reach it with the
next synced commit (a registration, any staff command). What a person is told is always synced.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum

from shared.domain.cases import EventType, TimelineEvent
from shared.domain.errors import DeliveryFailed
from shared.domain.failed_mail import INTERRUPTED
from shared.domain.outbox import Addressee, OutboxMessage, OutboxStatus, backoff, notice_data
from shared.domain.ports import CaseStore, Clock, MailComposer, MailTransport

from .delivery_recovery import TransportCircuit
from .mail_parsing import message_key
from .respondent_mail import compose_elsewhere, indexes_replies


class Outcome(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"  # nothing left to do: already sent, given up, or no such entry
    BUSY = "busy"  # leased by another worker, or not due yet: ask again later
    RETRYING = "retrying"
    FAILED = "failed"


@dataclass(frozen=True)
class DeliveryResult:
    outbox_id: str
    outcome: Outcome
    error: str = ""


class MailDelivery:
    """Delivers outbox entries through one transport."""

    def __init__(self, store: CaseStore, transport: MailTransport, composer: MailComposer,
                 clock: Clock, max_attempts: int = 8, lease: timedelta = timedelta(minutes=5),
                 circuit: TransportCircuit | None = None):
        self._store = store
        self.circuit = circuit or TransportCircuit(store, clock)
        self._transport = transport
        self._composer = composer
        self._clock = clock
        self._max_attempts = max_attempts
        self._lease = lease

    def deliver(self, outbox_id: str, respect_schedule: bool = True) -> DeliveryResult:
        """Deliver one entry if it is due (or at once, when `respect_schedule` is False)."""
        claimed: dict = {}

        def claim(message: OutboxMessage, case) -> bool:
            now = self._clock.now()
            claimed.clear()  # a transaction may run this again
            if not message.claimable(now, respect_schedule):
                finished = message.status in (OutboxStatus.SENT, OutboxStatus.FAILED)
                claimed["outcome"] = Outcome.SKIPPED if finished else Outcome.BUSY
                return False
            if self._interrupted(message):
                self._give_up(message, case, now, INTERRUPTED)
                claimed["outcome"] = Outcome.FAILED
                return True
            message.claim(now, self._lease)
            claimed["case"] = case
            return True

        message = self._store.update_outbox(outbox_id, claim, synced=False)
        if message is None or claimed.get("outcome") == Outcome.FAILED:
            return DeliveryResult(outbox_id, claimed.get("outcome", Outcome.SKIPPED),
                                  message.last_error if message else "")
        try:
            sent_ids = self._send(message, claimed["case"])
        except DeliveryFailed as exc:
            return self._settle_failure(message, str(exc), exc.permanent)
        except Exception as exc:  # a bug or an unexpected library error: retry, visibly
            return self._settle_failure(message, f"{type(exc).__name__}: {exc}", False)
        return self._settle_success(message, sent_ids)

    def deliver_due(self, limit: int = 50) -> list[DeliveryResult]:
        """Deliver up to `limit` entries that are due now (the sweep calls this). When a send
        brings waiting entries forward (the transport is back), they are due too: read again."""
        results: list[DeliveryResult] = []
        while len(results) < limit:
            recalled = self.circuit.recalled
            due = self._store.due_outbox(self._clock.now(), limit - len(results))
            results += [self.deliver(message.id) for message in due]
            if not due or self.circuit.recalled == recalled:
                return results
        return results

    def given_up_count(self) -> int:
        """How many entries are given up on and not sent again: the failed-mail list's length."""
        return self._store.count_failed_outbox()

    def _interrupted(self, message: OutboxMessage) -> bool:
        """Whether a claimable entry is one whose last attempt was claimed and never settled (its
        worker stopped; the lease ran out): given up, not claimed again without end."""
        return message.status == OutboxStatus.SENDING and message.attempts >= self._max_attempts

    @staticmethod
    def _give_up(message: OutboxMessage, case, now, error: str) -> None:
        message.failed(now, error, None)
        _record(case, TimelineEvent(EventType.NOTICE_FAILED, now, text=error[:500],
                                    data=notice_data(message, attempt=message.attempts)))

    def _send(self, message: OutboxMessage, case) -> list[str]:
        if message.template.addressee == Addressee.STAFF:
            message = self._to_staff(message)
        if message.template.addressee != Addressee.REPORTER:  # never reads the private record
            return self._transport.send(compose_elsewhere(self._composer, message, case))
        identity = self._store.get_identity(message.case_number)
        if identity is None or not identity.reachable_by_email:
            raise DeliveryFailed("the reporter left no email address", permanent=True)
        if case.reporter_unreachable:
            raise DeliveryFailed("earlier mail to the reporter bounced", permanent=True)
        return self._transport.send(self._composer.compose(message, case, identity.email))

    def _to_staff(self, message: OutboxMessage) -> OutboxMessage:
        """The entry with its staff member's address and name, looked up now (an address that
        changed since the notice was queued is the one used). A member gone or inactive is not
        told: a permanent failure, shown on the case."""
        staff_id = message.details.get("staff", "")
        member = self._store.get_staff(staff_id) if isinstance(staff_id, str) and staff_id else None
        if member is None or not member.active:
            raise DeliveryFailed(f"no active staff member {str(staff_id)[:80]!r}", permanent=True)
        details = {**message.details, "address": member.email, "name": member.display_name}
        return replace(message, details=details)

    def _settle_success(self, message: OutboxMessage, sent_ids: list[str]) -> DeliveryResult:
        def settle(current: OutboxMessage, case) -> bool:
            now = self._clock.now()
            if current.status == OutboxStatus.SENT:
                return False
            current.succeeded(now)
            _record(case, TimelineEvent(EventType.NOTICE_SENT, now, data=notice_data(current)))
            return True

        # Index what we sent, so that a reply quoting it in References joins the case.
        keys = [message_key(i) for i in sent_ids or []] if indexes_replies(message) else []
        self._store.update_outbox(message.id, settle, mail_keys=keys, synced=False)
        self.circuit.succeeded(message)  # after settling: nothing between send and settle
        return DeliveryResult(message.id, Outcome.SENT)

    def _settle_failure(self, message: OutboxMessage, error: str, permanent: bool):
        def settle(current: OutboxMessage, case) -> bool:
            now = self._clock.now()
            if current.status != OutboxStatus.SENDING:
                return False
            give_up = permanent or current.attempts >= self._max_attempts
            retry_at = None if give_up else now + backoff(current.attempts)
            current.failed(now, error, retry_at)
            event = EventType.NOTICE_FAILED if give_up else EventType.NOTICE_RETRYING
            _record(case, TimelineEvent(event, now, text=error[:500],
                                        data=notice_data(current, attempt=current.attempts)))
            return True

        written = self._store.update_outbox(message.id, settle, synced=False)
        self.circuit.failed(error, permanent)
        if written is None:
            return DeliveryResult(message.id, Outcome.SKIPPED, error)
        failed = written.status == OutboxStatus.FAILED
        return DeliveryResult(message.id, Outcome.FAILED if failed else Outcome.RETRYING, error)


def _record(case, event: TimelineEvent) -> None:
    """The delivery's outcome on the entry's case; a mail of no case (a period's bulletin) keeps
    it on the entry alone (status, attempts, last error)."""
    if case is not None:
        case.record(event)
