"""Settings: built from the environment, and refused when they make no sense or are unsafe."""
from datetime import timedelta

import pytest

from shared.settings import DEVELOPMENT_REPLY_KEY, ConfigurationError, Settings


def test_settings_come_from_cd_variables_with_types():
    settings = Settings.from_environment({
        "CD_CASE_STORE": "firestore", "CD_REPLY_TOKEN_KEY": "k", "CD_SMTP_PORT": "2526",
        "CD_INITIAL_REVIEW": "3600", "CD_ANONYMOUS_KINDS": "report, complaint",
        "CD_CHECK_EMAIL_DELIVERABILITY": "true", "CD_TRUSTED_PROXIES": "1", "UNRELATED": "x"})
    assert settings.case_store == "firestore" and settings.smtp_port == 2526
    assert settings.initial_review == timedelta(hours=1)
    assert settings.anonymous_kinds == frozenset({"report", "complaint"})
    assert settings.check_email_deliverability is True
    assert settings.trusted_proxies == 1
    assert Settings.from_environment({}) == Settings()


def test_choices_ignore_case_and_really_give_what_was_named():
    settings = Settings.from_environment({
        "CD_CASE_STORE": "Firestore", "CD_MAIL_TRANSPORT": " SES ", "CD_ATTACHMENT_STORE": "GCS",
        "CD_DEFAULT_LANGUAGE": "EN", "CD_EMAIL_DEFAULT_KIND": "Complaint",
        "CD_ANONYMOUS_KINDS": "Report,COMPLAINT"})
    assert (settings.case_store, settings.mail_transport, settings.attachment_store) == \
        ("firestore", "ses", "gcs")
    assert settings.default_language == "en" and settings.email_default_kind == "complaint"
    assert settings.anonymous_kinds == frozenset({"report", "complaint"})
    assert Settings.from_environment({"CD_DEFAULT_LANGUAGE": "zh-cn"}).default_language == "zh-CN"


def test_durations_take_seconds_or_a_unit():
    read = Settings.from_environment
    assert read({"CD_LOOKUP_WINDOW": "900"}).lookup_window == timedelta(minutes=15)
    assert read({"CD_LOOKUP_WINDOW": "15m"}).lookup_window == timedelta(minutes=15)
    assert read({"CD_INITIAL_REVIEW": "24h"}).initial_review == timedelta(hours=24)
    assert read({"CD_INITIAL_REVIEW": "2d"}).initial_review == timedelta(days=2)


def test_every_bad_variable_is_named_at_once_with_what_it_accepts():
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_environment({
            "CD_CASE_STORE": "mysql", "CD_MAIL_TRANSPORT": "sendmail", "CD_SMTP_PORT": "25x",
            "CD_INITIAL_REVIEW": "one day", "CD_CHECK_EMAIL_DELIVERABILITY": "ture",
            "CD_TIMEZONE": "Beijing", "CD_DEFAULT_LANGUAGE": "zh-TW", "CD_ANONYMOUS_KINDS": "report,bug",
            "CD_LOCAL_WORKER_INTERVAL": "fast", "CD_ATTACHMENT_STORE": "s3",
            "CD_EMAIL_DEFAULT_KIND": "suggestion"})
    message = str(refused.value)
    expected = {
        "CD_CASE_STORE": "sqlite or firestore", "CD_MAIL_TRANSPORT": "smtp or ses",
        "CD_SMTP_PORT": "whole number", "CD_INITIAL_REVIEW": "duration",
        "CD_CHECK_EMAIL_DELIVERABILITY": "true or false", "CD_TIMEZONE": "IANA time zone",
        "CD_DEFAULT_LANGUAGE": "zh-CN or en", "CD_ANONYMOUS_KINDS": "complaint or report",
        "CD_LOCAL_WORKER_INTERVAL": "number of seconds", "CD_ATTACHMENT_STORE": "folder or gcs",
        "CD_EMAIL_DEFAULT_KIND": "complaint or report"}
    assert len(refused.value.problems) == len(expected)
    for line in refused.value.problems:
        name = line.split("=")[0].split(":")[0]
        assert expected.pop(name) in line, line
    assert not expected
    assert message.startswith("configuration refused")


