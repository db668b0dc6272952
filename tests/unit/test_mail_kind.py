"""Guessing complaint or report from what an email says."""
from __future__ import annotations

import pytest

from shared.domain.cases import Kind
from shared.services.mail_kind import guess_kind

C, R = Kind.COMPLAINT, Kind.REPORT


@pytest.mark.parametrize("subject, text, fallback, kind", [
    ("投诉门店客服", "", R, C),
    ("投訴客服態度", "", R, C),  # traditional characters
    ("Complaint about a refund", "", R, C),
    ("I want to complain", "", R, C),
    ("举报：某账号发布赌博广告", "", C, R),
    ("舉報詐騙帳號", "", C, R),
    ("Reporting a scam account", "", C, R),
    ("电饭煲质量问题", "我要投诉：买的电饭煲坏了", R, C),  # the subject says neither: the text
    ("直播间有人辱骂主播", "举报一个主播。", C, R),
    ("投诉举报", "举报", C, C),  # both in the subject: the setting, the text is not asked
    ("投诉举报", "投诉", R, R),
    ("无关的主题", "投诉和举报都写了", R, R),  # both at the start: the setting
    ("无关的主题", "x" * 400 + "投诉", R, R),  # only the start of the text counts
    ("", "", C, C),
    ("Important", "Reported it twice already", C, R),
    ("misreported", "", C, C),  # a word inside another word is not the word
])
def test_the_kind_comes_from_the_subject_then_the_start_of_the_text(subject, text, fallback, kind):
    assert guess_kind(subject, text, fallback) == kind
