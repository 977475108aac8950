"""One file per participant (Zoom's separate audio files, a softphone's two legs) → the two channels of a stereo call."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

from copilot.audio.decode import SAMPLE_RATE, load_audio, load_participants
from copilot.errors import InputError


@pytest.fixture()
def call(testdata: Path) -> tuple[np.ndarray, int]:
    data, rate = sf.read(testdata / "calls/itsd-04.flac", dtype="float32", always_2d=True)
    return data, int(rate)


def test_a_split_stereo_call_decodes_to_the_same_channels(tmp_path: Path, testdata: Path,
                                                          call: tuple[np.ndarray, int]) -> None:
    data, rate = call
    sf.write(tmp_path / "rep.wav", data[:, 0], rate)
    sf.write(tmp_path / "other.flac", data[:, 1], rate)
    stereo = load_audio(testdata / "calls/itsd-04.flac")
    split = load_participants(tmp_path / "rep.wav", [tmp_path / "other.flac"])
    assert split.stereo and len(split.channels) == 2
    assert split.duration == stereo.duration
    for mine, theirs in zip(split.channels, stereo.channels):
        assert mine.dtype == np.float32
        np.testing.assert_array_equal(mine, theirs)


def test_other_party_files_are_mixed_and_the_shorter_padded(tmp_path: Path, call: tuple[np.ndarray, int]) -> None:
    """Two other-party files add up into one channel; files of different lengths and rates line up from their starts."""
    data, rate = call
    other = data[:, 1]
    half = other.shape[0] // 2
    first, second = other.copy(), other.copy()
    first[half:] = 0.0
    second[:half] = 0.0
    sf.write(tmp_path / "rep.wav", data[: rate * 5, 0], rate)  # the rep's leg stops after 5 s
    sf.write(tmp_path / "a.wav", first, rate)
    sf.write(tmp_path / "b.wav", soxr.resample(second, rate, 48_000), 48_000)  # another rate, resampled back
    audio = load_participants(tmp_path / "rep.wav", [tmp_path / "a.wav", tmp_path / "b.wav"])
    assert audio.duration == pytest.approx(other.shape[0] / SAMPLE_RATE, abs=0.01)
    rep, mixed = audio.channels
    assert rep.shape == mixed.shape
    assert not rep[rate * 5 + 10:].any()  # silence after the rep's file ends
    np.testing.assert_allclose(rep[: rate * 5], data[: rate * 5, 0], atol=1e-6)
    error = mixed[: other.shape[0]] - other
    assert float(np.sqrt(np.mean(error ** 2))) < 0.05 * float(np.sqrt(np.mean(other ** 2)))  # resampling round trip


def test_a_stereo_participant_file_is_one_voice(tmp_path: Path, call: tuple[np.ndarray, int]) -> None:
    data, rate = call
    sf.write(tmp_path / "rep.wav", np.stack([data[:, 0], data[:, 0]], axis=1), rate)
    sf.write(tmp_path / "other.wav", data[:, 1], rate)
    audio = load_participants(tmp_path / "rep.wav", [tmp_path / "other.wav"])
    np.testing.assert_allclose(audio.channels[0], data[:, 0], atol=1e-6)
    assert audio.source_channels == 3


def test_the_same_file_twice_is_refused(tmp_path: Path, call: tuple[np.ndarray, int]) -> None:
    data, rate = call
    sf.write(tmp_path / "rep.wav", data[:, 0], rate)
    with pytest.raises(InputError, match="given twice"):
        load_participants(tmp_path / "rep.wav", [tmp_path / "." / "rep.wav"])


def test_a_file_that_fails_names_itself(tmp_path: Path, call: tuple[np.ndarray, int]) -> None:
    data, rate = call
    sf.write(tmp_path / "rep.wav", data[:, 0], rate)
    (tmp_path / "broken.wav").write_bytes(np.random.default_rng(2).bytes(3000))
    for others, where in (([tmp_path / "broken.wav"], "broken.wav"), ([tmp_path / "missing.wav"], "missing.wav")):
        with pytest.raises(InputError, match=where) as caught:
            load_participants(tmp_path / "rep.wav", others)
        assert "\n" not in str(caught.value)
