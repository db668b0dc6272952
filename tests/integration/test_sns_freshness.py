"""A signed SNS message is taken only while fresh (issue 12): published more than an hour ago
(a recorded message posted again) or more than five minutes in the future is refused with 403,
for confirmations and notifications alike, and changes nothing; the window is longer than the
retry schedule our subscription gives SNS."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.errors import StaleNotification
from shared.services.mail_parsing import message_key
from shared.services.notification_freshness import MAX_AGE, check_fresh
from tests.conftest import START
from tests.integration.test_receive_email import (
    REGION,
    TOPIC,
    Signer,
    notification,
    ses_notification,
    webhook_for,
)
from tests.support.hcl import resources

CORPUS_MAIL = (b"From: 87654321@qq.com\r\nTo: report@example.com\r\nSubject: x\r\n"
               b"Message-ID: <fresh-1@qq.com>\r\n\r\n\xe6\xad\xa3\xe6\x96\x87\r\n")


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@pytest.mark.parametrize("published, fresh", [
    (START - timedelta(minutes=30), True),
    (START - timedelta(minutes=59), True),
    (START + timedelta(minutes=4), True),  # clocks differ a little
    (START - timedelta(minutes=61), False),  # a replay of an old message
    (START - timedelta(days=400), False),
    (START + timedelta(minutes=6), False),  # from the future
])
def test_the_timestamp_must_be_within_an_hour_before_and_minutes_after_now(published, fresh):
    message = {"Timestamp": stamp(published)}
    if fresh:
        check_fresh(message, START)
    else:
        with pytest.raises(StaleNotification):
            check_fresh(message, START)


@pytest.mark.parametrize("value", [None, "", "yesterday", 1764331200, "2026-11-28T12:00:00",
                                   "2026-13-40T00:00:00Z"])
def test_a_missing_unreadable_or_zoneless_timestamp_is_refused(value):
    with pytest.raises(StaleNotification):
        check_fresh({"Timestamp": value} if value is not None else {}, START)


def test_a_replayed_notification_is_refused_and_registers_nothing(settings, clock, sqlite_store):
    signer = Signer()
    webhook = webhook_for(signer, settings, clock, sqlite_store, {"m": CORPUS_MAIL})
    old = signer.sign(notification(ses_notification("", "m"),
                                   Timestamp=stamp(START - timedelta(hours=2))))
    with pytest.raises(StaleNotification):
        webhook.handle(json.dumps(old).encode())
    assert sqlite_store.find_mail(message_key("<fresh-1@qq.com>")) is None  # nothing recorded
    fresh = signer.sign(notification(ses_notification("", "m"),
                                     Timestamp=stamp(START - timedelta(minutes=20))))
    assert webhook.handle(json.dumps(fresh).encode()).status == "registered"


def test_a_replayed_or_future_subscription_confirmation_fetches_nothing(settings, clock,
                                                                        sqlite_store):
    signer = Signer()
    webhook = webhook_for(signer, settings, clock, sqlite_store, {})
    confirm_url = f"https://sns.{REGION}.amazonaws.com/?Action=ConfirmSubscription&Token=t"
    for moment in (START - timedelta(hours=3), START + timedelta(hours=1)):
        message = signer.sign({"Type": "SubscriptionConfirmation", "MessageId": "c-1",
                               "Token": "t", "TopicArn": TOPIC, "Message": "confirm",
                               "SubscribeURL": confirm_url, "Timestamp": stamp(moment)})
        with pytest.raises(StaleNotification):
            webhook.handle(json.dumps(message).encode())
    assert confirm_url not in signer.fetched


def test_the_function_answers_403_to_a_replayed_signed_message(function_client, monkeypatch):
    signer = Signer()
    monkeypatch.setattr("shared.adapters.amazon_inbound._requests_get", signer.http_get)
    monkeypatch.setenv("CD_INBOUND_TOPIC_ARN", TOPIC)
    client = function_client("receive_email")
    old = signer.sign(notification(ses_notification("", "m"),
                                   Timestamp=stamp(datetime.now(UTC) - timedelta(hours=2))))
    answer = client.post("/", data=json.dumps(old))
    assert answer.status_code == 403 and b"more than 1:00:00 ago" in answer.data


def test_the_window_outlasts_every_retry_our_subscription_asks_of_sns():
    """SNS keeps a message's Timestamp on every retry: the last retry must still be fresh. Each
    of `numRetries` waits at most `maxDelayTarget`, and SNS waits up to 15 s for an answer."""
    (subscription,) = resources("aws_sns_topic_subscription").values()
    policy = subscription["delivery_policy"]
    retries = int(re.search(r"numRetries\s*=\s*(\d+)", policy).group(1))
    longest_wait = int(re.search(r"maxDelayTarget\s*=\s*(\d+)", policy).group(1))
    assert timedelta(seconds=retries * (longest_wait + 15)) < MAX_AGE
