"""What becomes of an inbound message's attachments: which are kept, and one bounded line for the
ones that had to be dropped; the HTML of an HTML-only message kept as a file of record; the
notes a message leaves on its case."""
from __future__ import annotations

from dataclasses import dataclass

from shared.domain.cases import SYSTEM, Attachment, EventType, TimelineEvent
from shared.domain.ports import AttachmentStore

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


def html_of_record(files: AttachmentStore, mail: ParsedMail) -> list[Attachment]:
    """The HTML of an HTML-only message, kept as a file of record (under mail/, with the raw
    message: never deleted with a failed registration's uploads)."""
    if not mail.text_from_html:
        return []
    key, data = f"mail/{mail.content_hash}.html", mail.html.encode("utf-8")
    files.put(key, data, "text/html")
    return [Attachment(key, "message.html", "text/html", len(data))]


def problem_events(mail: ParsedMail, files: MailFiles, now) -> list[TimelineEvent]:
    """What the case records about the message besides its text: dropped files, parser notes."""
    dropped = files.dropped_event(now)
    return ([dropped] if dropped else []) + [
        TimelineEvent(EventType.NOTE, now, text=note, actor=SYSTEM) for note in mail.notes]
