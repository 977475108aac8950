"""FileReplay: a recording delivered like two devices, through the same queue → assembler path."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from copilot.audio.replay import FileReplay
from copilot.errors import InputError


def _stereo(path: Path, rate: int = 48_000, seconds: float = 1.0) -> np.ndarray:
    n = int(rate * seconds)
    t = np.arange(n) / rate
    data = np.stack([0.2 * np.sin(2 * np.pi * 300 * t), 0.2 * np.sin(2 * np.pi * 700 * t)], axis=1).astype(np.float32)
    sf.write(path, data, rate)
    return data


def _drain(replay: FileReplay, timeout: float = 10.0) -> dict[str, list]:
    for source in replay.sources:
        source.start(replay.clock)
    got: dict[str, list] = {s.speaker: [] for s in replay.sources}
    deadline = time.monotonic() + timeout
    while not all(s.finished for s in replay.sources):
        assert time.monotonic() < deadline, "replay did not finish"
        for s in replay.sources:
            got[s.speaker].extend(s.read(0.01))
    return got


def test_stereo_file_becomes_rep_and_prospect_at_16k(tmp_path: Path) -> None:
    _stereo(tmp_path / "call.wav")
    replay = FileReplay(tmp_path / "call.wav", speed=None)
    got = _drain(replay)
    assert set(got) == {"rep", "prospect"}
    for speaker, freq in (("rep", 300), ("prospect", 700)):
        frames = got[speaker]
        assert frames[0].t == pytest.approx(0.0)
        audio = np.concatenate([f.samples for f in frames])
        assert abs(audio.shape[0] - 16_000) <= 2
        peak = np.argmax(np.abs(np.fft.rfft(audio[:16000]))) * 16000 / 16000
        assert peak == pytest.approx(freq, abs=2)
    assert replay.clock.now() == pytest.approx(1.0)


def test_real_time_replay_takes_real_time(tmp_path: Path) -> None:
    _stereo(tmp_path / "call.wav", seconds=0.8)
    replay = FileReplay(tmp_path / "call.wav", speed=2.0)
    t0 = time.monotonic()
    _drain(replay)
    assert time.monotonic() - t0 >= 0.35  # 0.8 s at 2x
    assert all(s.dropped == 0 for s in replay.sources)


def test_mono_file_is_the_rep_only(tmp_path: Path) -> None:
    sf.write(tmp_path / "mono.wav", np.zeros(8000, np.float32), 16_000)
    replay = FileReplay(tmp_path / "mono.wav", speed=None)
    assert replay.mono and [s.speaker for s in replay.sources] == ["rep"]


def test_stop_ends_the_sources(tmp_path: Path) -> None:
    _stereo(tmp_path / "call.wav", seconds=5.0)
    replay = FileReplay(tmp_path / "call.wav", speed=1.0)
    for s in replay.sources:
        s.start(replay.clock)
    time.sleep(0.1)
    replay.sources[0].stop()
    deadline = time.monotonic() + 3
    while not all(s.finished for s in replay.sources):
        assert time.monotonic() < deadline
        for s in replay.sources:
            s.read(0.01)


@pytest.mark.parametrize("content", [b"", b"not audio at all" * 10])
def test_bad_files_are_input_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.wav"
    path.write_bytes(content)
    with pytest.raises(InputError):
        FileReplay(path)
    with pytest.raises(InputError, match="no such file"):
        FileReplay(tmp_path / "missing.flac")
