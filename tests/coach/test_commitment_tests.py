"""Commitment tests before the close: the prompt offers the method's test that fits what was just heard (a worry
open, a timeline played down or never heard, a step agreed only half-way), and gives way to the usual prompt once
the rep has answered; commitment signals are heard as the method names them, strong and weak."""

from __future__ import annotations

from datetime import datetime

from copilot.coach import Coach
from copilot.coach.verdict import state_to_dict
from copilot.session.utterance import Utterance

CALL = datetime(2026, 12, 4, 10, 5)
CONCERN = "If what you see in the {noun} addresses your concerns, what would the next step be?"
TIMELINE = "What would need to happen for you to move forward this quarter?"
RISK = "Is there anything that could prevent this?"


def feed(coach: Coach, *lines: str) -> str:
    t = coach.state.utterance_count * 4.0
    for line in lines:
        who, text = line.split(": ", 1)
        coach.feed(Utterance("rep" if who == "R" else "prospect", t, t + 3.5, text))
        t += 4.0
    return coach.state.prompt


def test_a_worry_gets_the_concern_test_naming_the_step_that_would_answer_it() -> None:
    coach = Coach(CALL)
    assert feed(coach, "P: My worry is whether it integrates with our ERP.") == CONCERN.format(noun="deep-dive")
    # the rep answers: the test gives way to the proposal of the step that fits
    assert feed(coach, "R: That's a fair concern.").startswith("A good next step would be a technical deep-dive")


def test_a_cost_worry_names_the_review() -> None:
    coach = Coach(CALL)
    assert feed(coach, "P: It's expensive, I'd have to justify it to my boss.") == CONCERN.format(noun="review")


def test_a_timeline_played_down_gets_the_timeline_test() -> None:
    coach = Coach(CALL)
    assert feed(coach, "P: There's no rush on our side, honestly.") == TIMELINE
    assert feed(coach, "R: Understood.") != TIMELINE


def test_a_vague_step_agreed_with_no_timeline_heard_gets_the_timeline_test() -> None:
    coach = Coach(CALL)
    assert feed(coach, "R: Let's touch base again soon.", "P: Sounds good.") == TIMELINE


def test_with_a_timeline_heard_a_vague_step_gets_the_proposal_instead() -> None:
    coach = Coach(CALL)
    prompt = feed(coach, "P: We need it live before our deadline in March.", "R: Let's touch base again soon.",
                  "P: Sounds good.")
    assert prompt != TIMELINE and prompt.startswith("A good next step would be")


def test_a_step_agreed_only_half_way_gets_the_risk_test() -> None:
    coach = Coach(CALL)
    assert feed(coach, "R: Would a demo with you and your VP make sense as a next step?",
                "P: Maybe, I'd have to see.") == RISK


def test_a_plain_yes_without_a_time_gets_the_lock_not_a_test() -> None:
    coach = Coach(CALL)
    prompt = feed(coach, "R: Would a demo with you and your VP make sense as a next step?",
                  "P: Yes, a demo sounds good.")
    assert " or " in prompt and prompt not in (RISK, TIMELINE)


def test_an_objection_keeps_its_own_answer() -> None:
    coach = Coach(CALL)
    assert feed(coach, "P: I need to think about it.").startswith("What specific things")


def test_tests_never_follow_a_secured_step() -> None:
    coach = Coach(CALL)
    prompt = feed(coach, "R: Let's do the demo with your VP on Tuesday at 2pm.", "P: Tuesday at 2 works.",
                  "P: There's no rush otherwise.")
    assert prompt not in (RISK, TIMELINE) and not prompt.startswith("If what you see")


def signals(*lines: str) -> list[tuple[str, str]]:
    coach = Coach(CALL)
    feed(coach, *lines)
    return [(s["kind"], s["strength"]) for s in state_to_dict(coach.state)["signals"]]


def test_commitment_signals_strong() -> None:
    assert ("stakeholders", "strong") in signals("P: I'll loop in our head of finance for the next call.")
    assert ("implementation", "strong") in signals("P: How long does the rollout usually take?")
    assert ("timeline", "strong") in signals("P: We need this live by Q2 because our contract expires.")
    assert ("budget", "strong") in signals("P: We have budget set aside for this already.")


def test_commitment_signals_weak() -> None:
    assert ("stakeholders", "weak") in signals("P: I'd rather not involve anyone else yet.")
    assert ("implementation", "weak") in signals("P: We're just looking for now.")
    assert ("timeline", "weak") in signals("P: No rush, maybe sometime next year.")
    assert ("budget", "weak") in signals("P: We don't have budget for this right now.")


def test_the_reps_words_are_no_signal() -> None:
    assert signals("R: Do you have budget, and how long would rollout take?") == []
