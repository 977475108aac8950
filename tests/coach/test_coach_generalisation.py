"""Rules must read the method, not the wording they were tuned on.

Four faults seen while the bundled demo call played in the app, each reproduced with the line that showed
it and then with fresh wording (other names, other words, raw lowercase speech-recognition text), so a fix
that names the demo's words would not pass:

1. a vague-time Clarity moment fired on small talk ("thanks for making the time today");
2. a request for information became ``next_step.action`` as the whole sentence, truncated;
3. two offered times with a misheard connector ("2pm for on Thursday at 10am, which works better") were
   not Lock;
4. action phrases lost their capitalisation ("with you and Marcus" -> "with you and marcus").
"""

from __future__ import annotations

import pytest
from coach_helpers import CALL_DATE, say

from copilot.coach import Coach, analyze
from copilot.coach.text import restore_case


def verdict(*lines: str) -> dict:
    return analyze(say(*lines), CALL_DATE).to_json()


def clarity(v: dict) -> list[str]:
    return [c["message"] for c in v["coaching"] if c["category"] == "Clarity"]


# ------------------------------------------------------------------ 1. Clarity only on a next step's time
@pytest.mark.parametrize("line", [
    "R: Hi Dana, thanks for making the time today. I know it's a busy week, so I'll keep us to the half hour.",
    "R: hi dana thanks for making the time today i know its a busy week so ill keep us to the half hour",
    "R: Morning Priya, I appreciate you joining today, so I'll keep this short.",
    "R: thanks for jumping on today ill be quick i know this week is a lot",
    ("R: So let me make sure I captured everything. Your agents are swamped, and your boss wants a plan before "
     "the new year. Did I miss anything?"),
    "R: so if this were going to happen this year we'd need to move before then",
    "R: Did anything you saw today fill a gap?",
])
def test_no_clarity_moment_on_small_talk_or_a_recap(line: str) -> None:
    assert clarity(verdict(line)) == []


@pytest.mark.parametrize("lines", [
    ("R: I'll give you a call with an update at some point.",),
    ("R: ill put together the rollout plan for you down the road",),
    ("P: can we look at the rollout plan later in the month", "R: sure lets go over the rollout plan sometime then"),
])
def test_clarity_moment_when_a_step_is_pinned_to_a_vague_time(lines: tuple[str, ...]) -> None:
    assert clarity(verdict(*lines)), lines


# ------------------------------------------------------------------ 2. next_step.action is a short phrase
_LONG_ASKS = [
    (("40% would be huge, but to be honest, I'm not sure I can take on another project right now. "
      "Could you just send me some info and I'll take a look."), "send some info"),
    (("Honestly the numbers look great but we're swamped this quarter, can you email me the deck and "
      "I'll have a look when things calm down"), "email the deck"),
    (("That sounds interesting and all, but between the audit and the hiring freeze I've got no room, "
      "so just forward me the pricing sheet."), "forward the pricing sheet"),
]


@pytest.mark.parametrize("text,phrase", _LONG_ASKS)
def test_a_request_for_information_is_a_short_action_not_the_sentence(text: str, phrase: str) -> None:
    coach = Coach(CALL_DATE)
    coach.feed(say("R: most teams close about a third of their tickets without an agent")[0])
    state = coach.feed(say("P: " + text)[0])
    ns = state.next_step
    if ns is not None:  # sending information may be shown as a (weak) step, but only as a short action
        assert ns.action is not None
        assert ns.action.lower() == phrase
        assert len(ns.action.split()) <= 6 and "…" not in ns.action
    assert state.next_steps_secured is False and state.commitment_level == 1


def test_a_vague_follow_up_is_a_short_action() -> None:
    v = verdict(
        "R: so we have covered the pricing and the timeline and the security questions in some detail today",
        "P: right well honestly with everything going on right now lets just touch base after the holidays",
    )
    assert v["next_step"] is None or v["next_step"]["action"] == "touch base"


