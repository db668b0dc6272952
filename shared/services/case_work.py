"""Working a case: assignment (R10) with recusal (R23), taking it up, internal notes, messages
and questions to the reporter (R11), their answer given by phone, and referral to an authority."""
from __future__ import annotations

from datetime import datetime

from shared.domain.case_access import assign_action
from shared.domain.case_updates import AddNote, MessageReporter, ReferOut
from shared.domain.cases import Case, Status
from shared.domain.commands import AskReporter, AssignCase, CommandName, ReporterAnswered, StartWork
from shared.domain.lifecycle import apply
from shared.domain.outbox import Template
from shared.domain.permissions import Action
from shared.domain.referrals import Authority
from shared.domain.staff import Requester

from .case_assignment import checked_assignment
from .case_input import MAX_NAME, MAX_REASON, Checked
from .case_notices import notify, reach
from .case_replies import CaseReplies
from .case_views import CaseView
from .deadline_notices import deadline_changed


class CaseWork(CaseReplies):
    def assign(self, who: Requester, number: str, *, assignee: str = "", department: str = "",
               reason: str = "") -> CaseView:
        """Assign the case to a handler and/or a department (R10); the first assignment
        (`assign`) tells the reporter the department and the decision's due date, a later one
        (`reassign`, with a reason) does not. The same assignment again: no event."""
        case = self._case(who, number, assign_action, Action.ASSIGN, Action.REASSIGN)
        first = case.status == Status.ACCEPTED
        checked = Checked()
        reason = checked.text("reason", reason, required=not first, limit=MAX_REASON)
        wanted = checked_assignment(self._store, case, assignee, department, checked)
        if not first and (case.assignee, case.department) == (wanted.assignee, wanted.department):
            self._unchanged(case, CommandName.ASSIGN_CASE)
            return self._view(who, case)
        identity = self._store.get_identity(case.number) if first else None
        can_reach = reach(self._store, case, identity) if first else None

        def change(current: Case, now: datetime):
            notice = current.status == Status.ACCEPTED
            apply(current, AssignCase(who.actor, reason, who.client, assignee=wanted.assignee,
                                      department=wanted.department), now)
            if notice and can_reach is not None:
                return notify(current, Template.CASE_ASSIGNED, now, can_reach,
                              details={"department": wanted.department})

        return self._view(who, self._update(who, case, assign_action, change), identity)

    def start_work(self, who: Requester, number: str) -> CaseView:
        """The assigned handler takes the case up."""
        case = self._case(who, number, Action.START_WORK)
        return self._apply(who, case, Action.START_WORK,
                           lambda: StartWork(who.actor, client=who.client))

    def add_note(self, who: Requester, number: str, text: str | None = None) -> CaseView:
        """An internal note, for staff only."""
        case = self._case(who, number, Action.ADD_NOTE)
        text = self._text(text)
        return self._apply(who, case, Action.ADD_NOTE, lambda: AddNote(who.actor, text, who.client))

    def message_reporter(self, who: Requester, number: str, text: str | None = None, *,
                         request_information: bool = False) -> CaseView:
        """Write to the reporter (by email and on the status page); with `request_information`
        it is a question (R11) and the case waits for their answer. A reporter without an
        address: recorded all the same (`notice_not_possible`), and staff phone them. A member who
        is not a supervisor drafts it instead (R12, `CaseReplies`): it waits in `replies_waiting`
        until the service centre approves it (unless the policy waives a plain question)."""
        case = self._case(who, number, Action.MESSAGE_REPORTER)
        checked = Checked()
        text = checked.text("text", text)
        asking = checked.flag("request_information", request_information)
        checked.done()
        if self.reply_needs_approval(who, asking):  # R12: it waits for the service centre
            self._unchanged(case, CommandName.ASK_REPORTER if asking else CommandName.MESSAGE_REPORTER)
            return self._draft_reply(who, case, text, asking)
        identity = self._store.get_identity(case.number)
        can_reach = reach(self._store, case, identity)
        command = AskReporter(who.actor, text, who.client, decision_clock=self._decision_clock) \
            if asking else MessageReporter(who.actor, text, who.client)
        template = Template.INFORMATION_REQUESTED if asking else Template.HANDLER_MESSAGE

        def change(current: Case, now: datetime):
            apply(current, command, now)
            return notify(current, template, now, can_reach, text=text)

        return self._view(who, self._update(who, case, Action.MESSAGE_REPORTER, change), identity)

    def record_reporter_answer(self, who: Requester, number: str,
                               text: str | None = None) -> CaseView:
        """The reporter answered by phone (or in person): the case goes back to its handler, and
        a paused decision clock resumes: the reporter is told the deadline it moved to."""
        case = self._case(who, number, Action.RECORD_REPORTER_ANSWER)
        text = self._text(text)
        identity = self._store.get_identity(case.number)
        can_reach = reach(self._store, case, identity)

        def change(current: Case, now: datetime):
            before = current.decision_due_at
            apply(current, ReporterAnswered(who.actor, text, who.client,
                                            decision_clock=self._decision_clock), now)
            return deadline_changed(current, before, now, can_reach, cause="awaiting_reporter")

        return self._view(who, self._update(who, case, Action.RECORD_REPORTER_ANSWER, change),
                          identity)

    def refer_out(self, who: Requester, number: str, *, authority=None, referred_on=None,
                  reference="", note="") -> CaseView:
        """Record that the case was passed to an authority (「涉及法律问题的,应当及时报送有关部门处理」):
        which (`Authority`; `other` is named in `note`), on which day (not after today), under
        which of their references."""
        case = self._case(who, number, Action.REFER_OUT)
        checked = Checked()
        body = checked.choice("authority", authority, Authority)
        day = checked.day("referred_on", referred_on,
                          latest=self._clock.now().astimezone(self._zone).date())
        reference = checked.text("reference", reference, required=False, limit=MAX_NAME)
        note = checked.text("note", note, required=body == Authority.OTHER, limit=MAX_REASON)
        checked.done()
        return self._apply(who, case, Action.REFER_OUT, lambda: ReferOut(
            who.actor, note, who.client, authority=body, referred_on=day, reference=reference))

    def _apply(self, who: Requester, case: Case, action: Action, command) -> CaseView:
        """Give one command (made by `command()`) to the case, notifying nobody."""

        def change(current: Case, now: datetime):
            apply(current, command(), now)

        return self._view(who, self._update(who, case, action, change))

    @staticmethod
    def _text(text) -> str:
        checked = Checked()
        text = checked.text("text", text)
        checked.done()
        return text