@pytest.mark.parametrize("name, value", [
    ("CD_MAX_ATTACHMENTS", "0"), ("CD_MAX_ATTACHMENT_BYTES", "-1"),
    ("CD_SUBMISSIONS_PER_CLIENT_PER_HOUR", "0"), ("CD_LOOKUP_ATTEMPTS_PER_CLIENT", "-5"),
    ("CD_LOOKUP_ATTEMPTS_PER_CASE", "0"), ("CD_DELIVERY_MAX_ATTEMPTS", "0"),
    ("CD_ACKNOWLEDGMENTS_PER_SENDER_PER_HOUR", "0"), ("CD_MAX_MESSAGE_BYTES", "10"),
    ("CD_TRUSTED_PROXIES", "-1"), ("CD_LOOKUP_WINDOW", "0"), ("CD_INITIAL_REVIEW", "0h"),
    ("CD_LOCAL_WORKER_INTERVAL", "0"), ("CD_LOCAL_WORKER_INTERVAL", "nan"),
    ("CD_SMTP_PORT", "0"), ("CD_LOCAL_HTTP_PORT", "70000"), ("CD_MAIL_FROM", "report"),
    ("CD_REPORT_ADDRESS", "举报 <report@example.com>"), ("CD_STATUS_URL", "example.com/status"),
    ("CD_PLATFORM_NAME", " "), ("CD_TIMEZONE", "../../etc/passwd"), ("CD_SQLITE_PATH", ""),
])
def test_limits_and_values_that_make_no_sense_are_refused(name, value):
    with pytest.raises(ConfigurationError, match=name):
        Settings.from_environment({name: value})


def test_settings_built_in_code_are_checked_too():
    with pytest.raises(ConfigurationError, match="CD_CASE_STORE"):
        Settings(case_store="Firestore")  # code names the exact value
    with pytest.raises(ConfigurationError, match="CD_MAX_ATTACHMENTS"):
        Settings(max_attachments=0)


def test_the_secret_is_never_echoed():
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_environment({"CD_REPLY_TOKEN_KEY": "s3cret-value", "CD_SMTP_PORT": "x"})
    assert "s3cret" not in str(refused.value)


def test_the_development_key_is_refused_in_the_cloud_and_beyond_loopback():
    assert Settings(reply_token_key=DEVELOPMENT_REPLY_KEY).reply_key  # loopback development
    for unsafe in (Settings(case_store="firestore"), Settings(mail_transport="ses"),
                   Settings(local_http_host="0.0.0.0"), Settings(local_inbound_smtp_host="10.0.0.5"),
                   Settings(local_http_host="::")):
        with pytest.raises(ConfigurationError, match="CD_REPLY_TOKEN_KEY"):
            Settings(**{**vars(unsafe), "reply_token_key": DEVELOPMENT_REPLY_KEY}).reply_key
    with pytest.raises(ConfigurationError, match="must be set to a secret in the cloud"):
        Settings.from_environment({"CD_MAIL_TRANSPORT": "ses"}).reply_key
    assert Settings.from_environment({"CD_MAIL_TRANSPORT": "ses",
                                      "CD_REPLY_TOKEN_KEY": "s3cret"}).reply_key == b"s3cret"
    assert Settings(local_http_host="localhost", local_inbound_smtp_host="::1",
                    reply_token_key=DEVELOPMENT_REPLY_KEY).reply_key


@pytest.mark.parametrize("public, named", [
    ({"trusted_proxies": 1}, "CD_TRUSTED_PROXIES"),  # a reverse proxy in front: the public reaches us
    ({"status_url": "https://complaints.example.com/case_status"}, "CD_STATUS_URL"),
    ({"status_url": "http://192.168.1.20:8080/case_status"}, "CD_STATUS_URL"),
    ({"trusted_authserv_id": "mx.example.com"}, "CD_TRUSTED_AUTHSERV_ID"),  # a real MTA feeds us
])
def test_the_development_key_is_refused_when_the_public_reaches_a_loopback_stack(public, named):
    settings = Settings(reply_token_key=DEVELOPMENT_REPLY_KEY, **public)
    assert not settings.listens_beyond_loopback
    with pytest.raises(ConfigurationError, match="CD_REPLY_TOKEN_KEY") as refused:
        settings.reply_key
    assert named in str(refused.value)  # says why
    assert Settings(reply_token_key="s3cret-" * 6, **public).reply_key  # a real secret is fine


def test_a_loopback_status_url_keeps_the_development_key_usable():
    for url in ("http://127.0.0.1:8080/case_status", "http://localhost:9000/case_status",
                "http://[::1]:8080/case_status"):
        assert Settings(reply_token_key=DEVELOPMENT_REPLY_KEY, status_url=url).reply_key


def test_functions_that_need_no_reply_key_start_without_it(tmp_path):
    from shared.bootstrap import build_services

    cloud = Settings(case_store="firestore", attachment_store="folder",
                     attachment_folder=tmp_path)
    app = build_services(cloud)
    assert app.pages.form("zh-CN", "complaint")  # the form renders
    with pytest.raises(ValueError):
        app.delivery  # sending mail needs the key
