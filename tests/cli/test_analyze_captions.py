"""``copilot analyze captions.vtt --rep NAME``: a meeting tool's captions, the rep named on the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_analyze import copilot  # noqa: E402  (tests/cli is on the path: pytest puts a test's folder there)

VTT = """WEBVTT

00:00:00.000 --> 00:00:04.000
<v Dana Lee>A good next step would be a demo with your VP of engineering.</v>

00:00:04.500 --> 00:00:08.000
<v Dana Lee>I have Tuesday at 2pm or Thursday at 10am, which works better?</v>

00:00:08.500 --> 00:00:10.000
<v Sam Ortiz>Tuesday at 2pm works for me.</v>
"""


@pytest.fixture()
def captions(tmp_path: Path) -> Path:
    path = tmp_path / "meeting.vtt"
    path.write_text(VTT)
    return path


def test_rep_names_the_rep_in_captions(captions: Path, tmp_path: Path) -> None:
    proc = copilot("analyze", str(captions), "--rep", "Dana Lee", "--json", "--no-save", home=tmp_path / "home")
    assert proc.returncode == 0, proc.stderr
    verdict = json.loads(proc.stdout)
    assert [u["speaker"] for u in verdict["utterances"]] == ["rep", "rep", "prospect"]
    assert verdict["criteria"]["acknowledged"]["met"]
    flipped = copilot("analyze", str(captions), "--rep", "sam ortiz", "--json", "--no-save", home=tmp_path / "home")
    assert flipped.returncode == 0, flipped.stderr
    assert [u["speaker"] for u in json.loads(flipped.stdout)["utterances"]] == ["prospect", "prospect", "rep"]


def test_captions_without_rep_ask_for_it_in_one_line(captions: Path, tmp_path: Path) -> None:
    proc = copilot("analyze", str(captions), "--json", "--no-save", home=tmp_path / "home")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stdout == ""
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "--rep" in lines[0] and "Dana Lee" in lines[0] and "Sam Ortiz" in lines[0]
