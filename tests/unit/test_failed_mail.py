"""What staff are told of mail given up on: the error's class, its text without addresses, and
sending it again only when it was given up."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.errors import CommandRefused
from shared.domain.failed_mail import INTERRUPTED, error_class, masked_error, send_again
from shared.domain.outbox import OutboxStatus
from tests.support.builders import a_case, an_outbox_message

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


@pytest.mark.parametrize("error, kind", [
    ("recipient refused: {'wangxm@qq.com': (550, b'5.1.1 No such user')}", "recipient_refused"),
    ("SMTP unavailable: [Errno 111] Connection refused", "transport_unavailable"),
    ("SES unavailable: timeout", "transport_unavailable"),
    ("SMTP 554: b'Message rejected'", "rejected"),
    ("SES MessageRejected: Email address is not verified.", "rejected"),
    ("the reporter left no email address", "no_address"),
    ("no address for the respondent notice", "no_address"),
    ("earlier mail to the reporter bounced", "reporter_bounced"),
    ("no active staff member 's-1'", "staff_inactive"),
    (INTERRUPTED, "interrupted"),
    ("KeyError: 'details'", "error"),
    ("", ""),
])
def test_each_failure_has_its_class(error, kind):
    assert error_class(error) == kind


def test_addresses_in_an_error_are_masked():
    error = "recipient refused: {'wangxm@qq.com': (550, b'<Li.Lei@163.com> unknown')}"
    masked = masked_error(error)
    assert "wangxm@qq.com" not in masked and "Li.Lei@163.com" not in masked
    assert masked.startswith("recipient refused: {'w***@qq.com'") and "550" in masked


@pytest.mark.parametrize("status", [OutboxStatus.PENDING, OutboxStatus.SENDING, OutboxStatus.SENT])
def test_only_mail_given_up_is_sent_again(status):
    case = a_case("TS-1", NOW)
    message = an_outbox_message("TS-1", NOW, status=status)
    with pytest.raises(CommandRefused) as refused:
        send_again(message, case, "staff:s-1", "fixed", NOW)
    assert refused.value.code == "mail_not_failed"
    assert message.status == status and not case.new_events[1:]
