"""Parsing a message within bounds of time and memory, whatever it holds.

The standard library's parser parses a part's Content-Type again and again while it reads the
part, at a cost that grows faster than the header: a Content-Type folded over 100 000 lines
(400 KB) took 19 s and 360 MB, one of 4 000 encoded words (68 KB) 150 MB, one of 100 000 words
(1.7 MB) was killed for its memory. It also spends a fraction of a millisecond on every MIME
part: 100 000 empty parts (700 KB) took 16 s — all well inside the 40 MB a message may have.
Found by fuzzing (`tests/unit/test_mail_fuzz.py`); bounded here, before the standard library
sees anything:

- every header's value is cut to `MAX_HEADER_VALUE` characters (`References` keeps its end, where
  the parent's Message-ID is), the `Content-*` ones, which the parser reads, to
  `MAX_CONTENT_HEADER`; what a person wrote in a header is cut to 2 000 characters anyway
  (`mail_charsets.MAX_HEADER_CHARS`);
- the message is fed to the parser in pieces, and no more is fed once `MAX_PARSED_PARTS` parts
  exist (only the first 100 are read, `mail_body.MAX_PARTS`): the rest is kept in the raw message
  and named in a note.
"""
from __future__ import annotations

from email.feedparser import BytesFeedParser
from email.message import EmailMessage, Message
from email.policy import EmailPolicy

MAX_HEADER_VALUE = 16_000
MAX_CONTENT_HEADER = 2_000
MAX_PARSED_PARTS = 300
_PIECE = 1024


class _BoundedPolicy(EmailPolicy):
    """The modern policy, with every header value cut as it is read from the source."""

    def header_source_parse(self, sourcelines):
        name, value = super().header_source_parse(sourcelines)
        key = name.strip().lower()
        limit = MAX_CONTENT_HEADER if key.startswith("content-") else MAX_HEADER_VALUE
        if len(value) > limit:
            value = value[-limit:] if key == "references" else value[:limit]
        return name, value


BOUNDED = _BoundedPolicy()


def bounded_message(raw: bytes) -> tuple[Message, str]:
    """The parsed message, and a note ("" when none) when parsing stopped at the part limit."""
    parts = 0

    def new_part(policy=BOUNDED):
        nonlocal parts
        parts += 1
        return EmailMessage(policy=policy)

    parser = BytesFeedParser(new_part, policy=BOUNDED)
    for offset in range(0, len(raw), _PIECE):
        if parts > MAX_PARSED_PARTS:
            note = (f"more than {MAX_PARSED_PARTS} MIME parts: parsing stopped at byte {offset} "
                    f"of {len(raw)}; the whole message is kept as it came")
            return parser.close(), note
        parser.feed(raw[offset : offset + _PIECE])
    return parser.close(), ""
