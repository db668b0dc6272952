"""Text in mail headers and parameters, whatever label it carries.

Mail labelled gb2312 is usually GBK or GB18030, labels are often wrong, and headers and MIME
parameters arrive as raw 8-bit bytes, RFC 2047 words (even inside `filename=`, as Foxmail and
Outlook write them, though RFC 2047 forbids it) or RFC 2231 values. One rule for all of them: the
lying Chinese labels are read as GB18030, an unknown or wrong label falls back, UTF-8 that a gateway
damaged (a line cut mid-character, a stray byte) stays UTF-8 with U+FFFD, nothing raises.
"""
from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
import urllib.parse
from email.message import Message

# Labels that lie: decode them as the superset that GBK/GB18030 mail really is.
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
                    "euc-cn": "gb18030", "gb_2312-80": "gb18030", "chinese": "gb18030",
                    "x-euc-cn": "gb18030", "big5": "big5hkscs", "ks_c_5601-1987": "cp949",
                    "iso-8859-1": "cp1252", "us-ascii": "utf-8", "ascii": "utf-8",
                    "unknown-8bit": "utf-8", "x-unknown": "utf-8", "utf8": "utf-8"}
_CJK_FALLBACKS = ("gb18030", "big5hkscs")  # tried after UTF-8, before cp1252
_NOT_MAIL_CODECS = {"raw-unicode-escape", "unicode-escape", "punycode", "idna", "undefined",
                    "raw_unicode_escape", "unicode_escape"}
# Single-byte Western labels: any byte string "decodes", so a UTF-8 message labelled with one of
# them would silently become mojibake. Non-ASCII bytes that are valid UTF-8 are UTF-8.
_SINGLE_BYTE_WESTERN = {"cp1252", "iso8859-1", "iso8859-15", "latin-1"}
MAX_HEADER_CHARS = 2000


def _text_codec(label: str) -> str | None:
    """The codec for a charset label, or None when it names no text encoding we trust in mail
    (unknown names, `undefined`, and the escape codecs that "succeed" with mangled text)."""
    name = _CHARSET_ALIASES.get(label, label)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_MAIL_CODECS:
        return None
    return info.name


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, bool]:
    """Text from bytes in a declared charset; (text, clean) where clean is False when the label
    was unknown or wrong and a fallback was needed, or bytes had to be replaced."""
    text, note = decode_text(data, charset)
    return text, not note


def decode_text(data: bytes, charset: str | None) -> tuple[str, str]:
    """Text from bytes in a declared charset, and a note saying how it was read ("" when the
    label, or UTF-8 for unlabelled bytes, fitted).

    Order: the declared label (a Western single-byte one only after UTF-8, since any bytes
    "decode" in it), UTF-8, UTF-8 with a few damaged bytes replaced, GB18030, Big5-HKSCS, and
    cp1252 last; a part declared UTF-8 is never read as cp1252."""
    label = (charset or "").strip().strip('"\'').lower()
    declared = _text_codec(label) if label else None
    said = f"declared {label!r}" if label else "no charset declared"
    western = declared in _SINGLE_BYTE_WESTERN and not data.isascii()
    if declared and not western and (text := _strict(data, declared)) is not None:
        return text, ""
    if declared != "utf-8" and (text := _strict(data, "utf-8")) is not None:
        return text, "" if not label else f"{said}, read as UTF-8"
    if _damaged_utf8(data, strong=True):
        return _replaced(data, said)
    fallbacks = [declared] if western else []
    fallbacks += [c for c in _CJK_FALLBACKS if c != declared]
    for codec in fallbacks:
        if (text := _strict(data, codec)) is not None:
            return text, "" if codec == declared else f"{said}, read as {codec}"
    if declared == "utf-8" or _damaged_utf8(data, strong=False):
        return _replaced(data, said)
    if (text := _strict(data, "cp1252")) is not None:
        return text, f"{said}, read as cp1252"
    return _replaced(data, said)  # bytes cp1252 lacks (0x81, 0x8d, 0x8f, 0x90, 0x9d)


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeError, ValueError, LookupError):
        return None


def _replaced(data: bytes, said: str) -> tuple[str, str]:
    text = data.decode("utf-8", errors="replace")
    count = text.count("\ufffd")
    return text, f"{said}, read as UTF-8 with {count} undecodable byte sequence(s) shown as U+FFFD"


