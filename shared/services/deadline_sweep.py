"""The deadline sweep: reads the cases that are due, page by page, oldest due first, and for each
does in ONE transaction what has come due (`sweep_rules`): reminders and overdue notices to staff,
escalation by time (R8), the archive once the appeal window is over (R18). What it does is claimed
on the case with the change (`case.sweep_claims`), so two sweeps at once, or a sweep run again,
do each thing once; and the case's `next_due_at` moves to the next moment to look at it, so a
sweep reads only due cases. It stops before its time budget; the next run continues.
"""
from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from shared.domain import major_cases, sweep_rules
from shared.domain.archive import ArchiveClosedCase
from shared.domain.cases import SYSTEM, Case, EventType, TimelineEvent
from shared.domain.claim_keys import claimed
from shared.domain.errors import CaseNotFound, CommandRefused, TransitionNotAllowed
from shared.domain.follow_up import task_open
from shared.domain.lifecycle import apply
from shared.domain.major_cases import Audience
from shared.domain.outbox import OutboxMessage, Template, queue_notice
from shared.domain.ports import CaseStore, Clock
from shared.domain.staff import Role
from shared.domain.sweep_rules import Due, Step, SweepPolicy
from shared.domain.working_time import WorkingCalendar
from shared.services.major_case_notices import staff_audience, with_major_case_notices

from .deadline_recount import DeadlineRecount
from .identity_retention import IdentityRetention
from .sweep_failures import put_off

log = logging.getLogger(__name__)

ARCHIVE_REASON = "R18: the appeal window is over"
TEMPLATES = {Step.REMINDER: Template.STAFF_REMINDER, Step.OVERDUE: Template.STAFF_OVERDUE}


@dataclass
class SweepReport:
    """What one run did: cases read, actions by name (reminder, overdue, escalation_hot,
    escalation_major, archive, archive_refused, major_bulletin, staff_notices, recount_review,
    recount_decision, recount_first_contact, recount_compensation, statistics_bulletin: the
    periods whose bulletin was queued, identity_purge) and whether due cases are left."""

    cases_read: int = 0
    actions: dict[str, int] = field(default_factory=dict)
    more_due: bool = False


