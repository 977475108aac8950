"""Keeping the call's audio: both sides aligned on the call clock in one stereo FLAC that analyze reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from copilot.audio.recorder import CallRecorder


def test_both_sides_aligned_in_one_stereo_file(tmp_path: Path) -> None:
    rec = CallRecorder(tmp_path / "rec" / "call.flac")
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(1600) / 16000)).astype(np.float32)
    rec.write("rep", 0.0, tone)          # 0.0–0.1 s
    rec.write("prospect", 0.5, tone)     # a gap of silence, then 0.5–0.6 s
    rec.write("rep", 1.0, tone)          # 0.1–1.0 s filled with silence
    path = rec.close()
    assert path == tmp_path / "rec" / "call.flac"
    data, rate = sf.read(path, dtype="float32")
    assert rate == 16000 and data.shape == (17600, 2)
    assert np.abs(data[:1600, 0]).max() > 0.4 and np.abs(data[1600:16000, 0]).max() < 1e-3
    assert np.abs(data[:8000, 1]).max() < 1e-3 and np.abs(data[8000:9600, 1]).max() > 0.4
    assert sorted(p.name for p in path.parent.iterdir()) == ["call.flac"]  # no part files left


def test_recording_is_read_back_by_analyze(tmp_path: Path) -> None:
    from copilot.audio.decode import load_audio

    rec = CallRecorder(tmp_path / "call.flac")
    rng = np.random.default_rng(0)
    rec.write("rep", 0.0, rng.normal(0, 0.1, 16000).astype(np.float32))
    rec.write("prospect", 0.0, rng.normal(0, 0.1, 8000).astype(np.float32))
    audio = load_audio(rec.close())
    assert audio.stereo and audio.duration == pytest.approx(1.0)


def test_unwritable_folder_is_a_known_error(tmp_path: Path) -> None:
    from copilot.errors import OutputError

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError):
        CallRecorder(blocker / "call.flac")
