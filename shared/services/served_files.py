"""How a stored file is handed to staff: shown in the browser, or saved — decided by what its
bytes are, never by its name or the type it was declared with.

Only a plain raster image whose whole structure was walked (`raster_images`) and that carries no
markup is shown inline, as its real type. Everything else is a download: a PDF or an MP4 that
its content proves to be keeps its type, UTF-8 text without markup is `text/plain`, and all the
rest — HTML, SVG, XML, a polyglot, an executable, anything unknown — is
`application/octet-stream`, so no browser renders it in our origin (`shared/web/file_answers.py`
adds the headers). A raw email is `message/rfc822` (the system stored it as such), saved too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import filetype

from .attachments import sniff_type
from .raster_images import verified_image

OCTET_STREAM = "application/octet-stream"
RAW_MAIL = "message/rfc822"
# Types a download keeps when the content proves them: a viewer of its own opens them, not a page.
KEPT_WHEN_PROVEN = frozenset({"application/pdf", "video/mp4"})
# Markup a browser would run or render if it ever sniffed the file as a page. Five bytes or more,
# so that random bytes of a compressed image do not hit one by chance (about once in 10^11).
# Searched in the lower-cased bytes: a pattern that starts with a literal lets the regex engine
# skip to each `<` (a case-insensitive alternation over 10 MB took 40 times as long).
# The extensions of each verified image type, the first one added to a name that has none of them.
IMAGE_EXTENSIONS = {"image/png": ("png",), "image/jpeg": ("jpg", "jpeg", "jpe", "jfif"),
                    "image/gif": ("gif",), "image/webp": ("webp",)}
_MARKUP = re.compile(rb"<(?:script|html|svg[\s>/]|!doctype|\?xml|iframe|object|embed|body|meta"
                     rb"|link|style|img\s|base|form)")


@dataclass(frozen=True)
class ServedFile:
    """A file as it is handed out: its bytes, the name it is saved under (as stored: control and
    direction characters already escaped), its content type and whether it is shown inline."""

    data: bytes
    filename: str
    content_type: str
    inline: bool = False


def served_file(data: bytes, filename: str) -> ServedFile:
    """An attachment as staff receive it: inline only when it is a verified raster image."""
    lowered = data.lower()
    markup = _MARKUP.search(lowered) is not None or b"javascript:" in lowered
    image = verified_image(data)
    if image and not markup:
        return ServedFile(data, image_filename(filename, image), image, inline=True)
    return ServedFile(data, filename, _download_type(data, markup))


def image_filename(filename: str, image: str) -> str:
    """The name an image shown inline is saved under: ending in its verified type's extension
    (`a.exe` → `a.exe.png`), so "Save image as" never proposes a program's name."""
    extensions = IMAGE_EXTENSIONS[image]
    if filename.lower().endswith(tuple("." + ext for ext in extensions)):
        return filename
    return f"{filename}.{extensions[0]}"


def served_raw_mail(data: bytes, filename: str) -> ServedFile:
    """A raw email as it arrived (or a held message): always saved, as message/rfc822."""
    return ServedFile(data, filename, RAW_MAIL)


def _download_type(data: bytes, markup: bool) -> str:
    kind = filetype.guess(data)
    if kind is not None and kind.mime in KEPT_WHEN_PROVEN:
        return kind.mime
    if kind is None and not markup and sniff_type(data) == "text/plain":
        return "text/plain; charset=utf-8"
    return OCTET_STREAM
