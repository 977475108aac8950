"""Closing mode: the method reserves the last five minutes of the planned call for the close (DESIGN.md)."""

from __future__ import annotations

import pytest

from copilot.call.closing import CLOSING_WINDOW_S, ClosingClock


def test_closing_mode_starts_exactly_five_minutes_before_the_planned_end() -> None:
    clock = ClosingClock(30 * 60.0)
    assert CLOSING_WINDOW_S == 300.0 and clock.starts_at == 25 * 60.0
    assert not clock.update(0.0)
    assert not clock.update(25 * 60.0 - 0.01)  # T−5:00.01
    assert not clock.on
    assert clock.update(25 * 60.0)  # T−5:00
    assert clock.on
    assert clock.remaining(25 * 60.0) == pytest.approx(300.0)


def test_it_says_so_once() -> None:
    clock = ClosingClock(10 * 60.0)
    said = [t for t in (0.0, 299.0, 300.0, 301.0, 600.0, 700.0) if clock.update(t)]
    assert said == [300.0]
    assert clock.remaining(700.0) == pytest.approx(-100.0)  # over time


def test_a_late_first_reading_still_switches_it_on() -> None:
    clock = ClosingClock(30 * 60.0)
    assert clock.update(29 * 60.0)  # the clock jumped past T−5 (a replay as fast as it goes)
    assert not clock.update(29 * 60.0 + 1)


def test_a_plan_no_longer_than_the_window_is_closing_from_the_start() -> None:
    for minutes in (5, 3):
        clock = ClosingClock(minutes * 60.0)
        assert clock.starts_at == 0.0 and clock.update(0.0)


def test_the_demo_plan_switches_at_two_minutes() -> None:
    """``copilot demo`` plans 7 minutes so that closing mode comes on at 2:00 of the call."""
    clock = ClosingClock(7 * 60.0)
    assert not clock.update(119.9) and clock.update(120.0)


def test_a_custom_window() -> None:
    clock = ClosingClock(600.0, window_s=60.0)
    assert clock.starts_at == 540.0 and not clock.update(539.0) and clock.update(540.0)
