"""A meeting's length said after the people in it is its length, not one of them, and not part of its name: what
the invite needs ("a demo with you and your VP of engineering, forty-five minutes" → 45 minutes, two attendees)."""

from __future__ import annotations

from datetime import datetime

import pytest

from copilot.coach import analyze
from copilot.session.utterance import Utterance


@pytest.mark.parametrize("said, minutes, attendees", [
    ("How about a demo with you and your VP of engineering, forty-five minutes, on Tuesday at 2pm?", 45,
     ("you", "your vp of engineering")),
    ("Could we do a forty-five minute demo with you and your VP of engineering on Tuesday at 2pm?", 45,
     ("you", "your vp of engineering")),
    ("Let's set up a walkthrough with your head of IT for thirty minutes on Tuesday at 2pm.", 30, ("your head of it",)),
    ("A workshop with Priya and Ben, an hour, Tuesday at 2pm?", 60, ("priya", "ben")),
])
def test_the_length_after_the_people_is_the_meetings_length(said: str, minutes: int,
                                                            attendees: tuple[str, ...]) -> None:
    verdict = analyze([Utterance("rep", 0, 5, said), Utterance("prospect", 5, 8, "Yes, Tuesday at 2 works.")],
                      datetime(2026, 12, 4, 10))
    step = verdict.next_step
    assert step is not None and verdict.next_steps_secured
    assert step.length_minutes == minutes
    assert step.attendees == attendees
    assert step.action is not None  # the length may lead the name ("forty-five minute demo"), never trail it
    assert not step.action.lower().endswith(("minutes", "minute", "hour", "forty-five", "thirty", "an"))
