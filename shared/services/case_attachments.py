"""A case's attachments for staff to open (`Services.case_attachments`): numbered from 1 in the
case's list (which only grows), each handed out as `served_files` decides — a verified raster
image inline, anything else saved.

Who may open one: whoever may read the case (the role table, need-to-know, confidentiality, and
nobody on a case about their own conduct), with the same checks as reading it. Opening one on a
confidential case is recorded first, like every read of it (`confidential_case_read`, `read:
attachment`, which one). A raw email kept as an attachment (held mail filed in the case) shows
its sender in clear, so it is opened only under the raw-email rules (`CaseExports.raw_mail`):
supervisors, leaders and auditors, not a member who declared a conflict with the respondent,
recorded on every case as a `case_exported` event.
"""
from __future__ import annotations

from datetime import datetime

from shared.domain.archive import RecordExport
from shared.domain.case_access import check
from shared.domain.case_updates import RecordConfidentialRead
from shared.domain.cases import Attachment, Case
from shared.domain.errors import CommandRefused
from shared.domain.handling_policy import HandlingPolicy
from shared.domain.lifecycle import apply
from shared.domain.permissions import Action
from shared.domain.ports import AttachmentStore, CaseStore, Clock
from shared.domain.staff import Requester

from .attachments import is_raw_message, shown_name
from .audit_chain import all_events
from .case_handling import CaseHandling
from .case_raw_mail import raw_mails
from .served_files import ServedFile, served_file, served_raw_mail


class AttachmentNotFound(LookupError):
    """No attachment of that number on the case (or its file is gone from storage)."""


class CaseAttachments(CaseHandling):
    """`attachment` (one file of a case, to show or save)."""

    def __init__(self, store: CaseStore, clock: Clock, files: AttachmentStore,
                 policy: HandlingPolicy = HandlingPolicy()):
        super().__init__(store, clock, policy)
        self._files = files

    def attachment(self, who: Requester, number: str, index: int) -> ServedFile:
        """Attachment `index` (from 1) of the case, as the member may receive it. Raises
        Forbidden or CaseNotFound (as reading the case does), AttachmentNotFound, and for a
        raw email CommandRefused (a declared conflict)."""
        case = self._case(who, number, Action.READ_CASE)
        found = _nth(case, index)
        if is_raw_message(found):
            return self._raw_message(who, case, found)
        data = self._bytes(case, found)
        if case.confidential:
            def change(current: Case, now: datetime):
                apply(current, RecordConfidentialRead(who.actor, client=who.client,
                                                      what="attachment", index=index), now)

            self._update(who, case, Action.READ_CASE, change)
        return served_file(data, shown_name(found.filename))

    def _raw_message(self, who: Requester, case: Case, found: Attachment) -> ServedFile:
        check(who.member, Action.EXPORT_CASE, case)
        if who.member.declared_conflict_with(case.respondent):
            raise CommandRefused(f"recusal: {who.member.id} declared a conflict with the "
                                 "respondent (R23)")
        data = self._bytes(case, found)
        listed = [m.index for m in raw_mails(all_events(self._store, case.number))
                  if m.key == found.key]

        def change(current: Case, now: datetime):
            apply(current, RecordExport(who.actor, client=who.client, what="raw_mail",
                                        index=listed[0] if listed else 0, raw_key=found.key),
                  now)

        self._update(who, case, Action.EXPORT_CASE, change)
        return served_raw_mail(data, shown_name(found.filename))

    def _bytes(self, case: Case, found: Attachment) -> bytes:
        try:
            return self._files.get(found.key)
        except KeyError:
            raise AttachmentNotFound(f"{case.number} attachment {found.key}: file missing") \
                from None


def _nth(case: Case, index) -> Attachment:
    if isinstance(index, bool) or not isinstance(index, int) or not \
            1 <= index <= len(case.attachments):
        raise AttachmentNotFound(f"{case.number} attachment {index!r}")
    return case.attachments[index - 1]
