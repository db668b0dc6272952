"""(Issue 9: being built.)"""
from __future__ import annotations

from .case_handling import CaseHandling


class CaseReplies(CaseHandling):
    pass
