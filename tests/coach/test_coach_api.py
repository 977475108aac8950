"""The public API others code against: names, shapes, JSON, determinism, known errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from coach_helpers import CALL_DATE, say

from copilot.coach import (
    VERTICALS,
    Coach,
    analyze,
    format_coaching,
    load_playbook,
    state_to_dict,
)
from copilot.coach.state import CoachingMoment
from copilot.errors import InputError

DIALOGUE = (
    "R: let me recap you need the rollout done before march",
    "P: thats right",
    "R: does it make sense to keep working on this together",
    "P: yes",
    "R: a good next step would be a working session with your it lead",
    "R: i have tuesday at 2 or thursday at 10 which is better",
    "P: thursday at 10",
    "R: great im sending the invite now",
    "P: accepted",
)

VERDICT_KEYS = {"next_steps_secured", "reason", "criteria", "stages", "next_step", "commitment_level",
                "weak_next_steps", "objections", "coaching", "utterances"}


def test_initial_state_before_any_feed() -> None:
    coach = Coach(CALL_DATE)
    s = coach.state
    assert s.utterance_count == 0 and s.next_steps_secured is False and s.next_step is None
    assert set(s.criteria) == {"specific_action", "specific_time_or_trigger", "acknowledged"}
    assert set(s.stages) == {"summarize", "confirm", "propose", "lock"}
    assert s.prompt
    json.dumps(state_to_dict(s))


def test_feed_returns_the_new_state() -> None:
    coach = Coach(CALL_DATE, vertical="sales")
    for i, u in enumerate(say(*DIALOGUE), 1):
        state = coach.feed(u)
        assert state is coach.state and state.utterance_count == i
    assert coach.state.next_steps_secured and coach.state.commitment_level == 5


def test_verdict_has_every_key_and_is_json() -> None:
    v = analyze(say(*DIALOGUE), CALL_DATE).to_json()
    assert VERDICT_KEYS <= set(v)
    assert json.loads(json.dumps(v)) == v
    assert v["criteria"]["specific_time_or_trigger"]["kind"] == "datetime"
    for c in v["criteria"].values():
        assert set(c) >= {"met", "evidence"}
        for e in c["evidence"]:
            assert set(e) == {"utterance", "t", "text", "speaker"}
    assert set(v["next_step"]) >= {"action", "when", "trigger", "agreed_by", "evidence"}
    assert v["next_step"]["when"] == "2026-11-19T10:00:00"
    assert len(v["utterances"]) == len(DIALOGUE)
    assert set(v["utterances"][0]) == {"speaker", "start", "end", "text"}
    assert {"talk_ratio", "longest_monologue", "questions"} <= set(v["metrics"])
    assert isinstance(v["notes"], list)
    assert v["reason"].endswith(".") and v["reason"].count(". ") == 0


def test_reason_names_what_is_missing() -> None:
    v = analyze(say("R: lets touch base next week", "P: sure"), CALL_DATE).to_json()
    assert v["next_steps_secured"] is False
    assert "specific action" in v["reason"] and "date/time" in v["reason"]


def test_same_input_same_verdict() -> None:
    a = analyze(say(*DIALOGUE), CALL_DATE).to_json()
    b = analyze(say(*DIALOGUE), CALL_DATE).to_json()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_format_coaching() -> None:
    m = CoachingMoment(t=1725.2, category="Control", message="Rep stated next step but didn't confirm prospect's agreement.",
                       try_="Does 2pm Tuesday work on your end? I'll send the invite now.")
    assert format_coaching(m) == ('[28:45] Improvement - Control: Rep stated next step but didn\'t confirm prospect\'s '
                                  'agreement. Try: "Does 2pm Tuesday work on your end? I\'ll send the invite now."')
    assert format_coaching(CoachingMoment(t=5, category="Close timing", message="Good.", kind="Strength")) == (
        "[00:05] Strength - Close timing: Good.")


def test_coaching_moments_are_categorised_and_timestamped() -> None:
    v = analyze(say("R: so the demo is set for friday at 2", "P: hmm by the way what does it cost",
                    "R: ill send you some info"), CALL_DATE).to_json()
    cats = {c["category"] for c in v["coaching"]}
    assert cats <= {"Control", "Commitment", "Objection handling", "Close timing", "Clarity"}
    assert "Control" in cats and "Commitment" in cats
    assert all(isinstance(c["t"], float) for c in v["coaching"])


def test_every_vertical_loads_and_analyses() -> None:
    assert set(VERTICALS) == {"sales", "recruiting", "customer_success", "real_estate", "it_service_desk"}
    for vertical in VERTICALS:
        pb = load_playbook(vertical)
        assert pb.vertical == vertical and pb.other_party
        v = analyze(say(*DIALOGUE), CALL_DATE, vertical=vertical).to_json()
        assert v["next_steps_secured"] is True


def test_unknown_vertical_is_a_known_error() -> None:
    with pytest.raises(InputError):
        Coach(CALL_DATE, vertical="astrology")
    with pytest.raises(TypeError):  # a programming error, not the user's input
        Coach("yesterday")  # type: ignore[arg-type]


def test_user_playbook_adds_a_phrase_without_code(tmp_path: Path) -> None:
    # "a gemba" is no event word anywhere; a user folder's sales.json teaches it as one
    lines = say("R: lets do a gemba friday at 11", "P: friday at 11 works")
    assert analyze(lines, CALL_DATE).to_json()["criteria"]["specific_action"]["met"] is False
    (tmp_path / "sales.json").write_text(json.dumps({"extends": "common", "vertical": "sales",
                                                     "event_nouns": ["gemba"]}), encoding="utf-8")
    coach = Coach(CALL_DATE, playbook_dir=tmp_path)
    for u in lines:
        coach.feed(u)
    assert coach.verdict().to_json()["next_steps_secured"] is True


def test_broken_user_playbook_is_a_known_error(tmp_path: Path) -> None:
    (tmp_path / "sales.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError):
        Coach(CALL_DATE, playbook_dir=tmp_path)
    (tmp_path / "sales.json").write_text(json.dumps({"extends": "common", "event_nouns": ["re:(unclosed"]}),
                                         encoding="utf-8")
    with pytest.raises(InputError):
        Coach(CALL_DATE, playbook_dir=tmp_path)


def test_state_goes_backwards_on_retraction_and_events_serialise() -> None:
    coach = Coach(CALL_DATE)
    states = [coach.feed(u) for u in say("R: lets do the demo with your vp on monday at 10",
                                          "P: monday at 10 works", "P: actually hold off on that")]
    assert [s.next_steps_secured for s in states] == [False, True, False]
    for s in states:
        json.dumps({"type": "state", **state_to_dict(s)})
