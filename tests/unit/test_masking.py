"""Masking the reporter's identity for staff views (R20)."""
from __future__ import annotations

import pytest

from shared.domain.cases import ReporterIdentity
from shared.domain.masking import mask_email, mask_name, mask_phone, masked_identity


@pytest.mark.parametrize("name, masked", [
    ("王小明", "王**"), ("John Smith", "J**"), ("欧阳", "欧**"), ("  李  ", "李**"), ("", ""),
])
def test_a_name_keeps_its_first_character(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("email, masked", [
    ("wang@qq.com", "w***@qq.com"), ("Xiao.Ming@163.com", "X***@163.com"),
    ("a@b.cn", "a***@b.cn"), ('"a@b"@example.com', '"***@example.com'),
    ("no-at-sign", "n***"), ("", ""),
])
def test_an_email_keeps_the_first_character_and_the_domain(email, masked):
    assert mask_email(email) == masked


@pytest.mark.parametrize("phone, masked", [
    ("13812345678", "138****5678"), ("138 1234 5678", "138****5678"),
    ("+8613812345678", "+86****5678"), ("010-87654321", "010****4321"),
    ("87654321", "******21"), ("12", "**"), ("", ""),
])
def test_a_phone_keeps_its_first_three_and_last_four_or_only_its_last_two(phone, masked):
    assert mask_phone(phone) == masked


def test_an_anonymous_report_shows_nothing_even_an_address_it_gave():
    identity = ReporterIdentity("JB-1", email="tip@qq.com")
    assert masked_identity(identity, anonymous=True) == {
        "name": "", "email": "", "phone": "", "anonymous": True}
    assert masked_identity(None, anonymous=False)["name"] == ""
    assert masked_identity(ReporterIdentity("TS-1", "王小明", "wang@qq.com", "13812345678"),
                           anonymous=False) == {"name": "王**", "email": "w***@qq.com",
                                                "phone": "138****5678", "anonymous": False}
