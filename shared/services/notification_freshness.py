"""Refusing SNS messages that are too old or from the future (issue 12).

A signature proves that SNS sent a message, not when it reached us: whoever recorded one (a
proxy's log, a leaked request) could post it again for ever, and for a confirmation that makes
us fetch its SubscribeURL again. SNS signs the message's `Timestamp` (when it was published) and
keeps it on every retry, so a message older than `MAX_AGE` is refused, as is one stamped more
than `MAX_SKEW` in the future (clocks differ a little, not by minutes). `MAX_AGE` must exceed
the longest retry schedule of our subscription's delivery policy (`infra/aws_mail.tf`: at most
about 25 minutes), or SNS's own late retries would be refused; a test holds the two together.
A replay within the hour is caught by the message key (a message is recorded once)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.domain.errors import StaleNotification

MAX_AGE = timedelta(hours=1)
MAX_SKEW = timedelta(minutes=5)


def check_fresh(notification: dict, now: datetime) -> None:
    """Raise StaleNotification unless the message's Timestamp is within the window."""
    stamp = notification.get("Timestamp")
    try:
        published = datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
    except ValueError:
        published = None
    if published is None or published.tzinfo is None:
        raise StaleNotification(f"no readable Timestamp: {str(stamp)[:40]!r}")
    published = published.astimezone(UTC)
    if published < now - MAX_AGE:
        raise StaleNotification(f"published {published:%Y-%m-%dT%H:%M:%SZ}, more than "
                                f"{MAX_AGE} ago")
    if published > now + MAX_SKEW:
        raise StaleNotification(f"published {published:%Y-%m-%dT%H:%M:%SZ}, in the future")
