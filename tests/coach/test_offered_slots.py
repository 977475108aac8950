"""With the rep's free slots from the calendar, the Propose and Lock prompts offer them ("Tuesday at 2pm or
Thursday at 10:30am — which works better?") and the state says which slots are on offer; once a time is agreed,
nothing is offered any more."""

from __future__ import annotations

from datetime import datetime

from copilot.coach import Coach
from copilot.coach.coach import spoken_slot
from copilot.coach.verdict import state_to_dict
from copilot.session.utterance import Utterance

CALL = datetime(2026, 12, 4, 10, 5)  # a Friday
SLOTS = (datetime(2026, 12, 8, 14, 0), datetime(2026, 12, 10, 10, 30))


def test_propose_and_lock_offer_the_calendars_slots_until_a_time_is_agreed() -> None:
    coach = Coach(CALL, free_slots=SLOTS)
    assert coach.state.offered_slots == ()  # not before the close has begun: nothing to lock yet
    coach.feed(Utterance("rep", 0, 5, "So to recap, the manual reconciliation eats two days a month."))
    assert coach.state.offered_slots == SLOTS and "Tuesday at 2pm or Thursday at 10:30am" in coach.state.prompt
    coach.feed(Utterance("rep", 0, 5, "Would a demo with you and Marcus make sense as a next step?"))
    coach.feed(Utterance("prospect", 5, 8, "Yes, a demo sounds good."))
    assert "Tuesday at 2pm or Thursday at 10:30am" in coach.state.prompt
    assert state_to_dict(coach.state)["offered_slots"] == ["2026-12-08T14:00", "2026-12-10T10:30"]
    coach.feed(Utterance("rep", 8, 12, "Great, how about Tuesday at 2pm?"))
    coach.feed(Utterance("prospect", 12, 14, "Tuesday at 2 works."))
    assert coach.state.offered_slots == ()
    assert state_to_dict(coach.state)["offered_slots"] == []
    assert "Thursday" not in coach.state.prompt


def test_without_a_calendar_nothing_is_offered_as_free() -> None:
    coach = Coach(CALL)
    coach.feed(Utterance("rep", 0, 5, "Would a demo with you and Marcus make sense as a next step?"))
    assert coach.state.offered_slots == ()
    assert " or " in coach.state.prompt  # two plausible times are still suggested, but not as the calendar's


def test_slots_are_said_as_a_rep_would_say_them() -> None:
    assert spoken_slot(datetime(2026, 12, 8, 14, 0), CALL) == "Tuesday at 2pm"
    assert spoken_slot(datetime(2026, 12, 10, 10, 30), CALL) == "Thursday at 10:30am"
    assert spoken_slot(datetime(2026, 12, 7, 12, 0), CALL) == "Monday at 12pm"
    assert spoken_slot(datetime(2026, 12, 14, 9, 0), CALL) == "Monday the 14th at 9am"
    assert spoken_slot(datetime(2026, 12, 22, 9, 0), CALL) == "Tuesday the 22nd at 9am"
