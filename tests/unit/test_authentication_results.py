"""Reading the operator's MTA's verdicts from Authentication-Results (RFC 8601)."""
import pytest

from shared.services.authentication_results import parse_header, sender_verified

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
    ((f"{MX}; spf=pass smtp.mailfrom=qq.com",), True),
    ((f"{MX}; dkim=pass header.d=qq.com; dmarc=pass",), True),
    ((f"{MX}; spf=pass; dmarc=fail",), False),
    ((f"{MX}; spf=softfail; dkim=fail; dmarc=none",), False),
    ((f"{MX}; none",), False),
    ((),  False),
    (("evil.example; spf=pass; dkim=pass; dmarc=pass",), False),
    (("evil.example; spf=pass", f"{MX}; spf=fail"), False),
    ((f"{MX.upper()}; DKIM=Pass",), True),  # names and results ignore case
    ((f"{MX}; dkim=pass", f"{MX}; dmarc=fail"), False),  # one MTA's headers read together
    (("mx.example.org.evil; spf=pass",), False),
])
def test_only_the_trusted_mta_verifies_and_as_ses_would(verdicts, verified):
    assert sender_verified(mail(*verdicts), MX) is verified


def test_with_no_trusted_authserv_id_nothing_is_verified():
    assert sender_verified(mail("; spf=pass; dmarc=pass", f"{MX}; spf=pass"), "") is False
