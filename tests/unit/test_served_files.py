"""How a file is handed to staff: only a verified plain raster image is shown, by its content;
everything else is saved, with a name the header can carry and the trick in it left visible."""
from __future__ import annotations

import struct
import zlib
from urllib.parse import unquote

import pytest

from shared.services.attachments import attachment_name, shown_name
from shared.services.raster_images import MAX_STRUCTURES, verified_image
from shared.services.served_files import served_file, served_raw_mail
from shared.web.file_answers import content_disposition, file_answer, header_filename
from tests.support.files import (
    GIF_POLYGLOT,
    HTML_PAGE,
    PE_EXECUTABLE,
    SVG_WITH_SCRIPT,
    a_gif,
    a_jpeg,
    a_png,
    a_webp,
)

IMAGES = [(a_png(), "image/png"), (a_jpeg(), "image/jpeg"), (a_gif(), "image/gif"),
          (a_webp(), "image/webp")]


@pytest.mark.parametrize(("data", "kind"), IMAGES)
def test_a_whole_raster_image_is_shown_as_its_real_type_whatever_its_name(data, kind):
    served = served_file(data, "证据.pdf")
    assert (served.content_type, served.inline) == (kind, True)


@pytest.mark.parametrize(("name", "saved"), [
    ("ev\\u202egnp.exe", "ev\\u202egnp.exe.png"), ("a.exe", "a.exe.png"), ("照片", "照片.png"),
    ("a.PNG", "a.PNG"), ("a.jpg", "a.jpg.png")])
def test_an_image_shown_inline_is_saved_under_its_verified_types_extension(name, saved):
    served = served_file(a_png(), name)
    assert served.inline and served.filename == saved
    assert served_file(a_jpeg(), "photo.JPEG").filename == "photo.JPEG"
    assert served_file(HTML_PAGE, "a.exe").filename == "a.exe"  # a download keeps its name


@pytest.mark.parametrize(("data", "kind"), IMAGES)
def test_an_image_with_anything_after_its_end_or_cut_short_is_not_an_image(data, kind):
    assert verified_image(data) == kind
    for damaged in (data + b"<html>", data + b"\x00", data[:-1], data[:len(data) // 2]):
        assert verified_image(damaged) is None, damaged
        assert served_file(damaged, "a.png").inline is False


def test_a_png_with_a_damaged_chunk_or_a_webp_with_a_wrong_size_is_not_an_image():
    png = bytearray(a_png())
    png[40] ^= 0x01  # a byte of the pixel data: its chunk's CRC no longer matches
    assert verified_image(bytes(png)) is None
    webp = bytearray(a_webp())
    webp[4] += 2  # the RIFF size now promises two bytes more than there are
    assert verified_image(bytes(webp)) is None


def test_a_file_of_more_structures_than_any_image_has_is_not_walked_to_its_end():
    text = b"tEXt"
    tiny = struct.pack(">I", 0) + text + struct.pack(">I", zlib.crc32(text))
    png = a_png()
    head, end = png[:33], png[33:]  # signature and IHDR; IDAT and IEND
    assert verified_image(head + tiny * 1000 + end) == "image/png"  # a valid PNG, many chunks
    assert verified_image(head + tiny * MAX_STRUCTURES + end) is None


@pytest.mark.parametrize("data", [HTML_PAGE, SVG_WITH_SCRIPT, GIF_POLYGLOT, PE_EXECUTABLE,
                                  b"\x00\x01\x02"])
def test_pages_scripts_polyglots_and_programs_are_saved_as_bytes(data):
    served = served_file(data, "photo.gif")
    assert (served.content_type, served.inline) == ("application/octet-stream", False)


def test_a_valid_gif_carrying_markup_in_a_comment_is_saved():
    text = b"<ScRiPt>alert(1)</ScRiPt>"
    comment = b"\x21\xfe" + bytes([len(text)]) + text + b"\x00"  # a comment extension
    gif = a_gif()
    hidden = gif[:19] + comment + gif[19:]
    assert verified_image(hidden) == "image/gif"  # a real GIF all the same
    assert served_file(hidden, "a.gif").content_type == "application/octet-stream"


def test_proven_documents_keep_their_type_and_are_saved():
    pdf = served_file(b"%PDF-1.4\n1 0 obj\n", "a.png")
    assert (pdf.content_type, pdf.inline) == ("application/pdf", False)
    text = served_file("退款没有到账".encode(), "a.html")
    assert (text.content_type, text.inline) == ("text/plain; charset=utf-8", False)
    mail = served_raw_mail(b"From: a@b\r\n\r\n<html>", "x.eml")
    assert (mail.content_type, mail.inline) == ("message/rfc822", False)


def test_every_file_answer_carries_the_safe_headers():
    for served in (served_file(a_png(), "a.png"), served_file(HTML_PAGE, "a.html")):
        _, status, headers = file_answer(served)
        assert status == 200
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert headers["Cache-Control"] == "no-store"
    assert file_answer(served_file(a_png(), "a.png"))[2]["Content-Disposition"].startswith(
        "inline;")
    assert file_answer(served_file(HTML_PAGE, "a.html"))[2]["Content-Disposition"].startswith(
        "attachment;")


def test_the_header_name_is_rfc_5987_with_an_ascii_fallback():
    assert content_disposition("attachment", "投诉 证据.pdf") == (
        "attachment; filename=\"download.pdf\"; "
        "filename*=UTF-8''%E6%8A%95%E8%AF%89%20%E8%AF%81%E6%8D%AE.pdf")
    assert content_disposition("inline", "café.png") == \
        "inline; filename=\"cafe.png\"; filename*=UTF-8''caf%C3%A9.png"


@pytest.mark.parametrize("name", [
    "invoice\u202egnp.exe", 'a"; filename="evil.html', "..\\..\\boot.ini", "../../etc/passwd",
    "a\r\nSet-Cookie: x=1.txt", "\u2066x\u2069.pdf.exe", "",
])
def test_no_name_breaks_the_header_or_chooses_where_the_file_goes(name):
    header = content_disposition("attachment", name)
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    encoded = unquote(header.split("; filename*=UTF-8''", 1)[1])  # what the browser reads
    for bad in ('"', "/", "\\", "\r", "\n", "\u202e", "\u2066", "\u2069", ";"):
        assert bad not in fallback and bad not in encoded
    assert header.count('"') == 2 and header.isascii()
    assert not header_filename(name).startswith(".")


def test_a_shown_name_escapes_what_hides_and_keeps_a_double_extension_in_full():
    assert shown_name("invoice\u202egnp.exe") == "invoice\\u202egnp.exe"
    assert shown_name("a\x1b[31m\u200bb") == "a\\u001b[31m\\u200bb"
    assert shown_name("invoice.pdf.exe") == "invoice.pdf.exe"
    assert attachment_name("C:\\fake\\invoice.pdf.exe") == "invoice.pdf.exe"
    assert shown_name(shown_name("x\u202e")) == "x\\u202e"  # showing twice changes nothing more
