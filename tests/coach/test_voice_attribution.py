"""A yes that hangs on a doubtful attribution of who spoke (a mono recording told apart by voice) is unclear, not a
tick; the verdict says how the speakers were told apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from copilot.coach import analyze
from copilot.session.utterance import Utterance

CLOSE = [
    ("rep", "So to recap, the manual reconciliation eats about two days a month for your team."),
    ("prospect", "That's right, and it's getting worse every quarter."),
    ("rep", "Would a forty-five minute demo with you and Marcus next Tuesday at 2 pm make sense?"),
    ("prospect", "Yes, Tuesday at 2 works for both of us."),
    ("rep", "Great, I'm sending the invite now."),
]


def _utterances() -> list[Utterance]:
    return [Utterance(who, 10.0 * i, 10.0 * i + 8.0, text) for i, (who, text) in enumerate(CLOSE)]


def _with_doubt(utterances: list[Utterance], indices: tuple[int, ...], confidence: float) -> list[Utterance]:
    return [replace(u, speaker_confidence=confidence) if i in indices else u for i, u in enumerate(utterances)]


def test_a_yes_heard_from_a_doubtful_voice_is_unclear_and_a_sure_one_is_not() -> None:
    when = datetime(2026, 11, 30, 10)
    clear = analyze(_utterances(), when)
    ack = clear.state.criteria["acknowledged"]
    assert ack.met and not ack.unclear and ack.evidence
    agreeing = tuple(e.utterance for e in ack.evidence)
    assert clear.next_steps_secured and clear.notes == ()

    doubtful = analyze(_with_doubt(_utterances(), agreeing, 0.55), when)
    assert doubtful.state.criteria["acknowledged"].met
    assert doubtful.state.criteria["acknowledged"].unclear
    assert any("told apart by their voices" in n for n in doubtful.notes)

    sure = analyze(_with_doubt(_utterances(), agreeing, 0.97), when)
    assert not sure.state.criteria["acknowledged"].unclear
    assert sure.next_steps_secured


def test_the_share_attributed_with_confidence_is_in_the_note() -> None:
    utterances = _utterances()
    doubtful_half = tuple(range(0, len(utterances), 2))
    v = analyze(_with_doubt(utterances, doubtful_half, 0.6), datetime(2026, 11, 30, 10))
    note = next(n for n in v.notes if "told apart by their voices" in n)
    total = sum(u.end - u.start for u in utterances)
    sure = sum(u.end - u.start for i, u in enumerate(utterances) if i not in doubtful_half)
    assert f"{sure / total:.0%}" in note
