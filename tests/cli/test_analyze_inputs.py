"""``copilot analyze`` on recordings as people have them: one file per participant, and video.

Each is made at test time from a stereo test call and must give the verdict the stereo file gives."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audio"))  # the video maker beside the decoding tests
from test_analyze import assert_one_line_error, copilot  # noqa: E402
from test_video_files import VIDEO_KINDS, mux_video  # noqa: E402

CALL = "calls/itsd-04.flac"
VERTICAL = "it_service_desk"


def _verdict(home: Path, *paths: Path) -> dict:
    proc = copilot("analyze", *map(str, paths), "--json", "--no-save", "--vertical", VERTICAL, home=home)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _gist(verdict: dict) -> dict:
    """What the verdict decides, without the wording of the transcript."""
    return {"secured": verdict["next_steps_secured"], "level": verdict["commitment_level"],
            "criteria": {k: v["met"] for k, v in verdict["criteria"].items()},
            "speakers": [u["speaker"] for u in verdict["utterances"]]}


@pytest.fixture(scope="module")
def stereo_verdict(testdata: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _verdict(tmp_path_factory.mktemp("home"), testdata / CALL)


@pytest.mark.slow
def test_one_file_per_participant_gives_the_stereo_verdict(testdata: Path, tmp_path: Path,
                                                           stereo_verdict: dict) -> None:
    data, rate = sf.read(testdata / CALL, dtype="float32", always_2d=True)
    sf.write(tmp_path / "rep.wav", data[:, 0], rate)
    sf.write(tmp_path / "customer.flac", data[:, 1], rate)
    split = _verdict(tmp_path / "home", tmp_path / "rep.wav", tmp_path / "customer.flac")
    assert split == stereo_verdict  # the same channels, so the same transcript and verdict, word for word
    assert _gist(split)["criteria"]["specific_action"]  # a call where the verdict has something to get right


@pytest.mark.slow
@pytest.mark.parametrize("fmt,suffix,video_codec,audio_codec", [k for k in VIDEO_KINDS if k[1] in (".mp4", ".webm")])
def test_a_video_gives_the_verdict_of_its_sound(testdata: Path, tmp_path: Path, stereo_verdict: dict, fmt: str,
                                                suffix: str, video_codec: str, audio_codec: str) -> None:
    video = mux_video(testdata / CALL, tmp_path / f"call{suffix}", fmt, video_codec, audio_codec)
    assert _gist(_verdict(tmp_path / "home", video)) == _gist(stereo_verdict)


def test_a_transcript_beside_recordings_is_bad_usage(tmp_path: Path) -> None:
    (tmp_path / "call.json").write_text(json.dumps({"utterances": []}))
    sf.write(tmp_path / "other.wav", np.zeros(16000, np.float32), 16000)
    proc = copilot("analyze", str(tmp_path / "other.wav"), str(tmp_path / "call.json"), home=tmp_path / "home")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stdout == ""
    assert [line for line in proc.stderr.splitlines() if line.strip()] == [
        line for line in proc.stderr.splitlines() if "call.json" in line]


def test_a_participant_file_that_fails_is_one_line(tmp_path: Path) -> None:
    sf.write(tmp_path / "rep.wav", np.zeros(16000, np.float32), 16000)
    (tmp_path / "other.wav").write_bytes(b"")
    proc = copilot("analyze", str(tmp_path / "rep.wav"), str(tmp_path / "other.wav"), home=tmp_path / "home")
    assert_one_line_error(proc)
    assert "other.wav" in proc.stderr


def test_a_video_without_sound_is_one_line(testdata: Path, tmp_path: Path) -> None:
    video = mux_video(testdata / CALL, tmp_path / "silent.mp4", "mp4", "mpeg4", None)
    assert_one_line_error(copilot("analyze", str(video), home=tmp_path / "home"))
