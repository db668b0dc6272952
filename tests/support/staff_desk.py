"""A staff desk for tests: `StaffCases` on a given store and clock, with members put in the store
and cases registered in whatever state a test needs."""
from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, timedelta

from shared.domain.case_numbers import new_case_number
from shared.domain.cases import Kind, ReporterIdentity, Status
from shared.domain.handling_policy import HandlingPolicy
from shared.domain.staff import Requester, Role
from shared.services.staff_cases import StaffCases
from tests.support.builders import a_case
from tests.support.staff_builders import staff_member
from tests.support.timeline import events_of

INITIAL_REVIEW = timedelta(hours=24)
CLIENT = "203.0.113.9"


class StaffDesk:
    def __init__(self, store, clock):
        self.store = store
        self.clock = clock
        self.cases = StaffCases(store, clock, HandlingPolicy(INITIAL_REVIEW, "Asia/Shanghai"))

    def member(self, *roles: Role, **overrides) -> Requester:
        """A member holding `roles` (a handler by default), stored, as a requester from CLIENT."""
        member = staff_member(roles=roles or (Role.HANDLER,), **overrides)
        self.store.put_staff(member)
        return Requester(member, CLIENT)

    def case(self, status: Status = Status.RECEIVED, *, identity: ReporterIdentity | None = None,
             number: str | None = None, **fields) -> str:
        """A registered case in `status` (its other fields as given), with the usual reporter."""
        kind = fields["kind"] = Kind(fields.get("kind", Kind.COMPLAINT))
        number = number or new_case_number(kind, self.clock.now().date())
        case = a_case(number, self.clock.now(), status=status, **fields)
        if identity is None:
            identity = ReporterIdentity(number, name="王小明", email="wangxm@qq.com",
                                        phone="13812345678")
        self.store.register(case, replace(identity, case_number=number), [])
        return number

    def assigned_to(self, who: Requester, status: Status = Status.IN_PROGRESS, **fields) -> str:
        """A case in `status` assigned to the member and their department."""
        return self.case(status, assignee=who.member.id, department=who.member.department,
                         **fields)

    def send_reply(self, who: Requester, number: str, text: str, *, question: bool = False):
        """The member's message (or question) to the reporter, approved by a supervisor when it
        waits for approval (R12): the case view once it is sent."""
        view = self.cases.message_reporter(who, number, text, request_information=question)
        for reply in view.replies_waiting:
            view = self.cases.approve_reply(self.supervisor(), number, reply["id"])
        return view

    def supervisor(self) -> Requester:
        """A supervisor of the service centre (one per desk)."""
        if not hasattr(self, "_supervisor"):
            self._supervisor = self.member(Role.SUPERVISOR, department="客服中心")
        return self._supervisor

    def snapshot(self, number: str) -> tuple:
        """All a change could touch: the case, its events and its outbox (by the notice events)."""
        case = self.store.get_case(number)
        return copy.deepcopy(case), events_of(self.store, number)

    def events(self, number: str, type_=None) -> list:
        return [e for e in events_of(self.store, number) if type_ is None or e.type == type_]


def unknown_number() -> str:
    """A well-formed case number no store holds."""
    return new_case_number(Kind.COMPLAINT, date(2026, 11, 28))


def phone_only() -> ReporterIdentity:
    """A reporter who gave a name and a phone number, no email address."""
    return ReporterIdentity("", name="李雷", phone="13900001111")
