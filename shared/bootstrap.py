"""The one place that picks adapters, from one Settings object. Nothing is built at import time:
entry points call `services()` on their first request, and each service (with the adapters it
needs) is built the first time it is used, so a function builds only what it runs."""
from __future__ import annotations

from datetime import timedelta
from functools import cache, cached_property
from zoneinfo import ZoneInfo

from shared.domain.ports import (
    AttachmentStore,
    CaseStore,
    Clock,
    IdentityVerifier,
    MailTransport,
    NotificationVerifier,
    RawMailSource,
)
from shared.settings import ConfigurationError, Settings


def build_store(settings: Settings) -> CaseStore:
    if settings.case_store == "firestore":
        from shared.adapters.firestore_store import FirestoreCaseStore

        return FirestoreCaseStore(settings.firestore_project, settings.firestore_database,
                                  statistics_zone=ZoneInfo(settings.timezone),
                                  wait_seconds=settings.store_wait_seconds)
    from shared.adapters.sqlite_store import SqliteCaseStore

    settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteCaseStore(settings.sqlite_path, statistics_zone=ZoneInfo(settings.timezone),
                           synchronous=settings.sqlite_synchronous,
                           writer_lock=settings.sqlite_writer_lock,
                           busy_timeout=settings.store_wait_seconds)


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


def build_identity_verifier(settings: Settings) -> IdentityVerifier:
    """The verifier of staff identity assertions. Only IAP has one: the local sign-in checks its
    own sessions, and a deployment that never chose IAP must not trust the header."""
    if settings.staff_identity != "iap":
        raise ConfigurationError(["CD_STAFF_IDENTITY: identity assertions are only trusted with iap"])
    from shared.adapters.google_identity import IapAssertionVerifier

    return IapAssertionVerifier(settings.iap_audience)


def build_sweep_caller(settings: Settings):
    """The check of the sweep's caller. Without its audience and account nobody may call: a
    sweep anyone can start is not acceptable in the cloud, and the local stack runs it on a timer."""
    if not settings.sweep_audience or not settings.sweep_invoker:
        raise ConfigurationError(["CD_SWEEP_AUDIENCE and CD_SWEEP_INVOKER: the sweep's HTTP "
                                  "function refuses every caller until both are set"])
    from shared.adapters.google_oidc import SchedulerCallerVerifier

    return SchedulerCallerVerifier(settings.sweep_audience, settings.sweep_invoker)


