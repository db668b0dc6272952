"""The settings of an operator command: read from `CD_*` like everything else, or a plain message
and exit status 2 (no traceback) when they make no sense."""
from __future__ import annotations

import sys

from shared.settings import ConfigurationError, Settings


def operator_settings() -> Settings:
    """The environment's settings; exits with status 2 and the refusal when they are refused."""
    try:
        return Settings.from_environment()
    except ConfigurationError as bad:
        print(bad, file=sys.stderr)
        raise SystemExit(2) from None
