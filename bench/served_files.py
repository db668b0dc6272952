"""What deciding how to hand out a file costs (`served_files.served_file`: the structure walk of
`raster_images` and the markup scan), against one SHA-256 pass over the same bytes in the same
process: on 10 MB images as cameras make them, and on hostile files built to make the walk slow
(millions of tiny chunks, a scan of FF bytes). Run: python -m bench.served_files"""
from __future__ import annotations

import hashlib
import os
import statistics
import struct
import time
import zlib

from shared.services.served_files import served_file

SIZE = 10 * 1024 * 1024  # the largest attachment the form and mail accept
ROUNDS = 7


def _png(size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    idat = b"".join(chunk(b"IDAT", os.urandom(65536)) for _ in range(size // 65548))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4096, 4096, 8, 2, 0, 0, 0))
            + idat + chunk(b"IEND", b""))


def _jpeg(size: int) -> bytes:
    scan = os.urandom(size).replace(b"\xff", b"\xff\x00")  # stuffed as an encoder stuffs
    return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + scan + b"\xff\xd9")


def _hostile() -> dict[str, bytes]:
    text = b"tEXt"
    tiny = struct.pack(">I", 0) + text + struct.pack(">I", zlib.crc32(text))
    return {
        "PNG of tiny chunks": b"\x89PNG\r\n\x1a\n" + tiny * (SIZE // 12),
        "JPEG scan of FF bytes": b"\xff\xd8\xff\xda\x00\x02" + b"\xff" * SIZE,
        "JPEG scan of FF00 pairs": b"\xff\xd8\xff\xda\x00\x02" + b"\xff\x00" * (SIZE // 2),
        "GIF of 1-byte sub-blocks": b"GIF89a\x01\x00\x01\x00\x00\x00\x00\x21\xfe" + b"\x01a" * (SIZE // 2),
    }


def _median(work) -> float:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    files = {"PNG, 10 MB": _png(SIZE), "JPEG, 10 MB": _jpeg(SIZE), **_hostile()}
    for name, data in files.items():
        decided = served_file(data, "x")
        ours = _median(lambda: served_file(data, "x"))
        baseline = _median(lambda: hashlib.sha256(data).digest())
        print(f"{name:28} {decided.content_type:26} inline={decided.inline!s:5} "
              f"{ours * 1000:8.1f} ms vs sha256 {baseline * 1000:6.1f} ms "
              f"(ratio {ours / baseline:5.2f})")


if __name__ == "__main__":
    main()