class Services:
    """Every service of the system, wired as configured; tests pass their own adapters."""

    def __init__(self, settings: Settings, store: CaseStore | None = None,
                 transport: MailTransport | None = None,
                 attachments: AttachmentStore | None = None, clock: Clock | None = None,
                 verifier: NotificationVerifier | None = None,
                 raw_mail: RawMailSource | None = None):
        self.settings = settings
        self._given = {"store": store, "transport": transport, "attachments": attachments,
                       "clock": clock, "verifier": verifier, "raw_mail": raw_mail}

    # -- adapters ----------------------------------------------------------------------------

    @cached_property
    def clock(self) -> Clock:
        from shared.adapters.clock import SystemClock

        return self._given["clock"] or SystemClock()

    @cached_property
    def store(self) -> CaseStore:
        return self._given["store"] or build_store(self.settings)

    @cached_property
    def attachments(self) -> AttachmentStore:
        return self._given["attachments"] or build_attachments(self.settings)

    @cached_property
    def renderer(self):
        from shared.web.rendering import Renderer

        s = self.settings
        return Renderer(s.templates_dir, s.timezone, s.platform_name)

    @cached_property
    def passwords(self):
        from shared.adapters.passwords import Argon2Passwords

        return Argon2Passwords()

    # -- services ----------------------------------------------------------------------------

    @cached_property
    def sign_in(self):
        """Local sign-in for staff: sessions on bearer tokens."""
        from shared.services.staff_sign_in import SignInLimits, StaffSignIn

        limits = SignInLimits(lifetime=self.settings.staff_session_lifetime)
        return StaffSignIn(self.store, self.passwords, self.clock, limits)

    @cached_property
    def staff_identity(self):
        """Staff behind IAP: the active member a signed assertion names (CD_STAFF_IDENTITY=iap)."""
        from shared.services.staff_identity import StaffIdentity

        return StaffIdentity(self.store, build_identity_verifier(self.settings))

    @cached_property
    def staff_admin(self):
        """Staff management (admins) and the conflicts members declare."""
        from shared.services.staff_admin import StaffAdmin

        return StaffAdmin(self.store, self.passwords)

    @cached_property
    def approvals_inbox(self):
        """What waits for a supervisor's or a leader's approval (R12, R13)."""
        from shared.services.approvals_inbox import ApprovalsInbox

        return ApprovalsInbox(self.store, handling_policy(self.settings).leader_threshold_fen)

    @cached_property
    def major_case_board(self):
        """The open major and hot cases at a glance (leaders, the service centre; R9)."""
        from shared.services.major_case_board import MajorCaseBoard

        return MajorCaseBoard(self.store)

    @cached_property
    def held_mail_desk(self):
        """Staff working through held mail: read it, open a case from it, attach or dismiss it."""
        from shared.services.held_mail_desk import HeldMailDesk

        return HeldMailDesk(self.store, self.attachments, self.clock, self.registration,
                            mail_rules(self.settings))

    @cached_property
    def failed_mail(self):
        """Staff's list of mail given up on, and sending an entry again (issue 10)."""
        from shared.services.failed_mail import FailedMail

        return FailedMail(self.store, self.clock)

    @cached_property
    def staff_cases(self):
        """Staff commands on cases: review, classification, assignment, messages, reveals,
        decisions and after; with the reply-token key, from which the key of the report marks'
        reporter hashes is derived (R21)."""
        from shared.services.staff_cases import StaffCases

        return StaffCases(self.store, self.clock, handling_policy(self.settings),
                          reply_key=self.settings.reply_key, deadlines=self.deadlines,
                          matter_links=self.matter_links, misuse=misuse_policy(self.settings))

    @cached_property
    def staff_queues(self):
        """Queues and search for staff: keyset pages of indexed store queries."""
        from shared.services.staff_queues import StaffQueues

        return StaffQueues(self.store, self.settings.timezone, self.clock)

    @cached_property
    def statistics(self):
        """The statistics bulletin (R19), from the counters the store keeps with each event."""
        from shared.services.statistics import Statistics

        return Statistics(self.store, self.clock, self.settings.timezone)

    @cached_property
    def queue_counts(self):
        """How many cases the member's main queues hold (the console), one aggregation each."""
        from shared.services.queue_counts import QueueCounts

        return QueueCounts(self.store, self.settings.timezone)

    @cached_property
    def assignable_staff(self):
        """Who a case may be assigned to, for the console's assignment form."""
        from shared.services.assignable_staff import AssignableStaff

        return AssignableStaff(self.store)

    @cached_property
    def offline_registration(self):
        """Staff registering calls, visits, letters, referrals and cases they found (R1)."""
        from shared.services.offline_registration import OfflineRegistration, OfflineRules

        s = self.settings
        rules = OfflineRules(s.anonymous_kinds, s.check_email_deliverability, s.timezone,
                             s.reply_key)
        return OfflineRegistration(self.registration, self.store, self.clock, rules)

    @cached_property
    def reporter_appeals(self):
        """Appeals the person lodges on the status page (R16)."""
        from shared.services.reporter_appeals import ReporterAppeals

        return ReporterAppeals(self.status, self.store, self.clock)

    @cached_property
    def case_marks(self):
        """Report marks that follow the reporter by keyed hashes of their contact, and the reward
        ledger (R21): part of `staff_cases`, which holds the key."""
        return self.staff_cases

    @cached_property
    def follow_up_links(self):
        """The closure notices' signed rating links (R17)."""
        from datetime import timedelta

        from shared.adapters.signed_links import SignedFollowUpLinks

        s = self.settings
        return SignedFollowUpLinks(s.reply_key, self.clock, timedelta(days=s.follow_up_link_days))

    @cached_property
    def handling_ratings(self):
        """The reporter rating the handling from a rating link (R17)."""
        from shared.services.handling_ratings import HandlingRatings

        return HandlingRatings(self.store, self.clock, self.follow_up_links)

    @cached_property
    def case_exports(self):
        """What leaves the system about a case (R18): its export as one document, its raw
        emails; each recorded on the case."""
        from shared.services.case_exports import CaseExports

        return CaseExports(self.store, self.clock, self.attachments, self.renderer,
                           handling_policy(self.settings))

    @cached_property
    def case_attachments(self):
        """A case's attachments for staff to open, each served as its bytes prove it to be."""
        from shared.services.case_attachments import CaseAttachments

        return CaseAttachments(self.store, self.clock, self.attachments,
                               handling_policy(self.settings))

    @cached_property
    def case_print_forms(self):
        """The printable case form, for the paper archive (R18)."""
        from shared.services.case_print_form import CasePrintForms

        return CasePrintForms(self.store, self.clock, self.renderer, self.settings.templates_dir,
                              handling_policy(self.settings))

    @cached_property
    def registration(self):
        """The one path that opens a case, for the form, email and staff."""
        from shared.services.registration import Registration, RegistrationLimits

        s = self.settings
        limits = RegistrationLimits(s.submissions_per_client_per_hour,
                                    s.acknowledgments_per_sender_per_hour)
        return Registration(self.store, self.attachments, self.clock, limits,
                            self.deadlines.policy.initial_review, s.timezone,
                            calendar=self.deadlines.calendar,
                            first_contact_hours=self.deadlines.policy.first_contact_working_hours,
                            matter_links=self.matter_links, misuse_holds=self.misuse_holds)

    @cached_property
    def misuse_holds(self):
        """R21's misuse policy at registration: a report from a held contact is held."""
        from shared.services.misuse_holds import MisuseHolds

        return MisuseHolds(self.store, self.settings.reply_key, misuse_policy(self.settings))

    @cached_property
    def matter_links(self):
        """R8's count rule: 3+ complaints about one matter from different people in 30 days are
        made hot and linked (run when a matter is set; the sweep finishes what a crash left)."""
        from shared.services.matter_links import MatterLinks

        s = self.settings
        return MatterLinks(self.store, self.clock, s.reply_key, staff_language=s.default_language)

    @cached_property
    def deadlines(self):
        """The clocks of `deadline_policy.json` counted on China's working days and the working
        hours of the settings; CD_INITIAL_REVIEW, when changed, wins for the initial review."""
        return build_deadlines(self.settings)

    @cached_property
    def intake(self):
        from shared.services.intake import Intake
        from shared.services.submissions import SubmissionRules

        s = self.settings
        rules = SubmissionRules(s.anonymous_kinds, s.check_email_deliverability,
                                s.max_attachments, s.max_attachment_bytes)
        # The key derives a form case's access code from its form token and signs receipts.
        return Intake(self.registration, self.store, rules, s.reply_key)

    @cached_property
    def form_guard(self):
        """The form's trap field and proof of work (issue 12)."""
        from shared.domain.form_tokens import is_form_token, receipt_id
        from shared.services.form_guard import FormGuard

        s = self.settings

        def sent_before(token: str) -> bool:
            return is_form_token(token) and self.intake.receipt(
                receipt_id(s.reply_key, token)) is not None

        return FormGuard(self.store, self.clock, s.reply_key, s.challenge_threshold,
                         sent_before)

    @cached_property
    def receipt_links(self):
        from shared.web.receipts import ReceiptLinks

        return ReceiptLinks(self.settings.reply_key)

    @cached_property
    def status(self):
        from shared.services.status_lookup import LookupLimits, StatusLookup

        s = self.settings
        limits = LookupLimits(s.lookup_attempts_per_client, s.lookup_attempts_per_case,
                              s.lookup_window)
        return StatusLookup(self.store, self.attachments, self.clock, limits, s.max_attachments,
                            s.max_attachment_bytes, self.deadlines.decision_clock,
                            staff_language=s.default_language)

    @cached_property
    def reporter_data(self):
        """The reporter's download of their case's data from the status page (issue 12)."""
        from shared.services.reporter_data import ReporterData

        return ReporterData(self.status, self.store, self.clock)

    @cached_property
    def delivery(self):
        from shared.adapters.mail_composition import MailComposer
        from shared.services.mail_delivery import MailDelivery

        s = self.settings
        composer = MailComposer(self.renderer, s.mail_from, s.mail_domain, s.public_status_url,
                                self.clock, s.reply_key, s.inbound_address,
                                follow_up_links=self.follow_up_links)
        transport = self._given["transport"] or build_transport(s)
        return MailDelivery(self.store, transport, composer, self.clock,
                            max_attempts=s.delivery_max_attempts)

    @cached_property
    def sweep_caller(self):
        """Who may start the sweep over HTTP (`sweep_deadlines`): Cloud Scheduler, by its OIDC
        token (CD_SWEEP_AUDIENCE, CD_SWEEP_INVOKER)."""
        return build_sweep_caller(self.settings)

    @cached_property
    def deadline_sweep(self):
        """The deadline sweep (`DeadlineSweep.run(budget_seconds) -> SweepReport`): reminders,
        overdue notices, escalation by time, the archive and the recount of provisional deadlines
        on the working calendar, each once per deadline."""
        from shared.domain.sweep_rules import SweepPolicy
        from shared.services.deadline_sweep import DeadlineSweep
        from shared.services.identity_retention import IdentityRetention

        s = self.settings
        policy = SweepPolicy(s.reminder_at_fraction,
                             first_contact_hours=self.deadlines.policy.first_contact_working_hours,
                             archive_final_after=timedelta(days=s.follow_up_link_days),
                             identity_retention=timedelta(days=s.identity_retention_days))
        return DeadlineSweep(self.store, self.clock, policy, timezone=s.timezone,
                             staff_language=s.default_language,
                             calendar=self.deadlines.calendar,
                             matter_links=self.matter_links,
                             statistics_mail=self.statistics_mail,
                             retention=IdentityRetention(self.store, self.attachments))

    @cached_property
    def statistics_mail(self):
        """R19's bulletin mailed to the leaders by the sweep, once per ended period
        (`CD_STATISTICS_BULLETIN`), with its headline figures and the console page's link."""
        from shared.domain.bulletin_mail import SCHEDULES, console_link, headline
        from shared.services.statistics_mail import StatisticsMail

        s = self.settings
        return StatisticsMail(
            self.store, self.clock, SCHEDULES[s.statistics_bulletin],
            lambda period: headline(self.statistics.bulletin(period.span)),
            lambda period: console_link(s.public_console_url, period),
            timezone=s.timezone, language=s.default_language)

    @cached_property
    def mail_intake(self):
        from shared.services.mail_intake import MailIntake

        return MailIntake(self.registration, self.store, self.attachments, self.clock,
                          mail_rules(self.settings), self.deadlines.decision_clock)

    @cached_property
    def mail_webhook(self):
        from shared.services.mail_webhook import MailWebhook

        s = self.settings
        return MailWebhook(self._given["verifier"] or build_verifier(s),
                           self._given["raw_mail"] or build_raw_mail(s), self.mail_intake,
                           s.inbound_mail_bucket, self.clock)

    @cached_property
    def pages(self):
        from shared.web.pages import Pages

        s = self.settings
        return Pages(self.renderer, s.public_status_url, s.anonymous_kinds, s.max_attachments,
                     s.max_attachment_bytes, s.public_pages_base_url,
                     max_total_bytes=s.max_attachments_total_bytes)

    @cached_property
    def transparency(self):
        """The transparency page's month (R22): the statistics' public figures and the major
        cases disclosed."""
        from shared.services.transparency import Transparency

        return Transparency(lambda period: self.statistics.bulletin(period), self.store,
                            self.clock, self.settings.timezone)

    @cached_property
    def published_policy(self):
        """The handling policy as the system applies it (R22): settings, the deadline policy as
        loaded, the remedies file (`published_policy.py`)."""
        from shared.domain.published_policy import published_policy

        return published_policy(*policy_inputs(self.settings), self.deadlines.policy)

    @cached_property
    def public_pages(self):
        """The public pages (R22): the handling policy and the transparency page."""
        from shared.web.public_pages import PublicLinks, PublicPages

        s = self.settings
        links = PublicLinks(s.public_pages_base_url, s.public_form_url, s.public_status_url)
        return PublicPages(self.renderer, s.templates_dir, links)


