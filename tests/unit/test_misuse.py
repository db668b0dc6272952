"""The misuse policy's rules (R21, DSA Art. 23, `misuse.py`) on plain tallies: what counts,
when a key is warned and then held, what a lift does, and the settings that would make no sense."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.cases import Status
from shared.domain.commands import AcceptCase, AssignCase
from shared.domain.decision_commands import CloseCase
from shared.domain.misuse import (
    MisusePolicy,
    counted_marks,
    held_refusal,
    held_until,
    is_held,
    liftable,
    lifted,
    step,
    stepped,
)
from shared.domain.report_marks import tallied
from shared.settings import ConfigurationError, Settings
from shared.web.rendering import Renderer
from shared.web.statistics_tables import bulletin_tables
from tests.support.builders import a_case
from tests.support.bulletins import a_bulletin
from tests.unit.test_statistics_tables import RENDERER

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
POLICY = MisusePolicy(warn_after=3, hold_after=5, window=timedelta(days=180),
                      hold_for=timedelta(days=30))


def marked(count: int, at: datetime = NOW, tally: dict | None = None) -> dict:
    for _ in range(count):
        number = f"TS-{at:%Y%m%d}-{len((tally or {}).get('cases', [])):06d}-0"
        tally = tallied(tally, number, "", "unfounded", at.isoformat())
    return tally


def test_the_third_mark_warns_and_the_fifth_holds_after_the_warning():
    assert [step(marked(n), NOW, POLICY) for n in (1, 2)] == ["", ""]
    three = marked(3)
    assert step(three, NOW, POLICY) == "warn"
    warned = stepped(three, "warn", NOW, POLICY)
    assert step(warned, NOW, POLICY) == ""  # warned once: the same tally warns nobody again
    four = marked(1, NOW + timedelta(seconds=1), warned)
    assert step(four, NOW, POLICY) == ""
    five = marked(1, NOW + timedelta(seconds=2), four)
    assert step(five, NOW, POLICY) == "hold"
    held = stepped(five, "hold", NOW, POLICY)
    assert held_until(held, NOW) == NOW + timedelta(days=30)
    assert held_until(held, NOW + timedelta(days=30)) is None  # the hold has ended
    assert step(held, NOW, POLICY) == ""  # held once per crossing


def test_no_hold_without_a_warning_first():
    five = marked(5)  # five at once (a policy turned on late): warned first, not held
    assert step(five, NOW, POLICY) == "warn"


def test_a_withdrawn_mark_and_marks_outside_the_window_do_not_count():
    three = marked(3)
    withdrawn = tallied(three, three["cases"][0]["number"], "unfounded", "", NOW.isoformat())
    assert counted_marks(withdrawn, NOW, POLICY) == 2 and step(withdrawn, NOW, POLICY) == ""
    old = marked(3, NOW - timedelta(days=181))
    assert counted_marks(old, NOW, POLICY) == 0 and step(old, NOW, POLICY) == ""
    # A warning older than the window is over: the next crossing warns again.
    later = NOW + timedelta(days=200)
    again = marked(3, later, stepped(marked(3), "warn", NOW, POLICY))
    assert step(again, later, POLICY) == "warn"


def test_a_lift_ends_the_warning_and_the_hold_and_earlier_marks_stop_counting():
    held = stepped(stepped(marked(5), "warn", NOW, POLICY), "hold", NOW, POLICY)
    assert liftable(held, NOW, POLICY)
    after = lifted(held, NOW)
    assert not liftable(after, NOW, POLICY) and held_until(after, NOW) is None
    assert counted_marks(after, NOW, POLICY) == 0
    assert step(marked(2, NOW + timedelta(seconds=1), after), NOW, POLICY) == ""
    # The tally's counts and cases stay as they were (the history staff see).
    assert (after["unfounded"], len(after["cases"])) == (5, 5)


def test_the_standing_survives_a_later_mark_of_the_tally():
    warned = stepped(marked(3), "warn", NOW, POLICY)
    assert tallied(warned, "TS-X", "", "malicious", NOW.isoformat())["misuse"] == warned["misuse"]


def test_a_held_report_moves_only_once_released():
    case = a_case("TS-20261130-ABCDEF-0", NOW, status=Status.RECEIVED)
    case.misuse_hold = {"until": (NOW + timedelta(days=30)).isoformat()}
    for command in (AcceptCase("staff:chen"), AssignCase("staff:chen", department="运营部")):
        assert held_refusal(case, command, NOW)[0] == "held_for_misuse"
    assert held_refusal(case, CloseCase("staff:chen"), NOW) == ("", "")
    assert held_refusal(case, AcceptCase("staff:chen"), NOW + timedelta(days=30)) == ("", "")
    assert is_held(case, NOW)
    case.misuse_hold["released_at"] = NOW.isoformat()
    assert not is_held(case, NOW)
    assert held_refusal(case, AcceptCase("staff:chen"), NOW) == ("", "")


@pytest.mark.parametrize("variables, named", [
    ({"CD_MISUSE_WARN_AFTER": "5", "CD_MISUSE_HOLD_AFTER": "5"}, "CD_MISUSE_HOLD_AFTER"),
    ({"CD_MISUSE_HOLD_AFTER": "21"}, "CD_MISUSE_HOLD_AFTER"),
    ({"CD_MISUSE_WARN_AFTER": "-1"}, "CD_MISUSE_WARN_AFTER"),
    ({"CD_MISUSE_WINDOW_DAYS": "0"}, "CD_MISUSE_WINDOW_DAYS"),
    ({"CD_MISUSE_HOLD_DAYS": "366"}, "CD_MISUSE_HOLD_DAYS"),
])
def test_settings_that_make_no_sense_are_refused(variables, named):
    with pytest.raises(ConfigurationError, match=named):
        Settings.from_environment(variables)


def test_the_policy_can_be_switched_off():
    assert not Settings.from_environment({"CD_MISUSE_WARN_AFTER": "0"}).misuse_warn_after
    assert step(marked(10), NOW, MisusePolicy(warn_after=0)) == ""


@pytest.mark.parametrize("lang, title, row", [("zh-CN", "滥用举报规则（R21）", ("发出警告", 2)),
                                              ("en", "Misuse policy (R21)", ("Warnings sent", 2))])
def test_the_bulletin_has_a_misuse_table_with_every_measure(lang, title, row):
    bulletin = replace(a_bulletin(), misuse={"warned": 2, "held": 4})
    renderer: Renderer = RENDERER
    [table] = [t for t in bulletin_tables(bulletin, renderer.texts(lang)) if t.key == "misuse"]
    assert table.title == title and table.rows[0] == row
    assert [r[1] for r in table.rows] == [2, 0, 4, 0, 0]
