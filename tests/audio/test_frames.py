"""FrameAssembler: mono mix, soxr streaming resampling, and frames placed on the device clock."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import soxr

from copilot.audio.frames import (
    SAMPLE_RATE,
    FrameAssembler,
    ManualClock,
    RawBlock,
    dbfs,
)


def _blocks(signal: np.ndarray, rate: int, sizes: list[int], t0: float = 0.0) -> list[RawBlock]:
    out, pos, i = [], 0, 0
    while pos < signal.shape[0]:
        n = sizes[i % len(sizes)]
        out.append(RawBlock(t0 + pos / rate, signal[pos:pos + n].reshape(-1, 1)))
        pos += n
        i += 1
    return out


def _collect(asm: FrameAssembler, blocks: list[RawBlock]):
    frames = [f for b in blocks for f in asm.push(b)] + asm.flush()
    return frames, np.concatenate([f.samples for f in frames])


def test_48k_blocks_become_contiguous_16k_frames_with_true_times() -> None:
    rate = 48_000
    t = np.arange(rate * 2) / rate
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    frames, audio = _collect(FrameAssembler("rep", rate), _blocks(tone, rate, [480, 1024, 333], t0=5.0))
    assert abs(audio.shape[0] - 2 * SAMPLE_RATE) <= 2
    assert frames[0].t == pytest.approx(5.0)
    for a, b in itertools.pairwise(frames):
        assert b.t == pytest.approx(a.end, abs=1e-9)
    spectrum = np.abs(np.fft.rfft(audio[2000:18000]))
    assert np.argmax(spectrum) * SAMPLE_RATE / 16000 == pytest.approx(440, abs=2)
    assert all(f.speaker == "rep" and f.samples.dtype == np.float32 for f in frames)


def test_streaming_resampler_has_no_block_edge_artefacts() -> None:
    rate = 44_100
    rng = np.random.default_rng(1)
    signal = rng.normal(0, 0.1, rate * 2).astype(np.float32)
    _, streamed = _collect(FrameAssembler("rep", rate), _blocks(signal, rate, [441, 97, 2048]))
    whole = soxr.resample(signal, rate, SAMPLE_RATE, quality="HQ")
    n = min(streamed.shape[0], whole.shape[0]) - 200
    assert np.max(np.abs(streamed[200:n] - whole[200:n])) < 1e-3


def test_a_gap_in_the_device_clock_is_filled_with_silence() -> None:
    asm = FrameAssembler("prospect", SAMPLE_RATE)
    ones = np.ones((1600, 1), np.float32)
    first = asm.push(RawBlock(1.0, ones))
    after_gap = asm.push(RawBlock(1.6, ones))  # 0.5 s with no blocks
    audio = np.concatenate([f.samples for f in first + after_gap])
    assert audio.shape[0] == int(0.7 * SAMPLE_RATE)
    assert not audio[1600:1600 + 8000].any()
    assert after_gap[-1].t == pytest.approx(1.6)
    assert asm.filled_seconds == pytest.approx(0.5)


def test_small_jitter_is_not_a_gap_and_stereo_is_mixed_to_mono() -> None:
    asm = FrameAssembler("rep", SAMPLE_RATE)
    block = np.stack([np.full(320, 0.2, np.float32), np.full(320, 0.4, np.float32)], axis=1)
    a = asm.push(RawBlock(0.0, block))
    b = asm.push(RawBlock(0.02 + 0.01, block))  # 10 ms late: within tolerance
    assert b[0].t == pytest.approx(0.02)
    assert np.allclose(a[0].samples, 0.3)


def test_fill_to_keeps_a_silent_source_aligned() -> None:
    asm = FrameAssembler("prospect", SAMPLE_RATE)
    asm.push(RawBlock(0.0, np.ones((160, 1), np.float32)))
    filled = asm.fill_to(1.0)
    assert sum(f.samples.shape[0] for f in filled) == SAMPLE_RATE - 160
    assert asm.position == pytest.approx(1.0)


def test_dbfs_and_manual_clock() -> None:
    assert dbfs(np.zeros(10, np.float32)) == -100.0
    assert dbfs(np.ones(10, np.float32)) == pytest.approx(0.0, abs=1e-6)
    clock = ManualClock()
    clock.advance_to(2.0)
    clock.advance_to(1.0)
    assert clock.now() == 2.0
