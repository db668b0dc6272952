"""The vendored ALTCHA widget is the published one, unchanged: each file's checksum as recorded in
its VENDOR.md (with the npm tarball's integrity), and the MIT licence kept beside it."""
from __future__ import annotations

import hashlib
import re

from shared.web.form_assets import ASSETS, STATIC

VENDOR = (STATIC / "altcha" / "VENDOR.md").read_text("utf-8")


def test_every_vendored_file_has_the_checksum_its_vendor_note_records():
    recorded = dict(re.findall(r"^\| `([\w.-]+)` \|.*\| `([0-9a-f]{64})` \|$", VENDOR, re.M))
    assert set(recorded) == {"altcha.min.js", "altcha.css", "pbkdf2.js", "LICENSE.txt"}
    for name, digest in recorded.items():
        assert hashlib.sha256((STATIC / "altcha" / name).read_bytes()).hexdigest() == digest, name
    assert "MIT License" in (STATIC / "altcha" / "LICENSE.txt").read_text("utf-8")
    assert "altcha` **3.2.2**" in VENDOR


def test_only_the_forms_own_files_are_served_and_each_exists():
    for name, (path, content_type) in ASSETS.items():
        assert (STATIC / path).is_file(), name
        assert content_type.startswith(("text/css", "text/javascript"))
    assert "LICENSE.txt" not in {path.rsplit("/", 1)[-1] for path, _ in ASSETS.values()}
