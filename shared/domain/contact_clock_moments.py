"""What the deadline sweep acts on for the first-contact and compensation clocks
(`contact_clocks.py`): a reminder to the assignee when `reminder_at_fraction` of the clock's time
is left, and an overdue notice past it, each claimed under a key naming the clock and its
deadline (`reminder:first_contact:<due iso>`). A met clock has no moments.

The first contact's time is its working hours (`SweepPolicy.first_contact_hours`), so its
reminder comes that fraction of those hours before the deadline (48 minutes for 4 hours), not a
fraction of a weekend; the compensation's is the time from the materials to the deadline.
"""
from __future__ import annotations

from datetime import timedelta

# A module, not its names: sweep_rules imports this module while it is being loaded itself.
from . import sweep_rules
from .cases import Case
from .contact_clocks import FIRST_CONTACT, running


def moments(case: Case, policy) -> list:
    """The reminder and overdue notice (`sweep_rules.Due`) of each running clock of the case."""
    Due, Step = sweep_rules.Due, sweep_rules.Step
    found = []
    for clock in running(case):
        if clock.name == FIRST_CONTACT:
            left = timedelta(hours=policy.first_contact_hours) * policy.reminder_at_fraction
        else:
            left = (clock.due - clock.start) * policy.reminder_at_fraction
        found += [Due(Step.REMINDER, clock.key("reminder"), clock.due - left, clock.name,
                      deadline_at=clock.due),
                  Due(Step.OVERDUE, clock.key("overdue"), clock.due, clock.name,
                      deadline_at=clock.due)]
    return found
