"""``copilot voice``: enrol from a file, show, forget; bad input is one line and a non-zero exit."""

from __future__ import annotations

import json
from pathlib import Path

from copilot.cli import main


def test_enrol_show_and_forget(testdata: Path, tmp_path: Path, capsys) -> None:
    data = ["--data-dir", str(tmp_path)]
    assert main([*data, "voice", "enroll", str(testdata / "calls" / "sales-04.flac")]) == 0
    assert main([*data, "voice", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert shown["enrolled"] and shown["seconds"] >= 5
    assert (tmp_path / "voice_profile.npz").is_file()
    assert main([*data, "voice", "forget"]) == 0
    assert not (tmp_path / "voice_profile.npz").exists()


def test_a_file_without_enough_speech_is_one_line(testdata: Path, tmp_path: Path, capsys) -> None:
    code = main(["--data-dir", str(tmp_path), "voice", "enroll", str(testdata / "calls" / "silence_and_noise.flac")])
    err = capsys.readouterr().err.strip()
    assert code == 1 and "enrolling needs at least 5 s" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "voice_profile.npz").exists()


def test_bad_usage_is_exit_two(tmp_path: Path, capsys) -> None:
    assert main(["--data-dir", str(tmp_path), "voice"]) == 2
    assert main(["--data-dir", str(tmp_path), "voice", "enroll", "x.wav", "--seconds", "20"]) == 2
    assert main(["--data-dir", str(tmp_path), "voice", "enroll", "--seconds", "1"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 3
