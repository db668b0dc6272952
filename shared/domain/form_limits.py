"""How much a form post with files may carry, part by part and in all: what the form's parser cuts
off while the body streams in, what the page tells the person, and what a platform in front of us
(Cloud Run takes at most 32 MiB in one HTTP/1 request) must let through."""
from __future__ import annotations

from dataclasses import dataclass

FORM_TEXT_ALLOWANCE = 1024 * 1024  # the form's texts and multipart framing, besides its files
# One text part: the longest field (10 000 characters) at 4 UTF-8 bytes each, and every line end
# sent as CR LF, fits with room to spare; anything longer was never typed into our form.
TEXT_PART_BYTES = 64 * 1024
# Parts of any kind: our forms have about fifteen fields and a few files.
MAX_PARTS = 64
CLOUD_RUN_REQUEST_CAP = 32 * 1024 * 1024  # Cloud Run's limit of one HTTP/1 request


@dataclass(frozen=True)
class PartLimits:
    """What one multipart body may hold: each text part, every text part together, the files'
    number, each file, and every file together."""

    text_part_bytes: int
    text_bytes: int
    max_files: int
    file_bytes: int
    files_bytes: int
    max_parts: int = MAX_PARTS


def files_total(max_files: int, max_file_bytes: int, max_total_bytes: int = 0) -> int:
    """The most all files of one post may hold together: every file at its largest, or less when
    a total is set (`max_total_bytes` > 0)."""
    every_file = max_files * max_file_bytes
    return min(every_file, max_total_bytes) if max_total_bytes > 0 else every_file


def body_limit(max_files: int, max_file_bytes: int, max_total_bytes: int = 0) -> int:
    """The largest body we read: the files at their largest together, plus the texts."""
    return files_total(max_files, max_file_bytes, max_total_bytes) + FORM_TEXT_ALLOWANCE


def part_limits(max_files: int, max_file_bytes: int, max_total_bytes: int = 0) -> PartLimits:
    """The cut-offs of the public form and the status page's additions."""
    return PartLimits(text_part_bytes=TEXT_PART_BYTES, text_bytes=FORM_TEXT_ALLOWANCE,
                      max_files=max_files, file_bytes=max_file_bytes,
                      files_bytes=files_total(max_files, max_file_bytes, max_total_bytes))
