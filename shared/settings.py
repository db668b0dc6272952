"""Settings: built once from the environment. Nothing else in the code reads `os.environ`."""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_REPLY_KEY = "local-development-only-reply-token-key"


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    # Which adapters the bootstrap picks.
    case_store: str = "sqlite"  # sqlite | firestore
    sqlite_path: Path = PROJECT_ROOT / "var" / "cases.sqlite3"
    firestore_project: str = "complaint-desk-local"
    firestore_database: str = "(default)"
    mail_transport: str = "smtp"  # smtp | ses
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    ses_region: str = "us-east-1"
    attachment_store: str = "folder"  # folder | gcs
    attachment_folder: Path = PROJECT_ROOT / "var" / "attachments"
    attachment_bucket: str = ""
    # Who we are.
    platform_name: str = "示例平台"
    mail_from: str = "report@example.com"
    mail_domain: str = "example.com"
    status_url: str = ""  # the public URL of case_status; empty: the local stack's
    timezone: str = "Asia/Shanghai"
    default_language: str = "zh-CN"
    # Rules.
    anonymous_kinds: frozenset[str] = field(default_factory=lambda: frozenset({"report"}))
    initial_review: timedelta = timedelta(hours=24)
    check_email_deliverability: bool = False
    max_attachments: int = 5
    max_attachment_bytes: int = 10 * 1024 * 1024
    submissions_per_client_per_hour: int = 20
    lookup_attempts_per_client: int = 30
    lookup_attempts_per_case: int = 20
    lookup_window: timedelta = timedelta(minutes=15)
    delivery_max_attempts: int = 8
    # Email intake.
    report_address: str = ""  # where the public writes; empty: mail_from
    reply_token_key: str = DEVELOPMENT_REPLY_KEY  # a secret in the cloud
    email_default_kind: str = "report"
    acknowledgments_per_sender_per_hour: int = 5
    max_message_bytes: int = 40 * 1024 * 1024
    inbound_mail_bucket: str = ""  # S3 bucket the SES receipt rule writes to
    inbound_topic_arn: str = ""  # the SNS topic whose notifications are accepted
    templates_dir: Path = PROJECT_ROOT / "templates"
    # The local stack only.
    local_http_port: int = 8080
    local_mailbox: Path = PROJECT_ROOT / "var" / "mail"
    local_worker_interval: float = 1.0
    local_inbound_smtp_port: int = 2525

    @property
    def inbound_address(self) -> str:
        return (self.report_address or self.mail_from).lower()

    @property
    def reply_key(self) -> bytes:
        """The reply-token key. Refused when a cloud deployment still has the public development
        key: anyone could then compute reply tokens and the access codes of email cases. Only the
        functions that sign or check tokens ask for it (and hold the secret)."""
        cloud = self.case_store == "firestore" or self.mail_transport == "ses"
        if cloud and self.reply_token_key == DEVELOPMENT_REPLY_KEY:
            raise ValueError("CD_REPLY_TOKEN_KEY must be set to a secret outside the local stack")
        return self.reply_token_key.encode()

    @property
    def public_status_url(self) -> str:
        return self.status_url or f"http://127.0.0.1:{self.local_http_port}/case_status"

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read `CD_*` variables (see docs/configuration.md); unset ones keep their defaults."""
        env = os.environ if env is None else env
        defaults = cls()
        values: dict = {}
        for name, current in vars(defaults).items():
            raw = env.get(f"CD_{name.upper()}")
            if raw is None:
                continue
            values[name] = _convert(current, raw)
        return cls(**values)


def _convert(current, raw: str):
    if isinstance(current, bool):
        return _flag(raw)
    if isinstance(current, float):
        return float(raw)
    if isinstance(current, int):
        return int(raw)
    if isinstance(current, Path):
        return Path(raw)
    if isinstance(current, timedelta):
        return timedelta(seconds=float(raw))
    if isinstance(current, frozenset):
        return frozenset(p.strip() for p in raw.split(",") if p.strip())
    return raw
