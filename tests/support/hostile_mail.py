"""Hypothesis strategies for hostile RFC 5322 messages, built as raw bytes so that nothing in the
standard library tidies them up first: random and repeated headers, RFC 2047 words in lying,
unknown or escape charsets, raw 8-bit bytes, CR/LF where none belongs, huge and folded lines;
MIME trees nested deep, with missing, wrong or repeated boundaries, base64 and quoted-printable
garbage, text mislabelled between GBK, Big5 and UTF-8, forwarded messages, and attachments whose
names try path traversal, control and direction characters, double extensions and device names.

`hostile_messages()` draws whole messages; the fuzz tests feed them to `parse_mail` and to
`MailIntake.receive`."""
from __future__ import annotations

import base64
import quopri

from hypothesis import strategies as st

CHINESE = "举报投诉赌博诈骗链接截图朱镕基路啰嗦赟王喆直播间辱骂騙取帳號"
CHARSETS = ["utf-8", "UTF-8", "gb2312", "gbk", "GB18030", "big5", "big5-hkscs", "iso-8859-1",
            "us-ascii", "cp1252", "shift_jis", "iso-2022-jp", "utf-16", "utf-7", "x-unknown",
            "undefined", "unicode-escape", "raw-unicode-escape", "punycode", "idna", "rot13",
            "base64", "hex", "zlib", "", "*", "utf-8*en", '"utf-8"', "\u00e9", "gb2312\x00"]
HEADER_NAMES = ["From", "To", "Cc", "Subject", "Message-ID", "In-Reply-To", "References",
                "Reply-To", "Return-Path", "Sender", "Auto-Submitted", "Precedence", "List-Id",
                "X-Autoreply", "Date", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
                "Content-Disposition", "Delivered-To", "X-Original-To", "Authentication-Results",
                "From ", "from", "X-Whatever", "Received"]
HOSTILE_NAMES = [
    "../../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/shadow", "C:\\boot.ini", "..", ".",
    "", " ", "invoice.pdf.exe", "photo.jpg.html", "a.svg", "evil.html", "x.php%00.jpg",
    "nul\x00byte.txt", "tab\tname.png", "line\r\nbreak.pdf", "\u202egpj.exe", "\u200b\u200b",
    "CON", "aux.txt", "name\".png", "semi;colon.pdf", "<script>alert(1)</script>.png",
    "\u4e3e" * 200 + ".pdf", "x" * 1000 + ".txt", "%2e%2e%2fpasswd", "\u2215etc\u2215passwd",
    "=?utf-8?B?Li4vLi4vZXRjL3Bhc3N3ZA==?=", "=?gb2312?B?1tDOxA==?=.jpg", "\ufeffbom.txt",
    ".htaccess", "~/.ssh/authorized_keys", "a/b/c.png", "\\\\server\\share\\x.exe",
]
MAGIC = [b"%PDF-1.4\n", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"\xff\xd8\xff\xe0",
         b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", b"<html><script>x",
         b"GIF89a<html><script>alert(1)</script>", b"MZ\x90\x00", b"PK\x03\x04", b"\x00" * 8]


def _encoded(text: str, charset: str) -> bytes:
    try:
        return text.encode(charset.strip('"').split("*")[0] or "utf-8")
    except (LookupError, UnicodeError, ValueError, TypeError):
        return text.encode("utf-8")


text_pieces = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=CHINESE, max_size=40),
    st.sampled_from(["<script>alert(1)</script>", "\r\nBcc: victim@example.com", "\r\n\r\n",
                     "=?utf-8?q?a=0D=0ABcc:_x@evil.example?=", "\u202e", "\x00", "%0d%0a",
                     "TS-20261128-ABCDEF-X", "\t", ";", "\"", "\\"]),
)


@st.composite
def encoded_words(draw) -> bytes:
    """One RFC 2047 word: right or wrong charset, B or Q, valid or broken payload."""
    charset = draw(st.sampled_from(CHARSETS))
    text = draw(text_pieces)
    data = draw(st.one_of(st.just(_encoded(text, draw(st.sampled_from(CHARSETS)))),
                          st.binary(max_size=30)))
    if draw(st.booleans()):
        payload = base64.b64encode(data)
        if draw(st.booleans()):
            payload = payload[: draw(st.integers(0, len(payload)))] + draw(st.binary(max_size=4))
        kind = b"B"
    else:
        payload = quopri.encodestring(data, header=True).replace(b"\n", b"")
        kind = b"Q"
    word = b"=?" + charset.encode("utf-8", "replace") + b"?" + kind + b"?" + payload + b"?="
    return word if draw(st.booleans()) else word[: draw(st.integers(0, len(word)))]


