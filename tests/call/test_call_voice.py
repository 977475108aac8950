"""A live call with the two sides on separate devices keeps the rep's voice profile fresh from the microphone, so a
mono recording analysed later is attributed by that profile; a call that keeps nothing, or whose sides are mixed,
leaves the profile alone. Real pipeline, real speaker model."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from call_helpers import Sink

from copilot.call import CallService, build_config
from copilot.diarize.profile import VoiceProfileStore


@pytest.fixture(scope="module")
def calls(tmp_path_factory: pytest.TempPathFactory) -> CallService:
    service = CallService(build_config(data_dir=tmp_path_factory.mktemp("home"), environ={}))
    service.transcriber()
    return service


def _replay(calls: CallService, home: Path, recording: Path, save: bool) -> None:
    calls.reconfigure(replace(calls.config, home=home, data_dir=home, save=save))
    assert calls.start_replay(recording, None, Sink()).wait(120)


@pytest.mark.slow
def test_a_live_call_on_two_devices_enrols_the_rep_and_a_mono_file_then_finds_them(
        calls: CallService, testdata: Path, tmp_path: Path) -> None:
    import soundfile as sf

    home = tmp_path / "home"
    _replay(calls, home, testdata / "calls" / "sales-04.flac", save=True)
    profile = VoiceProfileStore(home).load()
    assert profile is not None and profile.seconds >= 5

    audio, rate = sf.read(testdata / "calls" / "cs-04.flac", dtype="float32")
    sf.write(tmp_path / "mono.flac", audio.mean(axis=1), rate)
    calls.reconfigure(replace(calls.config, home=home, data_dir=home, save=False))
    transcript = calls.read_call(tmp_path / "mono.flac")
    assert transcript.meta["speaker_attribution"]["rep"] == "profile"


@pytest.mark.slow
def test_a_call_that_keeps_nothing_or_mixes_its_sides_learns_no_voice(calls: CallService, testdata: Path,
                                                                    tmp_path: Path) -> None:
    import soundfile as sf

    _replay(calls, tmp_path / "a", testdata / "calls" / "sales-04.flac", save=False)
    assert not (tmp_path / "a").exists()
    audio, rate = sf.read(testdata / "calls" / "sales-04.flac", dtype="float32")
    sf.write(tmp_path / "mono.flac", audio.mean(axis=1), rate)
    _replay(calls, tmp_path / "b", tmp_path / "mono.flac", save=True)
    assert VoiceProfileStore(tmp_path / "b").load() is None
