"""The rep on loudspeakers: the other party's leak must not become rep lines; the rep must still be heard."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from copilot.asr.dedupe import DuplicateFilter, EchoGate, EnergyTrack
from copilot.asr.endpointer import Endpointer
from copilot.session.utterance import Utterance

SR = 16_000


def rep_finals(mic: np.ndarray, system: np.ndarray, gate: EchoGate | None):
    ep = Endpointer("rep", echo=gate)
    segs = []
    for i in range(0, mic.shape[0], 640):
        if gate is not None:
            gate.reference(i / SR, system[i:i + 640])
        segs += ep.push(i / SR, mic[i:i + 640])
    return [s for s in segs + ep.flush() if s.final]


def overlap(s, u) -> float:
    return max(0.0, min(s.end, u["end"]) - max(s.start, u["start"]))


def test_leaked_lines_never_open_a_rep_turn(testdata) -> None:
    path = testdata / "calls_speakers" / "cs-02.flac"
    data, _ = sf.read(str(path), dtype="float32")
    truth = json.loads(path.with_suffix(".json").read_text())["utterances"]
    theirs = [u for u in truth if u["speaker"] == "prospect"]
    mine = [u for u in truth if u["speaker"] == "rep"]

    ungated = rep_finals(data[:, 0], data[:, 1], None)
    assert sum(1 for s in ungated if sum(overlap(s, u) for u in theirs) > 0.3) >= len(theirs) // 2  # the leak is real

    gated = rep_finals(data[:, 0], data[:, 1], EchoGate())
    assert not [s for s in gated if sum(overlap(s, u) for u in theirs) > 0.3]
    for u in mine:  # and every rep line is still there
        assert sum(overlap(s, u) for s in gated) > 0.9 * (u["end"] - u["start"]), u["text"]


@pytest.mark.parametrize("name", ["sales-04", "cs-04"])
def test_the_rep_talking_over_the_other_party_is_still_heard(testdata, name) -> None:
    """Double talk: the rep's voice plus the leak in the mic; the gate must let the rep through."""
    clean, _ = sf.read(str(testdata / "calls" / f"{name}.flac"), dtype="float32")
    truth = json.loads((testdata / "calls" / f"{name}.json").read_text())["utterances"]
    rep = next(u for u in truth if u["speaker"] == "rep" and u["end"] - u["start"] > 3)
    other = next(u for u in truth if u["speaker"] == "prospect" and u["end"] - u["start"] > 2)
    n = int(3.0 * SR)
    rep_voice = clean[int(rep["start"] * SR):][:n, 0]
    their_voice = clean[int(other["start"] * SR):][:n, 1]
    pad = np.zeros(SR, np.float32)
    system = np.concatenate([pad, their_voice, pad])
    mic = np.concatenate([pad, rep_voice + 0.5 * their_voice, pad])
    finals = rep_finals(mic, system, EchoGate())
    assert finals and sum(s.end - s.start for s in finals) > 2.0


def test_energy_track_stores_10ms_levels_across_odd_blocks() -> None:
    track = EnergyTrack()
    audio = np.concatenate([np.zeros(1600), np.full(1600, 0.1)]).astype(np.float32)
    for i in range(0, audio.shape[0], 250):
        track.add(i / SR, audio[i:i + 250])
    levels = track.get(0, 20)
    assert np.all(levels[:10] == -100.0) and np.allclose(levels[11:19], -20.0, atol=0.1)
    assert track.covered_until == pytest.approx(0.2, abs=0.011)
    assert np.all(track.get(500, 510) == -100.0)  # never heard


def test_duplicate_filter_drops_a_rep_line_repeating_the_other_party() -> None:
    f = DuplicateFilter()
    theirs = Utterance("prospect", 10.0, 13.0, "Tuesday at ten works for me, send the invite.")
    f.remember(theirs)
    assert f.is_duplicate(Utterance("rep", 10.1, 12.9, "Tuesday at 10 works for me send the invite"))
    assert not f.is_duplicate(Utterance("rep", 13.5, 15.0, "Great, I'm sending it now."))
    assert not f.is_duplicate(Utterance("rep", 12.5, 15.0, "Tuesday at ten works for me, send the invite."))  # an echo of words, later
    assert not f.is_duplicate(Utterance("rep", 30.0, 32.0, "Tuesday at ten works for me, send the invite."))
    assert not f.is_duplicate(Utterance("prospect", 10.0, 13.0, "Tuesday at ten works for me, send the invite."))
    assert f.dropped == 1