@st.composite
def header_values(draw) -> bytes:
    parts = draw(st.lists(st.one_of(
        text_pieces.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.text(alphabet=CHINESE, max_size=20).map(lambda t: t.encode("gbk")),
        st.text(alphabet=CHINESE, max_size=20).map(lambda t: t.encode("big5", "ignore")),
        encoded_words(),
        st.binary(max_size=20),
        addresses(),
        st.integers(1, 12).map(lambda n: b"x" * (1 << n)),  # up to 4 KB unfolded
        st.just(b"\r\n "), st.just(b"\r\n\t"), st.just(b"\n"), st.just(b"\r"),
    ), max_size=8))
    value = b" ".join(parts)
    if draw(st.integers(0, 50)) == 0:  # now and then a huge (folded or not) line
        chunk = draw(st.sampled_from([b"a", b"\xd6\xd0", b"=?utf-8?B?5Lit?= ", b"x\r\n "]))
        value += chunk * draw(st.integers(1_000, 100_000))
    return value


@st.composite
def addresses(draw) -> bytes:
    local = draw(st.sampled_from([b"a", b"87654321", b"report", b"postmaster", b"MAILER-DAEMON",
                                  b"report+ts20261128pjevmje.gb5qqok3hptvzn5g",
                                  b"report+ts20261128pjevmje.\xc3\xa9", b"\xe7\x8e\x8b",
                                  b"\"a b\"", b"", b"a@b", b"=?utf-8?B?546L?="]))
    domain = draw(st.sampled_from([b"qq.com", b"example.com", b"\xe4\xbe\x8b.com", b"", b"[1.2.3.4]",
                                   b"a..b", b"x" * 300, b"example.com>"]))
    address = local + b"@" + domain
    form = draw(st.integers(0, 5))
    name = draw(text_pieces).encode("utf-8", "surrogatepass")
    if form == 0:
        return address
    if form == 1:
        return b"\"" + name + b"\" <" + address + b">"
    if form == 2:
        return draw(encoded_words()) + b" <" + address + b">"
    if form == 3:
        return address + b" (" + name + b")"
    if form == 4:
        return b"group: " + address + b", " + address + b";"
    return address + b" <" + address + b">"


@st.composite
def filenames(draw) -> bytes:
    name = draw(st.one_of(st.sampled_from(HOSTILE_NAMES), st.text(max_size=30)))
    form = draw(st.integers(0, 4))
    raw = name.encode("utf-8", "surrogatepass")
    if form == 0:
        return b'; filename="' + raw + b'"'
    if form == 1:
        return b"; filename=" + raw
    if form == 2:  # RFC 2231, possibly in sections, possibly mislabelled
        charset = draw(st.sampled_from(CHARSETS)).encode("utf-8", "replace")
        quoted = "".join(f"%{b:02X}" for b in _encoded(name, "gbk"))
        cut = draw(st.integers(0, len(quoted)))
        return (b"; filename*0*=" + charset + b"''" + quoted[:cut].encode()
                + b"; filename*1*=" + quoted[cut:].encode())
    if form == 3:
        return b'; filename="' + draw(encoded_words()) + b'"'
    return b'; name="' + _encoded(name, "gbk") + b'"'


@st.composite
def payloads(draw, text: bool) -> tuple[bytes, bytes]:
    """(Content-Transfer-Encoding, body bytes)."""
    if text:
        words = draw(st.text(alphabet=CHINESE + "abc <>&\"'\r\n", max_size=300))
        data = _encoded(words, draw(st.sampled_from(["utf-8", "gbk", "big5", "gb18030", "cp1252"])))
    else:
        data = draw(st.sampled_from(MAGIC)) + draw(st.binary(max_size=300))
    encoding = draw(st.sampled_from([b"base64", b"quoted-printable", b"8bit", b"7bit", b"binary",
                                     b"x-uuencode", b"BASE64", b""]))
    if encoding.lower() == b"base64":
        body = base64.encodebytes(data)
        if draw(st.booleans()):  # garbage: cut, padded wrongly, foreign characters
            body = body[: draw(st.integers(0, len(body)))] + draw(
                st.sampled_from([b"", b"=", b"==", b"!!!", b"\xff\xfe", b"\r\n====\r\n"]))
    elif encoding == b"quoted-printable":
        body = quopri.encodestring(data)
        if draw(st.booleans()):
            body += draw(st.sampled_from([b"=", b"=Z", b"=\r\n", b"=E4=B8", b"=XX=YY"]))
    else:
        body = data
    return encoding, body


