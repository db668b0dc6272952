"""What leaves the system about a case, for a regulator or a court (R18): the whole case as one
HTML document, and its raw inbound emails as they arrived. Each export and each raw email's
download is recorded on the case first (`case_exported`: who, from where, what), in any status,
an archived case's too. The reporter stays masked in the document (an export is no reveal); a
raw email shows its sender in clear, so its download is recorded on every case, confidential or
not, and refused to a member who declared a conflict with the respondent (R23), like a reveal.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.domain.archive import RecordExport
from shared.domain.audit import verify_chain
from shared.domain.case_updates import RecordConfidentialRead
from shared.domain.cases import Case
from shared.domain.errors import CommandRefused
from shared.domain.handling_policy import HandlingPolicy
from shared.domain.lifecycle import apply
from shared.domain.permissions import Action
from shared.domain.ports import AttachmentStore, CaseStore, Clock
from shared.domain.staff import Requester

from .audit_chain import all_events
from .case_export_document import ExportDocument
from .case_handling import CaseHandling
from .case_raw_mail import RawMail, raw_mails


class RawMailNotFound(LookupError):
    """No raw email of that number on the case (or its file is gone from storage)."""


@dataclass(frozen=True)
class ExportedFile:
    filename: str
    data: bytes


class CaseExports(CaseHandling):
    """`export`, `raw_mail_list`, `raw_mail` (`Services.case_exports`)."""

    def __init__(self, store: CaseStore, clock: Clock, files: AttachmentStore, renderer,
                 policy: HandlingPolicy = HandlingPolicy()):
        super().__init__(store, clock, policy)
        self._files = files
        self._renderer = renderer

    def export(self, who: Requester, number: str, language: str = "zh-CN") -> ExportedFile:
        """The case as one self-contained HTML document in `language`: its facts, the reporter
        masked, every event, the decision with its reasons and measures, the attachments and
        raw emails listed, and the check of its audit chain — the export's own record included
        (written first, so the document names the event that recorded it)."""
        case = self._case(who, number, Action.EXPORT_CASE)

        def change(current: Case, now: datetime):
            apply(current, RecordExport(who.actor, client=who.client, what="case",
                                        language=language), now)

        written = self._update(who, case, Action.EXPORT_CASE, change)
        # The events the written case knows: one written meanwhile is not in its chain's head.
        events = [e for e in all_events(self._store, number) if e.seq <= written.event_count]
        broken = verify_chain(written.number, events, head=written.audit_head)
        document = ExportDocument(written, self._store.get_identity(written.number), events,
                                  raw_mails(events), broken, who.member.id)
        html = document.render(self._renderer, language, self._clock.now())
        return ExportedFile(f"case-{written.number}.html", html.encode("utf-8"))

    def raw_mail_list(self, who: Requester, number: str) -> dict:
        """The case's raw emails, numbered from 1, without their senders: `{"number", "items"}`.
        Reading a confidential case's list is recorded like any read of it."""
        case = self._case(who, number, Action.READ_CASE)
        if case.confidential:
            def change(current: Case, now: datetime):
                apply(current, RecordConfidentialRead(who.actor, client=who.client,
                                                      what="raw_mail"), now)

            self._update(who, case, Action.READ_CASE, change)
        found = raw_mails(all_events(self._store, case.number))
        return {"number": case.number, "items": [m.as_dict(case.number) for m in found]}

    def raw_mail(self, who: Requester, number: str, index: int) -> ExportedFile:
        """Raw email `index` (from 1) as it arrived, recorded on the case before it is returned.
        Raises RawMailNotFound for a number the case has not (or a file gone from storage)."""
        case = self._case(who, number, Action.EXPORT_CASE)
        if who.member.declared_conflict_with(case.respondent):
            raise CommandRefused(f"recusal: {who.member.id} declared a conflict with the "
                                 "respondent (R23)")
        found = self._one(case, index)
        try:
            data = self._files.get(found.key)
        except KeyError:
            raise RawMailNotFound(f"{case.number} raw email {index}: file missing") from None

        def change(current: Case, now: datetime):
            apply(current, RecordExport(who.actor, client=who.client, what="raw_mail",
                                        index=found.index, raw_key=found.key), now)

        self._update(who, case, Action.EXPORT_CASE, change)
        return ExportedFile(found.filename(case.number), data)

    def _one(self, case: Case, index) -> RawMail:
        if isinstance(index, bool) or not isinstance(index, int) or index < 1:
            raise RawMailNotFound(f"{case.number} raw email {index!r}")
        for mail in raw_mails(all_events(self._store, case.number)):
            if mail.index == index:
                return mail
        raise RawMailNotFound(f"{case.number} raw email {index}")
