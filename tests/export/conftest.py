"""A small, realistic call ending and a hand-written verdict: as DESIGN.md's JSON (``VERDICT``), and typed, as the
exporters take it (the ``verdict`` fixture; ``typed`` reads a changed JSON back, ``with_state``/``with_step`` change
a typed one; both in ``export_helpers``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from export_helpers import typed

from copilot.coach.state import Verdict
from copilot.session.utterance import Utterance

UTTERANCES = (
    Utterance("rep", 1690.0, 1694.5, "I'll send you some info after this and we can go from there."),
    Utterance("prospect", 1695.0, 1698.2, "Honestly, I need to think about it."),
    Utterance("rep", 1698.8, 1703.0, "What specific things would you want to think through?"),
    Utterance("prospect", 1703.5, 1711.0, "Mostly whether my VP will back the change."),
    Utterance(
        "rep",
        1712.4,
        1721.25,
        "Let me make sure I captured everything: onboarding takes your team three weeks, and you want it under one.",
    ),
    Utterance("prospect", 1721.9, 1724.0, "Yes, that's right."),
    Utterance("rep", 1725.1, 1729.5, "Does it make sense to keep this conversation going?"),
    Utterance("prospect", 1730.0, 1731.2, "It does."),
    Utterance(
        "rep",
        1732.0,
        1738.75,
        "A good next step would be a demo with your VP of engineering. I have Tuesday at 2 or Thursday at 10.",
    ),
    Utterance("prospect", 1739.3, 1742.0, "Tuesday at 2 works. Send the invite."),
    Utterance("rep", 1742.5, 1745.2, "Sending it now. Café con leche on me — “promise”."),
)


def _ev(i: int) -> dict[str, Any]:
    u = UTTERANCES[i]
    return {"utterance": i, "t": u.start, "text": u.text, "speaker": u.speaker}


REASON = "A demo with the VP of engineering was agreed for Tuesday at 2pm and the prospect said yes."

VERDICT: dict[str, Any] = {
    "next_steps_secured": True,
    "reason": REASON,
    "criteria": {
        "specific_action": {"met": True, "evidence": [_ev(8)]},
        "specific_time_or_trigger": {"met": True, "kind": "datetime", "evidence": [_ev(9)]},
        "acknowledged": {"met": True, "evidence": [_ev(9)]},
    },
    "stages": {
        "summarize": {"met": True, "evidence": [_ev(4)]},
        "confirm": {"met": True, "evidence": [_ev(6)]},
        "propose": {"met": True, "evidence": [_ev(8)]},
        "lock": {"met": True, "evidence": [_ev(8)]},
    },
    "next_step": {
        "action": "demo with your VP of engineering",
        "when": "2026-11-24T14:00:00",
        "trigger": None,
        "agreed_by": ["rep", "prospect"],
        "evidence": [_ev(8), _ev(9)],
    },
    "commitment_level": 4,
    "weak_next_steps": [dict(_ev(0), **{"try": "Let's schedule a demo for Tuesday at 2pm"})],
    "objections": [
        {"utterance": 1, "t": UTTERANCES[1].start, "type": "think_about_it", "text": UTTERANCES[1].text,
         "try": "What specific things would you want to think through?"}
    ],
    "coaching": [
        {
            "t": 1739.0,
            "category": "Control",
            "message": "Rep stated next step but didn't confirm prospect's agreement.",
            "try": "Does 2pm Tuesday work on your end? I'll send the invite now.",
        },
        {
            "t": 1694.5,
            "category": "Commitment",
            "message": "Rep offered to send information instead of a next step.",
            "try": "Let's schedule a demo for Tuesday at 2pm",
        },
    ],
    "metrics": {
        "talk_ratio": {"rep": 0.72, "prospect": 0.28},
        "questions": {"rep": 2, "prospect": 0},
        "longest_monologue": {"speaker": "rep", "seconds": 8.85, "t": 1712.4},
    },
    "notes": ["Demo call with the VP; send the agenda beforehand."],
    "utterances": [u.to_dict() for u in UTTERANCES],
}


@pytest.fixture
def utterances() -> tuple[Utterance, ...]:
    return UTTERANCES


@pytest.fixture
def verdict_json() -> dict[str, Any]:
    return copy.deepcopy(VERDICT)


@pytest.fixture
def verdict() -> Verdict:
    return typed(copy.deepcopy(VERDICT))

