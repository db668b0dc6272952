"""Files staff open, made in the test: real images built byte by byte (no image library needed),
and the hostile files a reporter might send."""
from __future__ import annotations

import struct
import zlib


def a_png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG: signature, IHDR, one IDAT of grey pixels, IEND, each chunk with its CRC."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                                 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def a_gif() -> bytes:
    """A real 1×1 GIF89a: header, screen with a 2-colour table, one image, trailer."""
    return (b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"
            + b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00" + b"\x02\x02\x44\x01\x00" + b"\x3b")


def a_jpeg() -> bytes:
    """A structurally whole JPEG: SOI, an APP0 segment, a scan with stuffed bytes, EOI."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    scan = b"\xff\xda" + struct.pack(">H", 8) + b"\x01\x01\x00\x00\x3f\x00"
    return b"\xff\xd8" + app0 + scan + b"\x12\xff\x00\x34\xff\xd0\x56" + b"\xff\xd9"


def a_webp() -> bytes:
    """A RIFF/WEBP container holding one VP8L chunk, sizes consistent."""
    payload = b"\x2f\x00\x00\x00\x00"
    chunk = b"VP8L" + struct.pack("<I", len(payload)) + payload + b"\x00"  # padded to even
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_WITH_SCRIPT = (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
                   b'<circle r="4"/></svg>')
GIF_POLYGLOT = b"GIF89a/*<html><script>alert(1)</script></html>*/=1;"  # a GIF's start, then HTML
PE_EXECUTABLE = b"MZ" + b"\x90\x00" * 30 + b"PE\x00\x00" + b"\x00" * 64