# ------------------------------------------------------------------ 3. Lock whatever the connector word
@pytest.mark.parametrize("lines", [
    ("R: I'm free on Tuesday at 2pm for on Thursday at 10am, which works better for you in Marcus.",),
    ("R: i could do monday at 9am and wednesday at 3pm which is better for you",),
    ("R: I've got Friday at 11am.", "R: Monday at 4pm is open as well. Which is better for you?"),
    ("R: what works for you, tuesday at 10 in the morning,", "R: thursday at 2pm"),
])
def test_two_distinct_times_and_a_choice_question_are_lock(lines: tuple[str, ...]) -> None:
    v = verdict("R: a good next step would be a demo with your ops lead", *lines)
    assert v["stages"]["lock"]["met"] is True, lines


@pytest.mark.parametrize("lines", [
    ("R: I'm free on Tuesday at 2pm, what works for you?",),
    ("R: how about tuesday at 2pm, does tuesday at 2 work, which is better for you",),
    ("R: I've got Friday at 11am.", "P: Monday at 4pm would be better for me. Which is better for you?"),
])
def test_one_time_or_the_other_sides_time_is_not_lock(lines: tuple[str, ...]) -> None:
    v = verdict("R: a good next step would be a demo with your ops lead", *lines)
    assert v["stages"]["lock"]["met"] is False, lines


# ------------------------------------------------------------------ 4. the action keeps its casing
@pytest.mark.parametrize("lines,action", [
    (("R: Then a good next step would be a live demo with you and Marcus, where we connect a sandbox.",
      "P: I like that.", "R: How about Tuesday at 2pm?", "P: Tuesday at 2pm works."),
     "live demo with you and Marcus"),
    (("R: Let's set up a security review with Priya and the IT team on Friday at 10am.", "P: Yes, that works."),
     "security review with Priya"),
    (("R: Demo with your VP on Tuesday at 2pm?", "P: Sure."), "demo with your VP"),
    (("R: could we get a thirty-minute walkthrough with Aïsha on Monday at 9am", "P: yes"),
     "thirty-minute walkthrough with Aïsha"),
])
def test_the_action_keeps_the_casing_of_the_words_said(lines: tuple[str, ...], action: str) -> None:
    v = verdict(*lines)
    assert v["next_step"]["action"].startswith(action), v["next_step"]["action"]
    assert action in v["reason"], v["reason"]


@pytest.mark.parametrize("phrase,text,shown", [
    ("live demo with you and marcus", "Then a good next step would be a live demo with you and Marcus, where we",
     "live demo with you and Marcus"),
    ("written root cause report", "I'll have the written root-cause report to you by Friday.", "written root-cause report"),
    ("45 minute interview with helen", "How about a forty-five minute interview with, um, Helen?",
     "forty-five minute interview with Helen"),
    ("demo with your vp", "Demo with your VP on Tuesday?", "demo with your VP"),       # a sentence's capital goes
    ("walkthrough with josé", "walkthrough with uh josé at two", "walkthrough with josé"),  # lowercase ASR stays so
])
def test_restore_case_finds_the_spoken_words(phrase: str, text: str, shown: str) -> None:
    assert restore_case(phrase, text) == shown


def test_restore_case_gives_up_on_words_that_are_not_there() -> None:
    assert restore_case("security review", "Let's talk about pricing.") is None


def test_lowercase_speech_recognition_text_keeps_its_words_and_drops_fillers() -> None:
    v = verdict("R: so a good next step would be a working session with you and uh priya from revops on wednesday "
                "at ten", "P: yeah wednesday at ten works")
    assert v["next_steps_secured"] is True
    assert v["next_step"]["action"] == "working session with you and priya from revops"


def test_an_action_cut_by_the_word_limit_does_not_end_on_a_preposition() -> None:
    v = verdict("R: lets book a security review with Priya from IT on Friday at 10am", "P: yes that works")
    assert v["next_step"]["action"].split()[-1] not in ("from", "with", "and", "the", "of")
