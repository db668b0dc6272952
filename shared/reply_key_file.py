"""The self-hosted reply-token key: random, generated at first start, kept owner-only on disk.

Without it, a self-hosted stack would sign reply tokens and derive access codes with the key
published in the source, and anyone could read every case opened by email."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from shared.settings_rules import ConfigurationError

MINIMUM_LENGTH = 32


def read_or_create_key(path: Path) -> str:
    """The key kept in `path`, created (mode 0600) if there is none yet. Two processes starting
    at once agree on one key: the file appears whole or not at all (written aside, then linked)."""
    path = Path(path)
    if not path.exists():
        _create(path)
    return _read(path)


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(draft, path)  # fails if another process was first: its key wins
        except FileExistsError:
            pass
    finally:
        draft.unlink(missing_ok=True)


def _read(path: Path) -> str:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigurationError([
            f"{path} (the reply-token key) can be read by others (mode {mode:o}): "
            f"run chmod 600 on it, or set CD_REPLY_TOKEN_KEY"])
    key = path.read_text(encoding="ascii", errors="replace").strip()
    if len(key) < MINIMUM_LENGTH:
        raise ConfigurationError([
            f"{path} (the reply-token key) holds fewer than {MINIMUM_LENGTH} characters: "
            f"delete it to have a new one generated (earlier reply addresses and the access "
            f"codes of cases opened by email then stop working)"])
    return key
