"""Reading the operator's MTA's verdicts from Authentication-Results (RFC 8601)."""
import pytest

from shared.services.authentication_results import aligned, parse_header, sender_verified

MX = "mx.example.org"


def mail(*verdicts: str) -> bytes:
    headers = "".join(f"Authentication-Results: {v}\r\n" for v in verdicts)
    return (headers + "From: 87654321@qq.com\r\nSubject: x\r\n\r\nbody\r\n").encode()


def test_the_header_is_read_past_comments_quotes_versions_and_folding():
    server, results = parse_header(
        'mx.example.org 1; (a comment; with a semicolon) spf=pass (sender IP is 1.2.3.4)\r\n'
        '\tsmtp.mailfrom=qq.com; dkim/1=pass reason="good; signature" header.d=qq.com;\r\n'
        ' dmarc=pass (p=QUARANTINE (nested) sp=NONE) header.from=qq.com')
    assert server == "mx.example.org"
    assert results == [("spf", "pass"), ("dkim", "pass"), ("dmarc", "pass")]


@pytest.mark.parametrize("verdicts, verified", [
    ((f"{MX}; spf=pass smtp.mailfrom=qq.com",), True),  # aligned with From: 87654321@qq.com
    ((f"{MX}; spf=pass smtp.mailfrom=bounce@mail.qq.com",), True),  # a subdomain aligns
    ((f"{MX}; dkim=pass header.d=qq.com",), True),
    ((f"{MX}; dkim=pass header.i=@qq.com",), True),
    ((f"{MX}; dmarc=pass header.from=qq.com",), True),
    ((f"{MX}; dmarc=pass",), True),
    ((f"{MX}; dkim=pass header.d=qq.com; dmarc=pass",), True),
    ((f"{MX}; spf=pass smtp.mailfrom=qq.com; dmarc=fail",), False),
    ((f"{MX}; spf=softfail; dkim=fail; dmarc=none",), False),
    ((f"{MX}; none",), False),
    ((),  False),
    (("evil.example; spf=pass; dkim=pass; dmarc=pass",), False),
    (("evil.example; spf=pass", f"{MX}; spf=fail"), False),
    ((f"{MX.upper()}; DKIM=Pass header.D=QQ.COM",), True),  # names and results ignore case
    ((f"{MX}; dkim=pass header.d=qq.com", f"{MX}; dmarc=fail"), False),  # read together
    (("mx.example.org.evil; spf=pass smtp.mailfrom=qq.com",), False),
    # The attacker's own domain passes SPF and DKIM; without DMARC that proves nothing of From.
    ((f"{MX}; spf=pass smtp.mailfrom=attacker@evil.example",), False),
    ((f"{MX}; dkim=pass header.d=evil.example; spf=pass smtp.mailfrom=evil.example",), False),
    ((f"{MX}; spf=pass smtp.mailfrom=notqq.com; dkim=pass header.d=com",), False),
    ((f"{MX}; spf=pass; dkim=pass",), False),  # passes for domains the header does not name
    ((f"{MX}; dmarc=pass header.from=evil.example",), False),  # DMARC about another From
])
def test_only_the_trusted_mta_verifies_and_only_for_the_from_domain(verdicts, verified):
    assert sender_verified(mail(*verdicts), MX, "qq.com") is verified


def test_with_no_trusted_authserv_id_or_no_from_domain_nothing_is_verified():
    assert sender_verified(mail("; spf=pass; dmarc=pass", f"{MX}; spf=pass"), "", "qq.com") is False
    assert sender_verified(mail(f"{MX}; dmarc=pass"), MX, "") is False


@pytest.mark.parametrize("domain, from_domain, expected", [
    ("qq.com", "qq.com", True), ("mail.qq.com", "qq.com", True), ("qq.com", "vip.qq.com", True),
    ("QQ.com.", "qq.com", True), ("notqq.com", "qq.com", False), ("com", "qq.com", False),
    ("", "qq.com", False), ("qq.com.evil.example", "qq.com", False),
])
def test_relaxed_alignment_is_equal_or_subdomain(domain, from_domain, expected):
    assert aligned(domain, from_domain) is expected
