"""The endpointing policy, driven by synthetic audio and timestamps, then by real calls."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import soundfile as sf

from copilot.asr.endpointer import Endpointer, EndpointerConfig

SR = 16_000


def loud(frame: np.ndarray) -> bool:
    """A stand-in VAD for policy tests: anything above -40 dBFS is speech."""
    return float(np.sqrt(np.mean(frame ** 2))) > 0.01


def signal(*parts: tuple[str, float]) -> np.ndarray:
    rng = np.random.default_rng(3)
    out = []
    for kind, seconds in parts:
        n = round(seconds * SR)
        out.append(rng.normal(0, 0.1, n) if kind == "speech" else np.zeros(n))
    return np.concatenate(out).astype(np.float32)


def run(ep: Endpointer, audio: np.ndarray, t0: float = 0.0, block: int = 640, flush: bool = True):
    segs = []
    for i in range(0, audio.shape[0], block):
        segs += ep.push(t0 + i / SR, audio[i:i + block])
    if flush:
        segs += ep.flush()
    return segs


def test_a_turn_gives_partials_a_pause_and_a_final_with_preroll() -> None:
    cfg = EndpointerConfig()
    ep = Endpointer("rep", cfg, vad=loud)
    segs = run(ep, signal(("silence", 1.0), ("speech", 5.0), ("silence", 1.0)), t0=10.0)
    kinds = [s.kind for s in segs]
    assert kinds.count("final") == 1 and kinds[-1] == "final"
    final = segs[-1]
    assert final.start == pytest.approx(11.0 - cfg.preroll, abs=0.04)
    assert final.end == pytest.approx(16.0 + cfg.tail, abs=0.04)
    # The end of turn is decided end_silence after the speech stopped, on the audio's own clock.
    assert final.made_at == pytest.approx(16.0 + cfg.end_silence, abs=0.04)
    partials = [s for s in segs if s.kind == "partial"]
    assert partials[0].made_at - 11.0 == pytest.approx(cfg.first_partial + 0.06, abs=0.1)
    gaps = np.diff([p.made_at for p in partials])
    assert len(partials) >= 2 and np.all(gaps >= cfg.partial_every - 1e-6)
    assert np.all(gaps <= cfg.partial_growth * (partials[-1].made_at - final.start) + 0.1)
    pause = next(s for s in segs if s.kind == "pause")
    assert pause.made_at == pytest.approx(16.0 + cfg.pause, abs=0.04)
    # The speculative final holds exactly the audio of the real final: its text can be reused.
    assert pause.start == final.start and pause.end == final.end
    assert np.array_equal(pause.audio, final.audio)
    assert len({s.utt for s in segs}) == 1


def test_a_short_pause_does_not_end_the_turn() -> None:
    ep = Endpointer("rep", vad=loud)
    segs = run(ep, signal(("speech", 1.0), ("silence", 0.3), ("speech", 1.0), ("silence", 1.0)))
    assert [s.kind for s in segs].count("final") == 1
    assert [s.kind for s in segs].count("pause") == 2
    assert segs[-1].end - segs[-1].start > 2.0


def test_max_segment_cuts_a_monologue() -> None:
    cfg = EndpointerConfig(max_segment=5.0)
    segs = run(Endpointer("rep", cfg, vad=loud), signal(("speech", 12.0), ("silence", 1.0)))
    finals = [s for s in segs if s.final]
    assert len(finals) >= 3
    assert all(s.end - s.start <= 5.0 + 0.03 for s in finals)  # to the frame
    assert finals[0].start == pytest.approx(0.0)
    for a, b in itertools.pairwise(finals):
        assert b.start == pytest.approx(a.end, abs=1e-6)  # nothing lost between the pieces
    assert len({s.utt for s in finals}) == len(finals)


def test_a_click_is_not_a_turn_and_flush_keeps_speech_in_progress() -> None:
    ep = Endpointer("rep", vad=loud)
    assert run(ep, signal(("silence", 0.5), ("speech", 0.06), ("silence", 1.0))) == []
    ep = Endpointer("rep", vad=loud)
    segs = run(ep, signal(("silence", 0.2), ("speech", 2.0)))  # the call ends mid-sentence
    assert segs[-1].final and segs[-1].end == pytest.approx(2.2, abs=0.04)


def test_block_size_does_not_change_the_result() -> None:
    audio = signal(("silence", 0.5), ("speech", 2.0), ("silence", 0.7), ("speech", 1.0), ("silence", 0.6))
    a = run(Endpointer("rep", vad=loud), audio, block=480)
    b = run(Endpointer("rep", vad=loud), audio, block=777)
    assert [(s.kind, round(s.start, 3), round(s.end, 3)) for s in a] == \
           [(s.kind, round(s.start, 3), round(s.end, 3)) for s in b]


def test_echo_gate_frames_do_not_count_as_speech() -> None:
    ep = Endpointer("rep", vad=loud, echo=lambda t, frame: True)
    assert run(ep, signal(("speech", 2.0), ("silence", 1.0))) == []
    assert ep.echo_frames > 50


def _channel(path, ch):
    data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    assert rate == SR
    return data[:, ch]


def test_real_calls_each_line_is_found_and_ended_quickly(testdata) -> None:
    """webrtcvad + Silero on real rendered calls: every line found, its end decided within 0.5 s."""
    for name in ("itsd-04", "sales-04", "cs-04", "recruiting-02"):
        path = testdata / "calls" / f"{name}.flac"
        truth = json.loads(path.with_suffix(".json").read_text())["utterances"]
        for ch, speaker in enumerate(("rep", "prospect")):
            finals = [s for s in run(Endpointer(speaker), _channel(path, ch)) if s.final]
            for u in (u for u in truth if u["speaker"] == speaker):
                cover = [s for s in finals if s.start < u["end"] and s.end > u["start"]]
                assert cover, f"{name}: missed {u['text']!r}"
                assert -0.3 < max(s.made_at for s in cover) - u["end"] < 0.5


def test_silence_and_noise_never_make_a_segment(testdata) -> None:
    path = testdata / "calls" / "silence_and_noise.flac"
    for ch in (0, 1):
        ep = Endpointer("rep")
        assert [s for s in run(ep, _channel(path, ch))] == []