def _damaged_utf8(data: bytes, strong: bool) -> bool:
    """UTF-8 that a gateway damaged: cut short mid-character at the end, or a few stray bytes.

    GBK, GB18030 and Big5 text read as UTF-8 gives about as many U+FFFD as characters, so:
    strong evidence — valid up to a sequence cut at the end, or four decoded multi-byte
    characters for each U+FFFD — wins even over a GB18030 reading (which a cut often "passes",
    as mojibake); weak evidence (two for each) only over Big5 and cp1252 failures and guesses."""
    try:  # without `final`, the decoder accepts a sequence cut short at the very end
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
        return any(ord(ch) >= 0x80 for ch in text)
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) >= 0x80) - bad
    return bad > 0 and good >= (4 if strong else 2) * bad


_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(?<=\?=)\s+(?==\?)")


def _decode_word(match: re.Match) -> str:
    charset, encoding, payload = match.group(1).split("*")[0], match.group(2).upper(), match.group(3)
    try:
        if encoding == "B":
            data = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
        else:
            data = quopri.decodestring(payload.replace("_", " ").encode("ascii"), header=True)
    except (ValueError, binascii.Error):
        return match.group(0)  # a broken word stays as it was written
    return decode_bytes(data, charset)[0]


def decode_header_value(raw: str) -> str:
    """A header's text: each RFC 2047 word in its (mislabelled) charset, broken words kept
    literally, raw 8-bit bytes decoded as UTF-8 or GB18030."""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):  # raw 8-bit header bytes
        raw = decode_bytes(raw.encode("utf-8", "surrogateescape"), None)[0]
    raw = raw[: MAX_HEADER_CHARS * 4]  # after decoding: never cut a multi-byte character
    text = _ENCODED_WORD.sub(_decode_word, _BETWEEN_WORDS.sub("", raw))
    return re.sub(r"\s+", " ", text).strip()[:MAX_HEADER_CHARS]


def raw_header(message: Message, name: str) -> str:
    """The first `name` header as it was written, before any decoding ("" when absent).

    Looked up in an index of the first value of each name, built once per message (and again
    when its header count changes): with 100 000 header fields every look-up was a scan, and
    parsing does dozens (1 s for 800 KB; 0.3 s now)."""
    index = message.__dict__.get("_first_raw_header")
    if index is None or index[0] != len(message):
        first: dict[str, str] = {}
        for key, value in message.raw_items():
            first.setdefault(key.lower(), str(value))
        index = message.__dict__["_first_raw_header"] = (len(message), first)
    return index[1].get(name.lower(), "")


# One MIME parameter: name, RFC 2231 section number, RFC 2231 extended marker, value (quoted or not).
_PARAMETER = re.compile(r';\s*([^\s=;*]+)(?:\*(\d+))?(\*)?\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)')


def header_parameter(value: str, name: str) -> str | None:
    """The decoded text of one parameter of a raw header value (None when absent).

    The standard library reads `filename="=?gb2312?B?...?="` and `filename*=gb2312''...` with
    the strict GB2312 codec and turns every GBK-only character into U+FFFD, and it mangles raw
    8-bit names; here all three go through `decode_bytes`, like every other text in mail."""
    plain, sections = None, {}
    for key, number, extended, raw in _PARAMETER.findall(re.sub(r"\r?\n", "", value)):
        if key.lower() != name:
            continue
        raw = raw.strip()
        if raw.startswith('"'):
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1] if raw.endswith('"') and len(raw) > 1 else raw[1:])
        if number or extended:
            sections.setdefault(int(number or 0), (bool(extended), raw))
        elif plain is None:
            plain = raw
    if sections:  # RFC 2231 is the precise form: it wins over a plain fallback
        return _extended_parameter([sections[n] for n in sorted(sections)])
    return None if plain is None else decode_header_value(plain)


def _extended_parameter(sections: list[tuple[bool, str]]) -> str:
    charset, data = "", b""
    for index, (encoded, text) in enumerate(sections):
        if index == 0 and encoded and text.count("'") >= 2:
            charset, _, text = text.split("'", 2)
        raw = text.encode("utf-8", "surrogateescape")
        data += urllib.parse.unquote_to_bytes(raw) if encoded else raw
    return decode_bytes(data, charset)[0][:MAX_HEADER_CHARS]
