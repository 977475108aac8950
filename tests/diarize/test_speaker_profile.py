"""The rep's voice profile on disk, and how the rep's voice is chosen with and without it."""

from __future__ import annotations

import stat
from pathlib import Path

import numpy as np

from copilot.diarize.attribute import decide_rep
from copilot.diarize.profile import VoiceProfileStore
from copilot.diarize.roles import rep_by_profile, rep_by_talk, talk_score


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).random(256).astype(np.float32)
    return v / np.linalg.norm(v)


def test_a_profile_is_saved_private_read_back_blended_and_forgotten(tmp_path: Path) -> None:
    store = VoiceProfileStore(tmp_path / "data")
    assert store.load() is None
    store.save(_unit(1), 20.0)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    loaded = store.load()
    assert loaded is not None and loaded.seconds == 20.0 and np.allclose(loaded.embedding, _unit(1), atol=1e-6)
    store.update(_unit(2), 20.0)
    blended = store.load()
    assert blended is not None and blended.seconds == 40.0
    assert abs(float(blended.embedding @ _unit(1)) - float(blended.embedding @ _unit(2))) < 1e-5
    assert store.forget() and store.load() is None and not store.forget()


def test_a_damaged_profile_is_ignored_not_fatal(tmp_path: Path) -> None:
    store = VoiceProfileStore(tmp_path)
    store.path.write_bytes(b"not a profile")
    assert store.load() is None


def test_a_profile_picks_the_voice_it_sounds_like_and_only_clearly() -> None:
    a, b = _unit(3), _unit(4)
    centres = np.stack([a, b])
    assert rep_by_profile(centres, b) == 1
    assert rep_by_profile(centres, (a + b) / np.linalg.norm(a + b)) is None  # between the two: no say


def test_without_a_profile_the_voice_that_leads_the_talk_is_the_rep() -> None:
    rep = ["So what's driving the timeline?", "Why don't we book a session on Tuesday with your team?"]
    other = ["Mostly the board.", "Sure."]
    assert talk_score(rep) > talk_score(other)
    assert rep_by_talk([other, rep], first_voice=0) == 1
    assert rep_by_talk([["yes"], ["no"]], first_voice=1) == 1  # a tie goes to who spoke first
    decision = decide_rep(np.stack([_unit(5), _unit(6)]), [(0, other[0]), (1, rep[0]), (0, other[1]), (1, rep[1])],
                          None)
    assert (decision.voice, decision.how) == (1, "talk")
