"""Objections in fresh wording: the type is heard however it is phrased, and a yes is not an objection."""

from __future__ import annotations

import pytest
from coach_helpers import CALL_DATE, say

from copilot.coach import analyze

CASES = [
    ("sales", "i gotta think this through before i commit to anything", "think_about_it"),
    ("sales", "let me chew on it over the weekend and ill get back to you", "think_about_it"),
    ("sales", "can you shoot over some materials first i want to read up", "send_info"),
    ("sales", "just send me a link to the website and some pricing", "send_info"),
    ("customer_success", "i need to loop in our procurement folks before anything happens", "discuss_with_team"),
    ("recruiting", "i should talk to my husband about the relocation first", "discuss_with_team"),
    ("real_estate", "hit me up next week were slammed this week", "call_next_week"),
    ("it_service_desk", "can we do this next week im buried right now", "call_next_week"),
    ("sales", "honestly were not there yet we have other priorities this quarter", "not_ready"),
    ("recruiting", "im happy in my current role not looking to move right now", "not_ready"),
    ("customer_success", "we dont have budget for add ons right now so lets wait", "not_ready"),
    ("sales", "can you call me back in a couple weeks", "call_next_week"),
    ("sales", "thursday at two works great", None),
    ("sales", "yes and ill bring my manager too she will want to see it", None),
    ("customer_success", "hmm let me think friday at two um yeah actually that works", None),
]


@pytest.mark.parametrize("vertical,answer,expected", CASES, ids=[c[1][:40] for c in CASES])
def test_objection_type(vertical: str, answer: str, expected: str | None) -> None:
    v = analyze(say("R: could we get the next step on the calendar for friday at two", f"P: {answer}"), CALL_DATE,
                vertical=vertical).to_json()
    got = [(o["utterance"], o["type"]) for o in v["objections"]]
    assert got == ([(1, expected)] if expected else [])
    if expected:
        assert v["objections"][0]["try"]
