"""The one place that picks adapters, from one Settings object. Nothing is built at import time:
entry points call `services()` on their first request."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from shared.adapters.clock import SystemClock
from shared.adapters.mail_composition import MailComposer
from shared.adapters.pages import Pages
from shared.adapters.rendering import Renderer
from shared.domain.ports import (
    AttachmentStore,
    CaseStore,
    Clock,
    MailTransport,
    NotificationVerifier,
    RawMailSource,
)
from shared.services.intake import Intake
from shared.services.mail_delivery import MailDelivery
from shared.services.mail_intake import MailIntake, MailIntakeRules
from shared.services.mail_webhook import MailWebhook
from shared.services.status_lookup import LookupLimits, StatusLookup
from shared.services.submissions import SubmissionRules
from shared.settings import Settings


@dataclass
class Services:
    settings: Settings
    store: CaseStore
    intake: Intake
    status: StatusLookup
    delivery: MailDelivery
    mail_intake: MailIntake
    mail_webhook: MailWebhook
    pages: Pages


def build_store(settings: Settings) -> CaseStore:
    if settings.case_store == "firestore":
        from shared.adapters.firestore_store import FirestoreCaseStore

        return FirestoreCaseStore(settings.firestore_project, settings.firestore_database)
    from shared.adapters.sqlite_store import SqliteCaseStore

    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteCaseStore(settings.sqlite_path)


def build_transport(settings: Settings) -> MailTransport:
    if settings.mail_transport == "ses":
        from shared.adapters.ses_transport import SesTransport

        return SesTransport(settings.ses_region)
    from shared.adapters.smtp_transport import SmtpTransport

    return SmtpTransport(settings.smtp_host, settings.smtp_port)


def build_attachments(settings: Settings) -> AttachmentStore:
    if settings.attachment_store == "gcs":
        from shared.adapters.gcs_attachments import GcsAttachmentStore

        return GcsAttachmentStore(settings.attachment_bucket, settings.firestore_project)
    from shared.adapters.folder_attachments import FolderAttachmentStore

    return FolderAttachmentStore(settings.attachment_folder)


def build_verifier(settings: Settings) -> NotificationVerifier:
    from shared.adapters.amazon_inbound import SnsSignatureVerifier

    return SnsSignatureVerifier(settings.inbound_topic_arn)


def build_raw_mail(settings: Settings) -> RawMailSource:
    from shared.adapters.amazon_inbound import S3RawMail

    return S3RawMail(settings.ses_region)


def build_services(settings: Settings, store: CaseStore | None = None,
                   transport: MailTransport | None = None,
                   attachments: AttachmentStore | None = None,
                   clock: Clock | None = None, verifier: NotificationVerifier | None = None,
                   raw_mail: RawMailSource | None = None) -> Services:
    """Wire every service; tests pass their own adapters or clock."""
    settings.check()
    clock = clock or SystemClock()
    store = store or build_store(settings)
    transport = transport or build_transport(settings)
    attachments = attachments or build_attachments(settings)
    mail_intake = MailIntake(store, attachments, clock, mail_rules(settings))
    renderer = Renderer(settings.templates_dir, settings.timezone, settings.platform_name)
    rules = SubmissionRules(settings.anonymous_kinds, settings.check_email_deliverability,
                            settings.max_attachments, settings.max_attachment_bytes)
    composer = MailComposer(renderer, settings.mail_from, settings.mail_domain,
                            settings.public_status_url, clock, settings.reply_key,
                            settings.inbound_address)
    return Services(
        settings=settings,
        store=store,
        intake=Intake(store, attachments, clock, rules, settings.initial_review,
                      settings.timezone, settings.submissions_per_client_per_hour,
                      settings.acknowledgments_per_sender_per_hour),
        status=StatusLookup(store, attachments, clock,
                            LookupLimits(settings.lookup_attempts_per_client,
                                         settings.lookup_attempts_per_case,
                                         settings.lookup_window),
                            settings.max_attachments, settings.max_attachment_bytes),
        delivery=MailDelivery(store, transport, composer, clock,
                              max_attempts=settings.delivery_max_attempts),
        mail_intake=mail_intake,
        mail_webhook=MailWebhook(verifier or build_verifier(settings),
                                 raw_mail or build_raw_mail(settings), mail_intake,
                                 settings.inbound_mail_bucket),
        pages=Pages(renderer, settings.public_status_url, settings.anonymous_kinds,
                    settings.max_attachments, settings.max_attachment_bytes),
    )


def mail_rules(settings: Settings) -> MailIntakeRules:
    return MailIntakeRules(
        inbound_address=settings.inbound_address,
        own_addresses=frozenset({settings.inbound_address, settings.mail_from.lower()}),
        mail_domain=settings.mail_domain.lower(),
        reply_key=settings.reply_key,
        default_kind=settings.email_default_kind,
        acknowledgments_per_hour=settings.acknowledgments_per_sender_per_hour,
        max_message_bytes=settings.max_message_bytes,
        max_files=settings.max_attachments,
        max_file_bytes=settings.max_attachment_bytes,
        initial_review=settings.initial_review,
        timezone=settings.timezone,
    )


@cache
def services() -> Services:
    """The process's services, built on first call from the environment."""
    return build_services(Settings.from_environment())
