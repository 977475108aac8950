"""Decoding: every supported container at odd rates and channel counts, and every kind of bad file."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
import soundfile as sf

from copilot.audio.decode import SAMPLE_RATE, load_audio
from copilot.errors import InputError


def _tone(seconds: float, rate: int, channels: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    cols = [0.3 * np.sin(2 * np.pi * (220 + 110 * c) * t) for c in range(channels)]
    return np.stack(cols, axis=1).astype(np.float32)


@pytest.mark.parametrize("suffix,rate,channels", [
    (".wav", 8000, 1), (".wav", 44100, 2), (".flac", 48000, 2), (".flac", 22050, 3), (".ogg", 32000, 1),
])
def test_soundfile_formats(tmp_path: Path, suffix: str, rate: int, channels: int) -> None:
    path = tmp_path / f"x{suffix}"
    sf.write(path, _tone(1.5, rate, channels), rate)
    audio = load_audio(path)
    assert len(audio.channels) == min(2, channels)
    assert audio.stereo == (channels >= 2)
    assert audio.duration == pytest.approx(1.5, abs=0.02)
    assert all(ch.dtype == np.float32 and len(ch) == pytest.approx(1.5 * SAMPLE_RATE, abs=400) for ch in audio.channels)
    # The first channel stays the first: rep on 0, the other party on 1.
    if channels >= 2:
        spectrum0 = np.abs(np.fft.rfft(audio.channels[0]))
        spectrum1 = np.abs(np.fft.rfft(audio.channels[1]))
        freqs = np.fft.rfftfreq(len(audio.channels[0]), 1 / SAMPLE_RATE)
        assert freqs[spectrum0.argmax()] == pytest.approx(220, abs=3)
        assert freqs[spectrum1.argmax()] == pytest.approx(330, abs=3)


@pytest.mark.parametrize("fmt,codec,suffix", [("mp3", "libmp3lame", ".mp3"), ("mp4", "aac", ".m4a")])
def test_compressed_formats(tmp_path: Path, fmt: str, codec: str, suffix: str) -> None:
    path = tmp_path / f"x{suffix}"
    data = _tone(2.0, 44100, 2).T.copy()
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=44100)
        stream.layout = "stereo"
        frame = av.AudioFrame.from_ndarray(data, format="fltp", layout="stereo")
        frame.sample_rate = 44100
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    audio = load_audio(path)
    assert audio.stereo
    assert audio.duration == pytest.approx(2.0, abs=0.1)
    assert np.sqrt(np.mean(audio.channels[0] ** 2)) > 0.1


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_audio(tmp_path / "nope.wav")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder"):
        load_audio(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "e.wav").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        load_audio(tmp_path / "e.wav")


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "r.wav"
    path.write_bytes(np.random.default_rng(1).bytes(4000))
    with pytest.raises(InputError):
        load_audio(path)


def test_zero_length_audio(tmp_path: Path) -> None:
    path = tmp_path / "z.wav"
    sf.write(path, np.zeros((0, 2), np.float32), 16000)
    with pytest.raises(InputError, match="no audio"):
        load_audio(path)


def test_truncated_flac(tmp_path: Path) -> None:
    good = tmp_path / "g.flac"
    sf.write(good, _tone(20, 16000, 2) + np.random.default_rng(0).normal(0, 0.05, (320000, 2)).astype(np.float32), 16000)
    data = good.read_bytes()
    bad = tmp_path / "t.flac"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="corrupt or truncated"):
        load_audio(bad)


def test_identical_channels_are_one_mono_stream(tmp_path: Path) -> None:
    mono = _tone(1.0, 16000, 1)
    sf.write(tmp_path / "dup.wav", np.concatenate([mono, mono], axis=1), 16000)
    audio = load_audio(tmp_path / "dup.wav")
    assert not audio.stereo and audio.source_channels == 2
