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


def test_resampled_block_by_block_is_the_whole_file_resampled(tmp_path: Path) -> None:
    """The streaming resampler gives what one soxr call over the whole signal gives."""
    import soxr

    rng = np.random.default_rng(4)
    data = (_tone(12.0, 44100, 2) + rng.normal(0, 0.02, (int(12.0 * 44100), 2))).astype(np.float32)
    sf.write(tmp_path / "x.wav", data, 44100, subtype="FLOAT")
    audio = load_audio(tmp_path / "x.wav")
    whole = np.clip(soxr.resample(data, 44100, SAMPLE_RATE, quality="HQ"), -1.0, 1.0)
    for i, channel in enumerate(audio.channels):
        assert channel.shape[0] == whole.shape[0]
        np.testing.assert_allclose(channel, whole[:, i], atol=1e-5)


def test_decoding_holds_the_signal_once(tmp_path: Path) -> None:
    """An hour-long call must fit in memory: decoding allocates the 16 kHz float32 channels and small blocks,
    never a second copy of the signal (at the source rate, in float64, or while checking for twin channels)."""
    import tracemalloc

    seconds, rate = 120.0, 48000
    sf.write(tmp_path / "long.wav", _tone(seconds, rate, 2), rate)
    result_bytes = 2 * int(seconds * SAMPLE_RATE) * 4
    tracemalloc.start()
    try:
        audio = load_audio(tmp_path / "long.wav")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert audio.duration == pytest.approx(seconds, abs=0.01)
    assert peak < 1.1 * result_bytes + 8_000_000, f"peak {peak / 1e6:.1f} MB for {result_bytes / 1e6:.1f} MB of audio"


def test_a_file_longer_than_it_announces_still_decodes_whole(tmp_path: Path) -> None:
    """A container that announces no length (or a wrong one) grows the buffers instead of losing the end."""
    from copilot.audio.decode import _Collector

    collector = _Collector(tmp_path / "x.raw", 8000, 2, 0, mix=False)
    tone = _tone(10.0, 8000, 2)
    for start in range(0, tone.shape[0], 4000):
        collector.feed(tone[start:start + 4000], 8000)
    decoded = collector.finish()
    assert decoded.length == pytest.approx(10.0 * SAMPLE_RATE, abs=50)
    assert all(ch.shape[0] == decoded.length for ch in decoded.channels)
    assert float(np.abs(decoded.channels[0][-SAMPLE_RATE:]).max()) > 0.2  # the end is there, not silence


def test_twin_channels_are_told_from_two_voices_across_blocks() -> None:
    from copilot.audio.decode import same_signal

    voice = _tone(3.0, 16000, 1)[:, 0]
    quiet_noise = np.random.default_rng(0).normal(0, 0.001, voice.shape).astype(np.float32)
    other = voice.copy()
    other[-8000:] = _tone(0.5, 16000, 2)[:, 1]  # a different voice only in the last block
    assert same_signal(voice, voice + quiet_noise, block=10_000)
    assert not same_signal(voice, other, block=10_000)
    assert same_signal(np.zeros(100, np.float32), np.zeros(100, np.float32))
