"""Notices staff commands send to the reporter: queued through the outbox when the reporter can
be written to, otherwise recorded on the case as not possible (staff then phone them)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from shared.domain.cases import Case, Channel, EventType, ReporterIdentity, TimelineEvent
from shared.domain.contact_clocks import notice_queued
from shared.domain.outbox import OutboxMessage, Template, queue_notice
from shared.domain.ports import CaseStore

FIRST_EVENTS = 50  # registration records its acknowledgment among a case's first events


class Reach(StrEnum):
    """Whether notices can go to the reporter by email, and if not, why."""

    EMAIL = "email"
    NO_ADDRESS = "no_address"  # registered without an address (a phone call, an anonymous report)
    BOUNCED = "bounced"  # our mail to them bounced
    UNVERIFIED_SENDER = "unverified_sender"  # an email whose From may be forged: never written to


WHY_NOT = {
    Reach.NO_ADDRESS: "the reporter left no email address",
    Reach.BOUNCED: "earlier mail to the reporter bounced",
    Reach.UNVERIFIED_SENDER: "the sender of the email was not verified, so nothing is sent to it",
}


def reach(store: CaseStore, case: Case, identity: ReporterIdentity | None) -> Reach:
    """How the case's reporter (`identity`, their private record as read by the command) can be
    told (read before the change; `notify` checks the bounce again on the case as it is written)."""
    if identity is None or not identity.reachable_by_email:
        return Reach.NO_ADDRESS
    if case.reporter_unreachable:
        return Reach.BOUNCED
    if case.channel == Channel.EMAIL and _sender_unverified(store, case.number):
        return Reach.UNVERIFIED_SENDER
    return Reach.EMAIL


def _sender_unverified(store: CaseStore, number: str) -> bool:
    """Whether registration withheld the acknowledgment because the From could be forged: a
    notice must not go to that address either (the registration's rule, kept)."""
    first = store.case_events(number, public_only=False, limit=FIRST_EVENTS)
    return any(e.type == EventType.ACKNOWLEDGMENT_SKIPPED
               and e.data.get("reason") == Reach.UNVERIFIED_SENDER.value for e in first)


def notify(case: Case, template: Template, now: datetime, reach: Reach, *, text: str = "",
           details: dict | None = None) -> list[OutboxMessage]:
    """Queue the notice (its outbox entry, to be written with the change), or record on the case
    that it could not be sent and why."""
    if reach == Reach.EMAIL and case.reporter_unreachable:
        reach = Reach.BOUNCED
    if reach == Reach.EMAIL:
        notice_queued(case, template, now)  # the first contact, when staff wrote it (R13)
        return [queue_notice(case, template, now, text=text, details=details)]
    case.record(TimelineEvent(EventType.NOTICE_NOT_POSSIBLE, now, text=WHY_NOT[reach],
                              data={"template": template.value, "reason": reach.value}))
    return []