def policy_inputs(settings: Settings):
    """The channels and rules of the published policy, from settings."""
    from shared.domain.published_policy import Channels, PolicyRules

    s = settings
    channels = Channels(s.public_form_url, s.public_status_url, s.inbound_address, s.public_phone,
                        s.public_office_address)
    rules = PolicyRules(
        platform_name=s.platform_name, anonymous_kinds=tuple(sorted(s.anonymous_kinds)),
        max_attachments=s.max_attachments, max_attachment_mb=s.max_attachment_bytes // 2**20,
        working_hours=s.working_hours, timezone=s.timezone,
        appeal_window_months=s.appeal_window_months, rating_link_days=s.follow_up_link_days,
        leader_threshold_yuan=s.compensation_leader_threshold_yuan,
        rewards_offered=s.rewards_offered, effective_from=s.policy_effective_from,
        transparency_url=f"{s.public_pages_base_url}/transparency",
        identity_retention_days=s.identity_retention_days,
        max_attachments_total_mb=_total_mb(s))
    return channels, rules


def _total_mb(s: Settings) -> int:
    """The files' total the form states (0: none below every file at its largest)."""
    total = s.max_attachments_total_bytes
    return total // 2**20 if 0 < total < s.max_attachments * s.max_attachment_bytes else 0


