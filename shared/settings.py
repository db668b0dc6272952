"""Settings: built once from the environment. Nothing else in the code reads `os.environ`.

A value that makes no sense (an unknown choice, a malformed number, flag or duration, a limit
below its minimum) stops start-up with a `ConfigurationError` naming every bad variable and what it
accepts: a typo must never silently give another store, transport or rule."""
from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from shared.settings_rules import ConfigurationError, combination_problems, field_problem, parse_value

__all__ = ["ConfigurationError", "DEVELOPMENT_REPLY_KEY", "PROJECT_ROOT", "Settings"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Published in the source: whoever uses it lets anyone compute reply tokens and access codes.
DEVELOPMENT_REPLY_KEY = "local-development-only-reply-token-key"


@dataclass(frozen=True)
class Settings:
    # Which adapters the bootstrap picks.
    case_store: str = "sqlite"  # sqlite | firestore
    sqlite_path: Path = PROJECT_ROOT / "var" / "cases.sqlite3"
    # full: a commit is on disk when the person is told (normal: WAL's default, faster, may lose
    # the last commits to a power cut); the writer lock queues this process's writers (issue 12).
    sqlite_synchronous: str = "full"  # full | normal
    sqlite_writer_lock: bool = True
    firestore_project: str = "complaint-desk-local"
    firestore_database: str = "(default)"
    # How long one call waits for an unavailable store (SQLite's busy timeout; Firestore's
    # retries and each call's deadline) before the request answers 503 (issue 12).
    store_wait_seconds: float = 30.0
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
    working_hours: str = "09:00-18:00"  # in `timezone`, on China's working days (clocks in hours)
    check_email_deliverability: bool = False
    max_attachments: int = 5
    max_attachment_bytes: int = 10 * 1024 * 1024
    # The public form's edge (issue 12): all files of one post together (0: every file at its
    # largest), the largest request the platform in front takes (Cloud Run: 33554432; 0: none),
    # and the cases a client registers in an hour after which its posts need a proof of work
    # (0: a quarter of the hard limit, `challenge_threshold`).
    max_attachments_total_bytes: int = 0
    platform_request_cap_bytes: int = 0
    challenge_after_submissions: int = 0
    submissions_per_client_per_hour: int = 20
    lookup_attempts_per_client: int = 30
    lookup_attempts_per_case: int = 20
    lookup_window: timedelta = timedelta(minutes=15)
    delivery_max_attempts: int = 8
    staff_session_lifetime: timedelta = timedelta(hours=8)  # local sign-in: a session's length
    # Decisions (issue 9): compensation above this needs a leader (R13); the person may appeal
    # this many months after the closure notice (R16); roles whose plain information requests
    # need no approval (R12: every other reply by a non-supervisor waits for the service centre).
    compensation_leader_threshold_yuan: int = 500
    appeal_window_months: int = 6
    follow_up_link_days: int = 30  # a closure notice's rating link works this many days (R17)
    # The reporter's private record is purged this many days after the case is archived (PIPL).
    identity_retention_days: int = 365
    reply_approval_waived_for: frozenset[str] = field(default_factory=frozenset)
    # R19: the statistics bulletin the sweep mails to the leaders after each period ends
    # (monthly | weekly | both | off), and the console's address its link points at (empty:
    # the local stack's).
    statistics_bulletin: str = "monthly"
    console_url: str = ""
    # The misuse policy (R21, DSA Art. 23, `misuse.py`): this many reports of one contact marked
    # unfounded or malicious within the window warn it (0: the policy is off), this many hold its
    # new reports for review for `misuse_hold_days`.
    misuse_warn_after: int = 3
    misuse_hold_after: int = 5
    misuse_window_days: int = 180
    misuse_hold_days: int = 30
    # The deadline sweep reminds the assignee when this fraction of a decision's time is left.
    reminder_at_fraction: float = 0.2
    # The scheduled sweep (issue 10): how long one run's sweep may take (below the function's
    # timeout in infra/); in the cloud, who may start it: the OIDC token's audience (the
    # function's URL) and Cloud Scheduler's service account. Unset: the HTTP function refuses all.
    sweep_budget_seconds: float = 240.0
    sweep_audience: str = ""
    sweep_invoker: str = ""
    # Whom we trust: proxies that append to X-Forwarded-For, and the MTA's verdicts on senders.
    trusted_proxies: int = 0
    trusted_authserv_id: str = ""
    # Who staff are: `local` (the local sign-in) or `iap` (Identity-Aware Proxy in front, whose
    # signed assertion names the person; its audience is the protected service's).
    staff_identity: str = "local"  # local | iap
    iap_audience: str = ""
    # Email intake.
    report_address: str = ""  # where the public writes; empty: mail_from
    reply_token_key: str = ""  # a secret in the cloud; empty: generated into reply_token_key_file
    reply_token_key_file: Path | None = None  # empty: reply_token.key next to the SQLite file
    email_default_kind: str = "report"
    acknowledgments_per_sender_per_hour: int = 5
    max_message_bytes: int = 40 * 1024 * 1024
    inbound_mail_bucket: str = ""  # S3 bucket the SES receipt rule writes to
    inbound_topic_arn: str = ""  # the SNS topic whose notifications are accepted
    templates_dir: Path = PROJECT_ROOT / "templates"
    # Public pages (R22, issue 11): the public URLs of the form and of `public_pages` (empty: the
    # local stack's), and what the published handling policy names besides the form and the
    # report address: a complaint line, an address for letters and visits (empty: not published),
    # the day it takes effect (YYYY-MM-DD; empty: the day it is published), whether valid reports
    # are rewarded (R21).
    form_url: str = ""
    public_pages_url: str = ""
    public_phone: str = ""
    public_office_address: str = ""
    policy_effective_from: str = ""
    rewards_offered: bool = False
    # The local stack (and self-hosting) only.
    local_http_host: str = "127.0.0.1"
    local_http_port: int = 8080
    local_mailbox: Path = PROJECT_ROOT / "var" / "mail"
    local_worker_interval: float = 1.0  # the outbox pool's poll while nothing is due
    local_delivery_workers: int = 4  # the outbox pool's threads (issue 12)
    local_sweep_interval: float = 60.0  # seconds between the local stack's sweeps
    local_inbound_smtp_host: str = "127.0.0.1"
    local_inbound_smtp_port: int = 2525

    def __post_init__(self):
        problems = [problem for f in fields(self)
                    if (problem := field_problem(f.name, getattr(self, f.name)))]
        problems += combination_problems(self)
        if problems:
            raise ConfigurationError(problems)

    @property
    def challenge_threshold(self) -> int:
        """Cases a client registers in an hour before its form posts need a proof of work: the
        setting, or a quarter of the hard limit (5 of 20), which keeps the challenge out of the
        way wherever the hard limit is lifted (a load test)."""
        return (self.challenge_after_submissions
                or max(1, self.submissions_per_client_per_hour // 4))

    @property
    def inbound_address(self) -> str:
        return (self.report_address or self.mail_from).lower()

    @property
    def in_the_cloud(self) -> bool:
        return self.case_store == "firestore" or self.mail_transport == "ses"

    @property
    def listens_beyond_loopback(self) -> bool:
        """Whether the local stack binds an address other people can reach."""
        return not all(_is_loopback(host)
                       for host in (self.local_http_host, self.local_inbound_smtp_host))

    @property
    def public_reach(self) -> list[str]:
        """Why people other than the developer can reach this stack (empty: loopback only): the
        cloud, a non-loopback bind, a reverse proxy in front, a public status URL (the links we
        mail), or a real MTA that feeds the report address."""
        status_host = urlsplit(self.public_status_url).hostname or ""
        reasons = [
            ("CD_CASE_STORE/CD_MAIL_TRANSPORT: the cloud", self.in_the_cloud),
            ("CD_LOCAL_HTTP_HOST/CD_LOCAL_INBOUND_SMTP_HOST: bound beyond loopback",
             self.listens_beyond_loopback),
            (f"CD_TRUSTED_PROXIES={self.trusted_proxies}: a proxy in front",
             self.trusted_proxies > 0),
            (f"CD_STATUS_URL: {status_host} is not loopback", not _is_loopback(status_host)),
            ("CD_TRUSTED_AUTHSERV_ID: a real MTA delivers the public's mail",
             bool(self.trusted_authserv_id)),
        ]
        return [reason for reason, applies in reasons if applies]

    @property
    def reply_key_file(self) -> Path:
        return self.reply_token_key_file or self.sqlite_path.parent / "reply_token.key"

    @property
    def reply_key(self) -> bytes:
        """The reply-token key: `CD_REPLY_TOKEN_KEY`, or else (self-hosted, never in the cloud) a
        random key generated at first use and kept, owner-only, in `reply_key_file`. The
        published development key is refused whenever the public can reach us (`public_reach`):
        anyone could then compute reply tokens, access codes and receipt links. Only the
        functions that sign or check tokens ask for it (and hold the secret)."""
        key = self.reply_token_key
        if key == DEVELOPMENT_REPLY_KEY and (reach := self.public_reach):
            raise ConfigurationError([
                "CD_REPLY_TOKEN_KEY: the published development key is refused outside a "
                "loopback-only local stack (" + "; ".join(reach) + "); set a secret or leave "
                "it unset to generate one"])
        if key:
            return key.encode()
        if self.in_the_cloud:
            raise ConfigurationError(["CD_REPLY_TOKEN_KEY must be set to a secret in the cloud"])
        from shared.reply_key_file import read_or_create_key

        return read_or_create_key(self.reply_key_file).encode()

    @property
    def public_console_url(self) -> str:
        """Where staff open the console (the statistics bulletin's link)."""
        return (self.console_url or
                f"http://127.0.0.1:{self.local_http_port}/staff_api/console").rstrip("/")

    @property
    def public_status_url(self) -> str:
        return self.status_url or f"http://127.0.0.1:{self.local_http_port}/case_status"

    @property
    def public_form_url(self) -> str:
        return self.form_url or f"http://127.0.0.1:{self.local_http_port}/submit_form"

    @property
    def public_pages_base_url(self) -> str:
        """The public URL of `public_pages` (the policy and transparency pages), no trailing /."""
        return (self.public_pages_url
                or f"http://127.0.0.1:{self.local_http_port}/public_pages").rstrip("/")

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read `CD_*` variables (see docs/configuration.md); unset ones keep their defaults.
        Raises `ConfigurationError` listing every variable whose value makes no sense."""
        env = os.environ if env is None else env
        values: dict = {}
        problems: list[str] = []
        for f in fields(cls):
            raw = env.get(f"CD_{f.name.upper()}")
            if raw is None:
                continue
            try:
                values[f.name] = parse_value(f.name, f.type, raw)
            except ValueError as bad:
                problems.append(str(bad))
                continue
            if problem := field_problem(f.name, values[f.name]):
                problems.append(problem)
        if problems:
            raise ConfigurationError(problems)
        return cls(**values)


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
