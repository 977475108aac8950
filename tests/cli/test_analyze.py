"""``copilot analyze`` as a user runs it: real processes, real files, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

VERDICT_KEYS = {"next_steps_secured", "reason", "criteria", "stages", "next_step", "commitment_level",
                "weak_next_steps", "objections", "coaching", "utterances"}


def copilot(*args: str, home: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COPILOT_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "copilot", *args], capture_output=True, text=True,
                          env=env, timeout=timeout, stdin=subprocess.DEVNULL)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int = 1) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 if code == 1 else lines, proc.stderr
    assert proc.stdout == ""


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture()
def transcript_file(tmp_path: Path) -> Path:
    path = tmp_path / "call.json"
    path.write_text(json.dumps({"started_at": "2026-11-19T10:00:00", "utterances": [
        {"speaker": "rep", "start": 0.0, "end": 4.0, "text": "A good next step would be a demo with your VP of engineering."},
        {"speaker": "rep", "start": 4.5, "end": 8.0, "text": "I have Tuesday at 2pm or Thursday at 10am, which works better?"},
        {"speaker": "prospect", "start": 8.5, "end": 10.0, "text": "Tuesday at 2pm works for me."},
    ]}))
    return path


def test_missing_file(home: Path, tmp_path: Path) -> None:
    assert_one_line_error(copilot("analyze", str(tmp_path / "nope.flac"), home=home))


def test_directory(home: Path, tmp_path: Path) -> None:
    assert_one_line_error(copilot("analyze", str(tmp_path), home=home))


def test_empty_file(home: Path, tmp_path: Path) -> None:
    (tmp_path / "empty.wav").write_bytes(b"")
    assert_one_line_error(copilot("analyze", str(tmp_path / "empty.wav"), home=home))


def test_random_bytes_named_wav(home: Path, tmp_path: Path) -> None:
    (tmp_path / "noise.wav").write_bytes(np.random.default_rng(3).bytes(20000))
    assert_one_line_error(copilot("analyze", str(tmp_path / "noise.wav"), home=home))


def test_zero_length_audio(home: Path, tmp_path: Path) -> None:
    sf.write(tmp_path / "zero.wav", np.zeros((0, 2), np.float32), 16000)
    assert_one_line_error(copilot("analyze", str(tmp_path / "zero.wav"), home=home))


def test_truncated_flac(home: Path, tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    sf.write(tmp_path / "good.flac", rng.normal(0, 0.1, (16000 * 20, 2)).astype(np.float32), 16000)
    data = (tmp_path / "good.flac").read_bytes()
    (tmp_path / "cut.flac").write_bytes(data[: len(data) // 3])
    assert_one_line_error(copilot("analyze", str(tmp_path / "cut.flac"), home=home))


def test_bad_transcript_json(home: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"utterances": [{"speaker": "alien", "start": 0, "end": 1, "text": "hi"}]}')
    assert_one_line_error(copilot("analyze", str(tmp_path / "bad.json"), home=home))
    (tmp_path / "broken.json").write_text('{"utterances": [')
    assert_one_line_error(copilot("analyze", str(tmp_path / "broken.json"), home=home))


def test_bad_usage_exits_2(home: Path) -> None:
    proc = copilot("analyze", home=home)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = copilot("analyze", "x.json", "--bogus", home=home)
    assert proc.returncode == 2


def test_unknown_model(home: Path, transcript_file: Path, tmp_path: Path) -> None:
    sf.write(tmp_path / "a.wav", np.zeros((16000, 2), np.float32), 16000)
    assert_one_line_error(copilot("analyze", str(tmp_path / "a.wav"), "--model", "gigantic", home=home))


def test_unwritable_out_keeps_what_exists(home: Path, transcript_file: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("precious")
    proc = copilot("analyze", str(transcript_file), "--out", str(blocker / "sub"), home=home)
    assert_one_line_error(proc)
    assert blocker.read_text() == "precious"


def test_transcript_json_gives_the_verdict(home: Path, transcript_file: Path) -> None:
    proc = copilot("analyze", str(transcript_file), "--json", home=home)
    assert proc.returncode == 0, proc.stderr
    verdict = json.loads(proc.stdout)
    assert VERDICT_KEYS <= verdict.keys()
    assert [u["speaker"] for u in verdict["utterances"]] == ["rep", "rep", "prospect"]


def test_a_short_vertical_is_stored_under_its_canonical_name(home: Path, transcript_file: Path) -> None:
    """``--vertical cs`` and ``--vertical customer_success`` are one vertical in the history's pattern."""
    for vertical in ("cs", "customer_success"):
        proc = copilot("analyze", str(transcript_file), "--json", "--vertical", vertical, home=home)
        assert proc.returncode == 0, proc.stderr
    history = copilot("history", "--json", home=home)
    assert history.returncode == 0, history.stderr
    assert [c["vertical"] for c in json.loads(history.stdout)["calls"]] == ["customer_success", "customer_success"]


