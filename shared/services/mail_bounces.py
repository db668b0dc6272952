"""Delivery reports about mail we sent: the message failed, the reporter is unreachable."""
from __future__ import annotations

from shared.domain.cases import Case, EventType, TimelineEvent
from shared.domain.outbox import OutboxMessage
from shared.domain.ports import CaseStore, Clock

from .mail_parsing import ParsedMail, message_key


class Bounces:
    """Applies a DSN to the case whose message it reports, if that message is one of ours."""

    def __init__(self, store: CaseStore, clock: Clock, mail_domain: str):
        self._store = store
        self._clock = clock
        self._domain = mail_domain

    def apply(self, mail: ParsedMail, raw_key: str, keys: list[str]) -> tuple[str, str]:
        """(case number, detail) of the failed message the report is about, marked failed and
        its reporter unreachable; ("", reason to hold it) when it is about no message of ours."""
        report = mail.delivery_report
        for original in report.original_message_ids:
            record = self._store.find_mail(message_key(original))
            # Only a failure report about a message *we sent* counts: anyone can write a DSN
            # quoting the reporter's own Message-ID.
            if record is None or not record.sent or not record.case_number or not report.failed:
                continue
            detail = f"{report.status} {', '.join(report.recipients)}".strip()
            self._mark_unreachable(record.case_number, detail, original, raw_key, keys)
            self._fail_outbox(original, detail)
            return record.case_number, detail
        reason = "delivery report" + ("" if report.failed else " (not a failure)")
        return "", reason + " for no message of ours"

    def _mark_unreachable(self, number, detail, original, raw_key, keys) -> None:
        now = self._clock.now()

        def unreachable(case: Case):
            if case.reporter_unreachable:
                return None
            case.reporter_unreachable = True
            case.record(TimelineEvent(EventType.MAIL_BOUNCED, now, text=detail,
                                      data={"raw": raw_key, "message_id": original}))
            return None

        self._store.update_case(number, unreachable, mail_keys=keys)

    def _fail_outbox(self, message_id: str, detail: str) -> None:
        local, _, domain = message_id.strip("<>").partition("@")
        if domain != self._domain:
            return

        def bounced(message: OutboxMessage, case: Case) -> bool:
            message.failed(self._clock.now(), f"bounced: {detail}", None)
            return True

        self._store.update_outbox(local, bounced)
