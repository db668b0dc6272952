"""Attachments: count and size limits, type by content (not by name), the name a person gave a
file (kept as data), a storage key bounded in bytes, and putting accepted files into object
storage — and taking them out again when what they belong to was not registered."""
from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import filetype

from shared.domain.cases import Attachment
from shared.domain.ports import AttachmentStore

ALLOWED_TYPES = {
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "application/pdf",
    "video/mp4",
    "text/plain",
}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
# Directional controls make "exe.png" read as "gnp.exe"; they are never part of a name.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# What a name never shows as itself: control characters, direction controls, line and paragraph
# separators, and invisible characters that hide what is next to them.
_HIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f"
                     "\u061c\u2028\u2029\ufeff]")
MAX_NAME_CHARS = 255  # the name as data: generous, but bounded
# The name inside a storage key: file systems allow 255 bytes per path component (ext4, APFS),
# and a UTF-8 Chinese character takes 3, so 84 of them no longer fit. Bytes, not characters.
MAX_KEY_NAME_BYTES = 100


# Raw messages are stored under mail/ (`mail_intake`): the whole (`.eml`) or an oversize one's
# head (`.head.eml`); a case keeps one as an attachment when held mail is filed in it. Other files
# under mail/ (an HTML-only message's `.html`) are a message's text, not its headers.
_RAW_MESSAGE_KEY = re.compile(r"mail/[^/]+\.eml")


def is_raw_message(attachment: Attachment) -> bool:
    """Whether the attachment is a raw email as it arrived (its sender in clear)."""
    return _RAW_MESSAGE_KEY.fullmatch(attachment.key) is not None


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    data: bytes
    content_type: str | None = None  # when known from elsewhere (a forwarded message/rfc822)

    @property
    def size(self) -> int:
        return len(self.data)


def sniff_type(data: bytes) -> str | None:
    """The content type the bytes really are, or None when it is none we accept."""
    kind = filetype.guess(data)
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED_TYPES else None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:
        return None
    return "text/plain"


def attachment_name(name: str) -> str:
    """The name a person gave the file, kept as data: its last path component, NFC, each
    control, direction or invisible character written out as a visible escape (`\\u202e`), so
    that staff see that `invoice\\u202egnp.exe` was made to read as `invoiceexe.png`; at most
    255 characters, the extension kept."""
    base = re.split(r"[/\\]", name or "")[-1]
    if not _HIDDEN.sub("", base).strip(" ."):  # nothing a person could read
        return "attachment"
    base = shown_name(unicodedata.normalize("NFC", base)).strip(" .")
    return _shortened(base, lambda text: len(text) <= MAX_NAME_CHARS) or "attachment"


def shown_name(name: str) -> str:
    """A name as shown to a person: control, direction and invisible characters escaped
    (`\\u202e`, visible); everything else, a double extension included, as it is."""
    return _HIDDEN.sub(lambda found: f"\\u{ord(found.group()):04x}", name)


def safe_filename(name: str) -> str:
    """The name as part of a storage key: no reserved characters, at most 100 bytes in UTF-8,
    the extension kept."""
    base = _UNSAFE.sub("_", attachment_name(name)).strip(" .")
    base = _shortened(base, lambda text: len(text.encode()) <= MAX_KEY_NAME_BYTES)
    return base if base.strip("_ .") else "attachment"


def _shortened(name: str, fits) -> str:
    """The name cut at a character boundary until it fits, keeping a short extension."""
    if fits(name):
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, dot, ext = name, "", ""
    while stem and not fits(stem + dot + ext):
        stem = stem[:-1]
    return stem + dot + ext if stem else ""


def check_files(files: Sequence[UploadedFile], max_files: int, max_bytes: int) -> str | None:
    """An error code for the first problem with the files, or None when they are acceptable."""
    if len(files) > max_files:
        return "too_many_files"
    for upload in files:
        if upload.size > max_bytes:
            return "file_too_large"
        if upload.size == 0 or sniff_type(upload.data) is None:
            return "file_type_not_allowed"
    return None


def store_upload(files: AttachmentStore, upload: UploadedFile,
                 content_type: str | None = None) -> Attachment:
    """Put an already checked upload into object storage under a fresh key."""
    content_type = content_type or upload.content_type or sniff_type(upload.data)
    key = f"attachments/{uuid.uuid4().hex}/{safe_filename(upload.filename)}"
    files.put(key, upload.data, content_type)
    return Attachment(key, attachment_name(upload.filename), content_type, upload.size)


@contextmanager
def stored_uploads(files: AttachmentStore, uploads: Sequence[UploadedFile]
                   ) -> Iterator[list[Attachment]]:
    """Store the uploads for the block; when the block (or a later put) fails, delete every file
    stored here, so no file outlives the case or addition it was for."""
    stored: list[Attachment] = []
    try:
        for upload in uploads:
            stored.append(store_upload(files, upload))
        yield stored
    except BaseException:
        for attachment in stored:
            files.delete(attachment.key)
        raise
