"""Settings: built from the environment, and refused when unsafe."""
from datetime import timedelta

import pytest

from shared.settings import Settings


def test_settings_come_from_cd_variables_with_types():
    settings = Settings.from_environment({
        "CD_CASE_STORE": "firestore", "CD_REPLY_TOKEN_KEY": "k", "CD_SMTP_PORT": "2526",
        "CD_INITIAL_REVIEW": "3600", "CD_ANONYMOUS_KINDS": "report, complaint",
        "CD_CHECK_EMAIL_DELIVERABILITY": "true", "UNRELATED": "x"})
    assert settings.case_store == "firestore" and settings.smtp_port == 2526
    assert settings.initial_review == timedelta(hours=1)
    assert settings.anonymous_kinds == frozenset({"report", "complaint"})
    assert settings.check_email_deliverability is True
    assert Settings.from_environment({}).case_store == "sqlite"


def test_a_cloud_configuration_with_the_development_key_is_refused():
    assert Settings().reply_key  # the local stack may use it
    with pytest.raises(ValueError, match="CD_REPLY_TOKEN_KEY"):
        Settings(case_store="firestore").reply_key
    with pytest.raises(ValueError):
        Settings.from_environment({"CD_MAIL_TRANSPORT": "ses"}).reply_key
    assert Settings.from_environment({"CD_MAIL_TRANSPORT": "ses",
                                      "CD_REPLY_TOKEN_KEY": "s3cret"}).reply_key == b"s3cret"


def test_functions_that_need_no_reply_key_start_without_it(tmp_path):
    from shared.bootstrap import build_services

    cloud = Settings(case_store="firestore", attachment_store="folder",
                     attachment_folder=tmp_path)
    app = build_services(cloud)
    assert app.pages.form("zh-CN", "complaint")  # the form renders
    with pytest.raises(ValueError):
        app.delivery  # sending mail needs the key
