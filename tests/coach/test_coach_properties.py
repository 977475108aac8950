"""Property tests: random and hostile text never raises, and the coach is deterministic."""

from __future__ import annotations

import json

from coach_helpers import CALL_DATE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copilot.coach import Coach, analyze, state_to_dict
from copilot.coach.text import normalize
from copilot.coach.timex import classify
from copilot.session.utterance import Utterance

WORDS = st.sampled_from([
    "tuesday", "at", "2", "two", "pm", "p.m.", "to", "too", "for", "four", "the", "15th", "yes", "no", "maybe",
    "demo", "call", "next", "week", "hold", "off", "actually", "once", "as", "soon", "within", "48", "hours", "ill",
    "send", "you", "info", "let", "me", "check", "works", "or", "thursday", "10", ":", "?", "...", "—", "um", "like",
    "invite", "accepted", "last", "ago", "by", "eod", "end", "of", "day", "30", "99", "0", "31st", "february",
])
SPEECH = st.lists(WORDS, min_size=0, max_size=30).map(" ".join)
HOSTILE = st.text(min_size=0, max_size=400)
SPEAKER = st.sampled_from(["rep", "prospect", "nobody", ""])
TIME = st.floats(allow_nan=True, allow_infinity=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(SPEECH, HOSTILE))
def test_text_layers_never_raise(text: str) -> None:
    normalize(text)
    classify(text, CALL_DATE)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(SPEAKER, st.one_of(SPEECH, HOSTILE), TIME, TIME), max_size=12), st.booleans())
def test_coach_never_raises_and_verdict_is_json(lines: list[tuple[str, str, float, float]], separated: bool) -> None:
    coach = Coach(CALL_DATE, speakers_separated=separated)
    for speaker, text, start, end in lines:
        state = coach.feed(Utterance(speaker, start, end, text))
        json.dumps(state_to_dict(state), allow_nan=False)
    v = coach.verdict().to_json()
    json.dumps(v, allow_nan=False)
    assert isinstance(v["next_steps_secured"], bool) and 1 <= v["commitment_level"] <= 5


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["rep", "prospect"]), SPEECH), max_size=10))
def test_same_input_same_verdict(lines: list[tuple[str, str]]) -> None:
    utts = [Utterance(s, i * 3.0, i * 3.0 + 2.0, t) for i, (s, t) in enumerate(lines)]
    a = analyze(utts, CALL_DATE).to_json()
    b = analyze(utts, CALL_DATE).to_json()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
