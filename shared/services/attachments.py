"""Attachments: count and size limits, type by content (not by name), safe file names, and
putting accepted files into object storage."""
from __future__ import annotations

import re
import unicodedata
import uuid
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


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    data: bytes

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


def safe_filename(name: str) -> str:
    """The last path component, NFC-normalised, without control or reserved characters."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = unicodedata.normalize("NFC", base)
    base = _UNSAFE.sub("_", base).strip(" .")
    if len(base) > 100:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: 100 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else base[:100]
    return base if base.strip("_ .") else "attachment"


def check_files(files: list[UploadedFile], max_files: int, max_bytes: int) -> str | None:
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
    content_type = content_type or sniff_type(upload.data)
    name = safe_filename(upload.filename)
    key = f"attachments/{uuid.uuid4().hex}/{name}"
    files.put(key, upload.data, content_type)
    return Attachment(key, name, content_type, upload.size)
