"""Replies to the reporter approved by the service centre before they leave (R12). A handler's
message or question waits as a draft (`replies.py`); a supervisor approves it — it is then sent
exactly as a supervisor's own message would be, in the same transaction — or sends it back with a
comment. Supervisors' own replies, and plain questions from a role the policy waives, go at once."""
from __future__ import annotations

import uuid
from datetime import datetime

from shared.domain.case_updates import MessageReporter
from shared.domain.cases import Case
from shared.domain.commands import AskReporter
from shared.domain.lifecycle import apply
from shared.domain.outbox import Template
from shared.domain.permissions import Action, allowed
from shared.domain.replies import ApproveReply, DraftReply, SendBackReply, waiting_reply
from shared.domain.staff import Requester

from .case_handling import CaseHandling
from .case_input import MAX_REASON, Checked
from .case_notices import notify, reach
from .case_views import CaseView


class CaseReplies(CaseHandling):
    def reply_needs_approval(self, who: Requester, question: bool) -> bool:
        """Whether this member's reply waits for the service centre (R12): not a supervisor's,
        and not a plain question from a role the policy waives."""
        if allowed(who.member, Action.APPROVE_REPLY):
            return False
        waived = {role.value for role in who.member.roles} & self._policy.reply_approval_waived_for
        return not (question and waived)

    def _draft_reply(self, who: Requester, case: Case, text: str, question: bool) -> CaseView:
        reply_id = uuid.uuid4().hex[:12]

        def change(current: Case, now: datetime):
            apply(current, DraftReply(who.actor, text, who.client, reply_id=reply_id,
                                      question=question, drafted_at=now), now)

        return self._view(who, self._update(who, case, Action.MESSAGE_REPORTER, change))

    def approve_reply(self, who: Requester, number: str, reply_id: str) -> CaseView:
        """Approve a waiting reply and send it: by email and on the status page, a question
        putting the case in `awaiting_reporter` (R11). Raises CommandRefused `no_such_reply` or
        `own_draft`; a question on a case no longer in progress: TransitionNotAllowed."""
        case = self._case(who, number, Action.APPROVE_REPLY)
        identity = self._store.get_identity(case.number)
        can_reach = reach(self._store, case, identity)

        def change(current: Case, now: datetime):
            reply = waiting_reply(current, reply_id) or {}
            apply(current, ApproveReply(who.actor, client=who.client, reply_id=reply_id), now)
            question, text = reply["question"], reply["text"]
            apply(current, AskReporter(who.actor, text, who.client,
                                       decision_clock=self._decision_clock)
                  if question else MessageReporter(who.actor, text, who.client), now)
            template = Template.INFORMATION_REQUESTED if question else Template.HANDLER_MESSAGE
            return notify(current, template, now, can_reach, text=text)

        updated = self._update(who, case, Action.APPROVE_REPLY, change)
        return self._view(who, updated, identity)

    def send_back_reply(self, who: Requester, number: str, reply_id: str,
                        reason: str | None = None) -> CaseView:
        """Not sent: the reply goes back to its drafter with a comment."""
        case = self._case(who, number, Action.APPROVE_REPLY)
        checked = Checked()
        reason = checked.text("reason", reason, limit=MAX_REASON)
        checked.done()

        def change(current: Case, now: datetime):
            apply(current, SendBackReply(who.actor, reason, who.client, reply_id=reply_id), now)

        return self._view(who, self._update(who, case, Action.APPROVE_REPLY, change))