def test_an_unknown_vertical_is_bad_usage(home: Path, transcript_file: Path) -> None:
    proc = copilot("analyze", str(transcript_file), "--json", "--vertical", "astrology", home=home)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stdout == ""
    assert "astrology" in proc.stderr and "customer_success" in proc.stderr  # names the known ones
    assert not (home / "history.sqlite3").exists()


def test_the_call_date_is_the_transcripts_else_the_files_time(home: Path, transcript_file: Path,
                                                               tmp_path: Path) -> None:
    """given (--started-at) > the transcript's started_at > the file's modification time."""
    import datetime as dt

    undated = tmp_path / "undated.json"
    data = json.loads(transcript_file.read_text())
    del data["started_at"]
    undated.write_text(json.dumps(data))
    mtime = dt.datetime(2025, 3, 4, 9, 30, 15).timestamp()
    os.utime(undated, (mtime, mtime))
    for args in ((str(transcript_file),), (str(undated),), (str(transcript_file), "--started-at", "2026-12-01T08:00")):
        assert copilot("analyze", *args, "--json", home=home).returncode == 0
    history = copilot("history", "--json", home=home)
    dates = sorted(c["started_at"] for c in json.loads(history.stdout)["calls"])
    assert dates == ["2025-03-04T09:30:15", "2026-11-19T10:00:00", "2026-12-01T08:00:00"]


def test_out_writes_every_export(home: Path, transcript_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = copilot("analyze", str(transcript_file), "--out", str(out), home=home)
    assert proc.returncode == 0, proc.stderr
    for name in ("transcript.txt", "transcript.md", "transcript.srt", "transcript.vtt", "transcript.json",
                 "verdict.json", "verdict.md"):
        assert (out / name).stat().st_size > 0, name
    assert VERDICT_KEYS <= json.loads((out / "verdict.json").read_text()).keys()
    assert "Tuesday" in (out / "transcript.txt").read_text()


@pytest.mark.slow
def test_recording_end_to_end(home: Path, testdata: Path) -> None:
    """A two-channel call: every key, every utterance with the right speaker, and it lands in the history."""
    truth = json.loads((testdata / "calls/cs-04.json").read_text())
    proc = copilot("analyze", str(testdata / "calls/cs-04.flac"), "--json", home=home)
    assert proc.returncode == 0, proc.stderr
    verdict = json.loads(proc.stdout)
    assert VERDICT_KEYS <= verdict.keys()
    got = verdict["utterances"]
    assert len(got) == len(truth["utterances"])
    for mine, true in zip(got, truth["utterances"]):
        assert mine["speaker"] == true["speaker"]
        assert abs(mine["start"] - true["start"]) < 0.5
    history = copilot("history", "--json", home=home)
    assert history.returncode == 0, history.stderr
    assert len(json.loads(history.stdout)["calls"]) == 1


@pytest.mark.slow
def test_silence_and_noise_has_no_words(home: Path, testdata: Path) -> None:
    proc = copilot("analyze", str(testdata / "calls/silence_and_noise.flac"), "--json", "--no-save", home=home)
    assert proc.returncode == 0, proc.stderr
    verdict = json.loads(proc.stdout)
    assert verdict["utterances"] == []
    assert verdict["next_steps_secured"] is False


@pytest.mark.slow
def test_mono_recording_says_speakers_are_mixed(home: Path, testdata: Path, tmp_path: Path) -> None:
    data, rate = sf.read(testdata / "calls/itsd-04.flac", dtype="float32")
    sf.write(tmp_path / "mono.wav", data.mean(axis=1), rate)
    proc = copilot("analyze", str(tmp_path / "mono.wav"), "--json", "--no-save", home=home)
    assert proc.returncode == 0, proc.stderr
    verdict = json.loads(proc.stdout)
    assert verdict["utterances"], "a mono call is still transcribed"
    text = json.dumps(verdict.get("notes", [])) + verdict["reason"]
    assert "speaker" in text.lower()
