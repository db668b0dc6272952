"""Characters that no text a person types keeps: C0 controls but TAB, LF and CR, DEL, the C1
controls, and the bidirectional embeddings, overrides and isolates (U+202A–U+202E,
U+2066–U+2069) that let `‮exe.txt` show as `txt.exe` or turn a case number round. The
direction marks U+200E/U+200F stay: they change no order of letters and mixed-script names need
them. Intake removes these characters silently; a decision's statement refuses them (422)."""
from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def without_controls(text: str) -> str:
    """The text with every character of CONTROL_CHARACTERS removed."""
    return CONTROL_CHARACTERS.sub("", text)
