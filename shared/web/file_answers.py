"""Every file the staff function hands out — an attachment, a raw email, a held message, an
export — answered the same way, by the staff API and the console alike.

The headers make the browser treat the bytes as what `served_files` decided and nothing else:
`nosniff` (no guessing a page out of a file), `Content-Security-Policy: default-src 'none';
sandbox` (were it rendered anyway, it runs nothing, loads nothing and has no origin), `no-store`
(a shared computer keeps no copy). The name goes into `Content-Disposition` twice (RFC 6266):
`filename*=UTF-8''…` (RFC 5987, percent-encoded, for every browser in use) and an ASCII
`filename="…"` for the rest; both without control or direction characters, quotes or path
separators, so a name can neither break the header nor choose where the file is saved.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from shared.services.served_files import ServedFile

FILE_CSP = "default-src 'none'; sandbox"
FILE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": FILE_CSP,
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# Never in a header's file name: controls, direction and invisible characters, quotes, path
# separators, and the characters Windows refuses in a name.
_NOT_IN_HEADER = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f"
                            "\u061c\u2028\u2029\ufeff\"'`/\\\\:*?<>|;]")
_RFC5987_SAFE = "!#$&+-.^_`|~"  # attr-char besides letters and digits (quote keeps those)
MAX_HEADER_NAME = 150  # characters: browsers and file systems cut long names anyway
FALLBACK_STEM = "download"

Answer = tuple[bytes, int, dict]


def file_answer(served: ServedFile) -> Answer:
    """The answer carrying `served`: shown inline only when it was decided so, else saved."""
    disposition = content_disposition("inline" if served.inline else "attachment",
                                      served.filename)
    return served.data, 200, {**FILE_HEADERS, "Content-Type": served.content_type,
                              "Content-Disposition": disposition}


def content_disposition(kind: str, name: str) -> str:
    """`kind; filename="<ASCII>"; filename*=UTF-8''<percent-encoded>` for the name, cleaned."""
    clean = header_filename(name)
    return f"{kind}; filename=\"{ascii_filename(clean)}\"; filename*=UTF-8''" + \
        quote(clean, safe=_RFC5987_SAFE)


def header_filename(name: str) -> str:
    """The name as a header may carry it: NFC, without what `_NOT_IN_HEADER` lists (a path
    separator becomes `_`, so `a/b` does not lose its parts), no leading dots, bounded."""
    text = _NOT_IN_HEADER.sub(lambda found: "_" if found.group() in "/\\" else "",
                              unicodedata.normalize("NFC", name or ""))
    text = text.strip(" .")
    if len(text) > MAX_HEADER_NAME:
        stem, dot, ext = text.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        text = text[:MAX_HEADER_NAME - len(ext) - 1].rstrip(" .") + ("." + ext if ext else "")
    return text or FALLBACK_STEM


def ascii_filename(name: str) -> str:
    """The fallback for clients without RFC 5987: accents dropped, other non-ASCII letters as
    `_`, and a stem of its own when nothing readable is left (`投诉.png` → `download.png`)."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name)
                    if not unicodedata.combining(ch))
    plain = "".join(ch if " " <= ch <= "~" else "_" for ch in plain)
    plain = _NOT_IN_HEADER.sub("", plain)
    stem, dot, ext = plain.rpartition(".")
    if not dot:
        stem, ext = plain, ""
    if not any(ch.isalnum() for ch in stem):
        stem = FALLBACK_STEM
    return stem + (f".{ext}" if ext else "")
