"""What becomes of an inbound message's attachments: which are kept, and one bounded line for the
ones that had to be dropped."""
from __future__ import annotations

from dataclasses import dataclass

from shared.domain.cases import EventType, TimelineEvent

from .attachments import UploadedFile, attachment_name, check_files
from .mail_parsing import ParsedMail

DROPPED_LISTED = 20  # names listed in the one event; the rest are counted


@dataclass(frozen=True)
class MailFiles:
    accepted: list[UploadedFile]  # checked, to be stored with the case or the reply
    dropped: list[str]  # one line per dropped file: name, reason, size

    def dropped_event(self, now) -> TimelineEvent | None:
        """One event for every dropped file, however many: a 500-part message must not write
        hundreds of events. The first names are listed, the rest counted."""
        if not self.dropped:
            return None
        text = "; ".join(self.dropped[:DROPPED_LISTED])
        if len(self.dropped) > DROPPED_LISTED:
            text += f"; … (+{len(self.dropped) - DROPPED_LISTED})"
        return TimelineEvent(EventType.ATTACHMENT_DROPPED, now, text=text,
                             data={"count": len(self.dropped)})


def sort_files(mail: ParsedMail, max_files: int, max_file_bytes: int) -> MailFiles:
    """Check each attachment like the form's (a forwarded message only by size) and accept at
    most `max_files`."""
    accepted, dropped = [], []
    for part in mail.attachments:
        forwarded = part.content_type == "message/rfc822"  # evidence, kept whole
        upload = UploadedFile(part.filename, part.data, part.content_type if forwarded else None)
        if forwarded:
            problem = "file_too_large" if upload.size > max_file_bytes else None
        else:
            problem = check_files([upload], 1, max_file_bytes)
        if problem is None and len(accepted) >= max_files:
            problem = "too_many_files"
        if problem:
            dropped.append(f"{attachment_name(upload.filename)} ({problem}, {upload.size} bytes)")
        else:
            accepted.append(upload)
    return MailFiles(accepted, dropped)
