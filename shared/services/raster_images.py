"""Whether some bytes are one plain raster image and nothing else: PNG, JPEG, GIF or WebP, walked
structure by structure from the signature to the end marker, with no byte left over.

Magic bytes alone prove little: `GIF89a<html><script>…` starts like a GIF and is an HTML page to
any browser that sniffs, and a file may be a valid image with a second file appended (a
"polyglot"). Only a file that passes here is shown inline to staff; anything else is saved, never
rendered (`served_files`). The walk reads lengths and markers only, never decodes pixels, so it
cannot be made to run image codecs on hostile input. A valid image that carries bytes after its
end marker (some phone cameras append their own data to a JPEG) fails too and is merely saved.
"""
from __future__ import annotations

import re
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks, segments, blocks or sub-blocks walked at most: a real 10 MB GIF has about 41 000
# sub-blocks of 255 bytes, other images far fewer; a file made of millions of tiny ones would
# cost seconds of Python per opening, and is no plain image anyway.
MAX_STRUCTURES = 100_000
# A marker that ends a JPEG scan: FF then a byte that is not a stuffed 00, a restart marker or
# another fill FF. Found by the regex engine, so a scan of FF00 pairs or FF runs costs no loop.
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


class _TooManyStructures(Exception):
    pass


def verified_image(data: bytes) -> str | None:
    """The image type ("image/png", "image/jpeg", "image/gif", "image/webp") when `data` is
    wholly one well-formed image of it; None otherwise."""
    for content_type, walk in _WALKS:
        try:
            if walk(data):
                return content_type
        except (IndexError, struct.error, _TooManyStructures):  # past the end, or too many
            continue
    return None


def _png(data: bytes) -> bool:
    if not data.startswith(PNG_SIGNATURE):
        return False
    pos, first, budget = len(PNG_SIGNATURE), True, _budget()
    while pos + 12 <= len(data):
        next(budget)
        length, kind = struct.unpack_from(">I4s", data, pos)
        end = pos + 12 + length
        if end > len(data) or not kind.isalpha() or (first and kind != b"IHDR"):
            return False
        (crc,) = struct.unpack_from(">I", data, end - 4)
        if zlib.crc32(data[pos + 4:end - 4]) != crc:
            return False
        if kind == b"IEND":
            return end == len(data)
        pos, first = end, False
    return False


def _gif(data: bytes) -> bool:
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        return False
    packed = data[10]
    pos, budget = 13 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0), _budget()
    while pos < len(data):
        next(budget)
        block = data[pos]
        if block == 0x3B:  # the trailer
            return pos + 1 == len(data)
        if block == 0x21:  # an extension: label, then sub-blocks
            pos = _sub_blocks(data, pos + 2, budget)
        elif block == 0x2C:  # an image: descriptor, local colour table, LZW size, sub-blocks
            packed = data[pos + 9]
            pos += 10 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0)
            if not 2 <= data[pos] <= 12:
                return False
            pos = _sub_blocks(data, pos + 1, budget)
        else:
            return False
    return False


def _sub_blocks(data: bytes, pos: int, budget) -> int:
    """The position after a chain of GIF data sub-blocks (ended by a zero length)."""
    while True:
        next(budget)
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos
        if pos > len(data):
            raise IndexError("sub-block past the end")


def _jpeg(data: bytes) -> bool:
    if not data.startswith(b"\xff\xd8\xff"):
        return False
    pos, budget = 2, _budget()
    while pos + 1 < len(data):
        next(budget)
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:  # end of image
            return pos + 2 == len(data)
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            pos += 2
            continue
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if length < 2 or pos + 2 + length > len(data):
            return False
        pos += 2 + length
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            pos = _scan_end(data, pos)
    return False


def _scan_end(data: bytes, pos: int) -> int:
    """The position of the marker that ends entropy-coded data (FF00 is a stuffed byte, FFD0–
    FFD7 restart markers belong to the scan, fill FFs precede a marker)."""
    found = _SCAN_END.search(data, pos)
    if found is None:
        raise IndexError("scan without an end")
    return found.start()


def _webp(data: bytes) -> bool:
    if len(data) < 20 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return False
    (size,) = struct.unpack_from("<I", data, 4)
    if size + 8 != len(data) or data[12:16] not in (b"VP8 ", b"VP8L", b"VP8X"):
        return False
    pos, budget = 12, _budget()
    while pos + 8 <= len(data):
        next(budget)
        (length,) = struct.unpack_from("<I", data, pos + 4)
        pos += 8 + length + (length & 1)
    return pos == len(data)


def _budget():
    """Counts structures walked; raises _TooManyStructures past `MAX_STRUCTURES`."""
    yield from range(MAX_STRUCTURES)
    raise _TooManyStructures


_WALKS = (("image/png", _png), ("image/jpeg", _jpeg), ("image/gif", _gif),
          ("image/webp", _webp))