class DeadlineSweep:
    """The scheduled sweep of due cases (the HTTP entry point and the local timer call `run`)."""

    def __init__(self, store: CaseStore, clock: Clock, policy: SweepPolicy | None = None,
                 timezone: str = "Asia/Shanghai", staff_language: str = "zh-CN",
                 page_size: int = 50, calendar: WorkingCalendar | None = None,
                 matter_links=None, statistics_mail=None,
                 retention: IdentityRetention | None = None):
        """`calendar`: provisional deadlines are counted again on it (`deadline_recount`);
        None: they stay provisional. `matter_links` (`MatterLinks`): R8's count rule,
        finished here for a case whose matter was set but whose rule a failure left
        unfinished (`case.links_pending`). `statistics_mail` (`StatisticsMail`): R19's
        bulletin to the leaders, queued once per period that has ended. `retention`: purges
        archived cases' private records (without raw emails' storage when not given)."""
        self._store = store
        self._recount = DeadlineRecount(store, calendar, timezone)
        self._clock = clock
        self._policy = policy or SweepPolicy()
        self._zone = ZoneInfo(timezone)
        self._language = staff_language
        self._page_size = page_size
        self._matter_links = matter_links
        self._statistics_mail = statistics_mail
        self._retention = retention or IdentityRetention(store)

    def run(self, budget_seconds: float) -> SweepReport:
        """Sweep the cases due now until none is left or the budget would be overrun (measured
        on the clock, with the longest case so far as the margin). Raises ValueError for a
        budget that is not a positive number of seconds."""
        if isinstance(budget_seconds, bool) or not isinstance(budget_seconds, int | float) or not (
                0 < budget_seconds < math.inf):
            raise ValueError(f"budget_seconds must be a positive number, not {budget_seconds!r}")
        started = now = self._clock.now()
        report, actions = SweepReport(), Counter()
        tried: set[str] = set()  # a case that failed stays due: never twice in one run
        # The staff list, read once per run and only if someone is to be told: the supervisors
        # of deadline notices, and R9's leaders, service centre and departments.
        audience = staff_audience(self._store)
        supervisors = _Lazy(lambda: _supervisors(audience()))
        longest = 0.0
        self._queue_statistics(actions)
        while True:
            page = [c for c in self._store.due_cases(now, self._page_size) if c.number not in tried]
            if not page:
                break
            for case in page:
                elapsed = (self._clock.now() - started).total_seconds()
                if elapsed + longest >= budget_seconds:
                    report.more_due = True
                    break
                tried.add(case.number)
                if self._links_settled(case, actions):  # else: left due, for the next run
                    self._sweep_case(case, now, supervisors, audience, actions)
                report.cases_read += 1
                longest = max(longest, (self._clock.now() - started).total_seconds() - elapsed)
            if report.more_due:
                break
        report.actions = dict(actions)
        return report

    def _sweep_case(self, read: Case, now: datetime, supervisors, audience,
                    actions: Counter) -> None:
        number, done = read.number, Counter()
        told = self._recount.reach_for(read, now)  # read before the transaction, if needed
        purge = self._retention.prepare(read, now, self._policy)  # likewise, and raw mail gone

        def change(case: Case) -> list[OutboxMessage]:
            done.clear()  # a transaction may run this again: count the last run only
            # First, so that the rules below see the deadlines as counted on a known year.
            told_reporter = self._recount.recount(case, now, told, done)
            outbox: list[OutboxMessage] = list(told_reporter)
            plan = sweep_rules.plan(case, now, self._policy)
            retry_at = None
            for due in plan.acts:
                if due.step == Step.RECOUNT:
                    continue  # done above (a calendar still without the year moved it on)
                if due.step == Step.ARCHIVE:
                    retry_at = self._archive(case, due, now, plan, done)
                elif due.step == Step.PURGE:  # claimed with it; prepared before the transaction
                    done["identity_purge"] += self._retention.apply(case, purge, now)
                elif due.step == Step.ESCALATION:
                    apply(case, sweep_rules.EscalateByTime(
                        actor=SYSTEM, reason=due.rule, severity=due.severity, rule=due.rule), now)
                    done[f"escalation_{due.severity.value}"] += 1
                elif due.step == Step.BULLETIN:  # R9: claimed for the week it is now
                    bulletins, week = major_cases.weekly_bulletin(
                        case, now, audience().leaders(case), self._language)
                    outbox += bulletins
                    if week not in plan.claims:  # the due week's key, unless weeks were missed
                        plan.claims.append(week)
                    done["major_bulletin"] += 1
                else:
                    outbox += self._staff_notices(case, due, now, supervisors)
                    done[due.step.value] += 1
            done["staff_notices"] += len(outbox) - len(told_reporter)
            sweep_rules.claim(case, plan.claims, self._policy)
            case.next_due_at = sweep_rules.next_look(case, now, self._policy, retry_at)
            return outbox

        try:  # the case as the page read it, written only if unchanged since: no second read
            self._store.update_case_as_read(read, with_major_case_notices(change, audience,
                                                                          self._language))
        except CaseNotFound:
            return
        except Exception:  # one bad case must not stop the sweep of the others
            log.exception("deadline sweep: case %s failed", number)
            actions["failed"] += 1
            put_off(self._store, number, now)  # nor hold the head of the due order
            return
        actions.update(done)

    def _queue_statistics(self, actions: Counter) -> None:
        """R19: the bulletin of each period that has ended, to the leaders, once (claimed)."""
        if self._statistics_mail is None:
            return
        try:
            actions["statistics_bulletin"] += len(self._statistics_mail.queue_due())
        except Exception:  # the cases' deadlines come first: logged, tried again next run
            log.exception("deadline sweep: the statistics bulletin failed")
            actions["failed"] += 1
        if not actions["statistics_bulletin"]:
            del actions["statistics_bulletin"]

    def _links_settled(self, case: Case, actions: Counter) -> bool:
        """R8's count rule run for a case that still awaits it; False when it failed."""
        if not case.links_pending or self._matter_links is None:
            return True
        try:
            self._matter_links.settle(case.number)
        except Exception:
            log.exception("deadline sweep: count rule of case %s failed", case.number)
            actions["failed"] += 1
            put_off(self._store, case.number, self._clock.now())
            return False
        actions["count_rule"] += 1
        return True

    def _archive(self, case: Case, due: Due, now: datetime, plan, done: Counter):
        """Archive the closed case; if a rule refuses (open corrective actions, replies
        waiting, a follow-up call still to make), say why once on the case and look again
        later. Returns that later moment."""
        try:
            if task_open(case):  # an unsatisfied rating's call could never be recorded after
                raise CommandRefused("a follow-up call is still to be made", "follow_up_open")
            apply(case, ArchiveClosedCase(actor=SYSTEM, reason=due.rule or ARCHIVE_REASON,
                                          at=now), now)
            done["archive"] += 1
            return None
        except (CommandRefused, TransitionNotAllowed) as refused:
            code = getattr(refused, "code", "") or "refused"
            plan.claims.remove(due.key)  # not done: it stays due
            key = f"{sweep_rules.ARCHIVE_REFUSED}{code}:{due.key}"
            if key not in claimed(case):
                case.record(TimelineEvent(EventType.NOTE, now, text=str(refused), actor=SYSTEM,
                                          data={"rule": "R18", "archive_refused": code}))
                plan.claims.append(key)
                done["archive_refused"] += 1
            return now + sweep_rules.ARCHIVE_RETRY

    def _staff_notices(self, case: Case, due: Due, now: datetime, supervisors) -> list:
        """One notice per staff member told: the assignee; past the deadline, or with nobody
        assigned, the supervisors too. Never the member the case is about (R23)."""
        told = [case.assignee] if case.assignee else []
        if due.step == Step.OVERDUE or not told:
            told += supervisors()
        deadline_at = due.deadline_at or (
            case.review_due_at if due.deadline == "review" else case.decision_due_at)
        details = {"deadline": due.deadline, "due_at": deadline_at.isoformat(),
                   "due_at_local": deadline_at.astimezone(self._zone).strftime("%Y-%m-%d %H:%M")}
        notices = []
        for staff_id in dict.fromkeys(told):
            if staff_id == case.about_staff:
                continue
            notice = queue_notice(case, TEMPLATES[due.step], now,
                                  details={**details, "staff": staff_id})
            notice.language = self._language  # the staff's language, not the reporter's
            notices.append(notice)
        return notices


def _supervisors(audience: Audience) -> list[str]:
    """The active supervisors, by id."""
    return sorted(m.id for m in audience.members if Role.SUPERVISOR in m.roles)


class _Lazy:
    """A value computed on first use, once per run: the supervisors, read only if needed."""

    def __init__(self, compute):
        self._compute, self._value = compute, None

    def __call__(self):
        if self._value is None:
            self._value = self._compute()
        return self._value