def _leaf(draw) -> bytes:
    ctype = draw(st.sampled_from([b"text/plain", b"text/html", b"application/pdf", b"image/png",
                                  b"image/svg+xml", b"application/octet-stream", b"text/calendar",
                                  b"application/ms-tnef", b"text/plain\x00", b"", b"texte/plein"]))
    is_text = ctype.startswith(b"text/") and draw(st.booleans())
    encoding, body = draw(payloads(text=is_text))
    charset = draw(st.sampled_from(CHARSETS)).encode("utf-8", "replace")
    head = b"Content-Type: " + ctype + (b"; charset=" + charset if draw(st.booleans()) else b"")
    if draw(st.booleans()):
        head += draw(filenames()).replace(b"filename", b"name", 1)
    head += b"\r\n"
    if encoding:
        head += b"Content-Transfer-Encoding: " + encoding + b"\r\n"
    if draw(st.booleans()):
        disposition = draw(st.sampled_from([b"attachment", b"inline", b"ATTACHMENT", b"form-data"]))
        head += b"Content-Disposition: " + disposition + draw(filenames()) + b"\r\n"
    return head + b"\r\n" + body


def _multipart(draw, depth: int) -> bytes:
    subtype = draw(st.sampled_from([b"mixed", b"alternative", b"related", b"report", b"signed",
                                    b"digest"]))
    boundary = draw(st.sampled_from([b"b1", b"=_x", b"", b"a" * 80, b"\"quoted\"", b"b1", b"--",
                                     b"\xd6\xd0"]))
    bare = boundary.strip(b'"')
    children = [_part(draw, depth + 1) for _ in range(draw(st.integers(0, 4)))]
    head = b"Content-Type: multipart/" + subtype + b"; boundary=" + boundary + b"\r\n\r\n"
    used = bare if draw(st.integers(0, 5)) else draw(st.sampled_from([b"other", b"b", bare + b"x"]))
    body = b"preamble\r\n"
    for child in children:
        body += b"--" + used + b"\r\n" + child + b"\r\n"
    if draw(st.booleans()):
        body += b"--" + used + b"--\r\n"
    if draw(st.booleans()):
        body += b"epilogue"
    return head + body


def _part(draw, depth: int) -> bytes:
    kind = draw(st.integers(0, 9)) if depth < draw(st.integers(2, 40)) else 0
    if kind <= 5:
        return _leaf(draw)
    if kind <= 8:
        return _multipart(draw, depth)
    inner = draw(st.lists(st.tuples(st.sampled_from(HEADER_NAMES[:6]), header_values()),
                          max_size=4))
    head = b"".join(name.encode() + b": " + value + b"\r\n" for name, value in inner)
    return b"Content-Type: message/rfc822\r\n\r\n" + head + b"\r\n" + _part(draw, depth + 1)


@st.composite
def hostile_messages(draw) -> bytes:
    """A whole message as raw bytes."""
    headers = []
    if draw(st.integers(0, 4)):
        headers.append((b"From", draw(addresses())))
    if draw(st.booleans()):
        headers.append((b"To", draw(addresses())))
    if draw(st.integers(0, 4)):
        headers.append((b"Subject", draw(header_values())))
    if draw(st.booleans()):
        headers.append((b"Message-ID", b"<" + draw(st.binary(max_size=20)).hex().encode() + b"@x>"))
    for name, value in draw(st.lists(st.tuples(st.sampled_from(HEADER_NAMES), header_values()),
                                     max_size=6)):
        headers.append((name.encode(), value))
    head = b"".join(name + b": " + value + b"\r\n" for name, value in headers)
    message = head + _part(draw, 0)  # the top part's own headers end the message's
    ending = draw(st.sampled_from([b"\r\n", b"\r\n", b"\n", b"\r"]))  # bare LF or CR now and then
    return message if ending == b"\r\n" else message.replace(b"\r\n", ending)