def mail_rules(settings: Settings):
    from shared.services.mail_intake import MailIntakeRules

    return MailIntakeRules(
        inbound_address=settings.inbound_address,
        own_addresses=frozenset({settings.inbound_address, settings.mail_from.lower()}),
        mail_domain=settings.mail_domain.lower(),
        reply_key=settings.reply_key,
        default_kind=settings.email_default_kind,
        max_message_bytes=settings.max_message_bytes,
        max_files=settings.max_attachments,
        max_file_bytes=settings.max_attachment_bytes,
        staff_language=settings.default_language,
    )


def handling_policy(settings: Settings):
    """The handling rules staff commands apply (approvals, the appeal window), from settings."""
    from shared.domain.handling_policy import HandlingPolicy

    return HandlingPolicy(
        initial_review=settings.initial_review, timezone=settings.timezone,
        leader_threshold_fen=settings.compensation_leader_threshold_yuan * 100,
        appeal_window_months=settings.appeal_window_months,
        reply_approval_waived_for=settings.reply_approval_waived_for,
        staff_language=settings.default_language)


def misuse_policy(settings: Settings):
    """R21's misuse policy (`misuse.py`) from settings: thresholds, window, hold."""
    from datetime import timedelta

    from shared.domain.misuse import MisusePolicy

    return MisusePolicy(settings.misuse_warn_after, settings.misuse_hold_after,
                        timedelta(days=settings.misuse_window_days),
                        timedelta(days=settings.misuse_hold_days))


def build_deadlines(settings: Settings):
    """The deadline policy on the platform's working calendar (`working_time.py`)."""
    from dataclasses import fields

    from shared.adapters.chinese_working_days import ChineseWorkingDays
    from shared.domain.deadline_policy import Deadlines, load_deadline_policy
    from shared.domain.working_time import WorkingCalendar, WorkingHours

    policy = load_deadline_policy()
    default = next(f.default for f in fields(Settings) if f.name == "initial_review")
    if settings.initial_review != default:
        policy = policy.with_initial_review(settings.initial_review)
    hours = WorkingHours.parse(settings.working_hours, settings.timezone)
    return Deadlines(WorkingCalendar(ChineseWorkingDays(), hours), policy)


def build_services(settings: Settings, **adapters) -> Services:
    """Wire every service; tests pass their own adapters (store, transport, attachments, clock,
    verifier, raw_mail)."""
    return Services(settings, **adapters)


@cache
def services() -> Services:
    """The process's services, built on first call from the environment."""
    return build_services(Settings.from_environment())
