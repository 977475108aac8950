"""A recorded call written as the caption files people have (WebVTT with voice spans as Teams writes them, WebVTT
with names before the words as Zoom does, SRT, plain ``Name: text``) gives the verdict of its transcript JSON.

The caption files are written here, at test time, from the calls in tests/data/calls; long turns are cut into
several short cues, as caption tools do, so the reader has to join them back into one turn.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from copilot.coach import analyze
from copilot.session.transcript import Transcript, load_transcript, parse_transcript
from copilot.session.utterance import Utterance

DATA = Path(__file__).resolve().parents[1] / "data"
CALLS = sorted(p for p in [*DATA.glob("calls/*.json"), *DATA.glob("calls_speakers/*.json")]
               if json.loads(p.read_text(encoding="utf-8"))["utterances"])
NAMES = {"rep": "Dana Lee", "prospect": "Sam Roy"}
CALL_DATE = datetime(2026, 11, 19, 10, 0)


def _clock(seconds: float, sep: str = ".", short: bool = False) -> str:
    millis = round(seconds * 1000)
    h, rest = divmod(millis, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{m:02d}:{s:02d}{sep}{ms:03d}" if short and not h else f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chunks(u: Utterance, words: int = 6) -> list[tuple[float, float, str]]:
    """The utterance cut into cues of a few words, their times shared out by words (as caption tools do)."""
    split = u.text.split()
    pieces = [split[i:i + words] for i in range(0, len(split), words)] or [[]]
    out, t = [], u.start
    for i, piece in enumerate(pieces):
        end = u.end if i == len(pieces) - 1 else round(u.start + (u.end - u.start) * (i + 1) * words / len(split), 3)
        out.append((t, end, " ".join(piece)))
        t = end
    return out


def teams_vtt(utterances: Sequence[Utterance]) -> str:
    blocks = ["WEBVTT\nKind: captions\nLanguage: en-US\n", "NOTE written by the test from a recorded call\n",
              "STYLE\n::cue(v) { color: lime }\n"]
    for n, u in enumerate(utterances):
        for k, (start, end, text) in enumerate(_chunks(u)):
            blocks.append(f"0c1d2e3f-{n}/{k}-0\n{_clock(start)} --> {_clock(end)} align:start position:10%\n"
                          f"<v {NAMES[u.speaker]}>{_escape(text)}</v>\n")
    return "\n".join(blocks)


def zoom_vtt(utterances: Sequence[Utterance]) -> str:
    blocks = ["WEBVTT\n"]
    for n, u in enumerate(utterances, start=1):
        blocks.append(f"{n}\n{_clock(u.start, short=True)} --> {_clock(u.end, short=True)}\n"
                      f"{NAMES[u.speaker]}: {_escape(u.text)}\n")
    return "\n".join(blocks)


def _wrapped(text: str, width: int = 42) -> str:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def srt(utterances: Sequence[Utterance]) -> str:
    return "\n".join(f"{n}\n{_clock(u.start, ',')} --> {_clock(u.end, ',')}\n"
                     f"{_wrapped(NAMES[u.speaker] + ': ' + u.text)}\n" for n, u in enumerate(utterances, start=1))


def plain(utterances: Sequence[Utterance]) -> str:
    return "".join(f"{_wrapped(NAMES[u.speaker] + ': ' + u.text, 60)}\n\n" for u in utterances)


WRITERS: dict[str, Callable[[Sequence[Utterance]], str]] = {
    "teams.vtt": teams_vtt, "zoom.vtt": zoom_vtt, "call.srt": srt, "call.txt": plain}


def _call(path: Path) -> tuple[Transcript, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return parse_transcript(data, str(path)), data["vertical"]


def _without_times(value: Any) -> Any:
    """The verdict less what rests on the times: moments, and the metrics (talk ratio, longest monologue)."""
    if isinstance(value, dict):
        return {k: _without_times(v) for k, v in value.items() if k not in ("t", "start", "end", "metrics")}
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("call", CALLS, ids=lambda p: p.stem)
def test_a_call_written_as_captions_gives_the_verdict_of_its_json(call: Path, fmt: str, tmp_path: Path) -> None:
    truth, vertical = _call(call)
    path = tmp_path / fmt
    path.write_text(WRITERS[fmt](truth.utterances), encoding="utf-8")
    read = load_transcript(path, rep="Dana Lee")
    expected = analyze(truth.utterances, CALL_DATE, vertical=vertical).to_json()
    got = analyze(read.utterances, CALL_DATE, vertical=vertical).to_json()
    if fmt == "call.txt":  # no times in plain text: the same turns, in order, with times made up
        assert [(u.speaker, u.text) for u in read.utterances] == [(u.speaker, u.text) for u in truth.utterances]
        assert _without_times(got) == _without_times(expected)
    else:
        assert read.utterances == truth.utterances
        assert got == expected
    assert expected["utterances"], "a call with words"


def test_the_other_side_named_as_the_rep_turns_the_roles_round(tmp_path: Path) -> None:
    truth, _ = _call(CALLS[0])
    path = tmp_path / "teams.vtt"
    path.write_text(teams_vtt(truth.utterances), encoding="utf-8")
    swapped = load_transcript(path, rep="sam")
    assert [u.speaker for u in swapped.utterances] == [
        {"rep": "prospect", "prospect": "rep"}[u.speaker] for u in truth.utterances]


# --- the command line ------------------------------------------------------------------------------------------


def _analyze(path: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COPILOT_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "copilot", "analyze", str(path), "--no-save"], capture_output=True,
                          text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)


def _one_line_failure(proc: subprocess.CompletedProcess[str], code: int) -> str:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_cli_captions_without_the_reps_name_ask_for_it_in_one_line(tmp_path: Path) -> None:
    truth, _ = _call(DATA / "calls" / "sales-04.json")
    path = tmp_path / "call.vtt"
    path.write_text(zoom_vtt(truth.utterances), encoding="utf-8")
    line = _one_line_failure(_analyze(path, tmp_path / "home"), 2)
    assert line.endswith(f"{path} names 2 speakers (Dana Lee 4 lines, Sam Roy 4): say which is the rep with --rep NAME")


def test_cli_captions_without_names_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "call.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nShall we meet on Friday?\n", encoding="utf-8")
    line = _one_line_failure(_analyze(path, tmp_path / "home"), 1)
    assert line.endswith(f"{path}: the captions name no speakers, so who said what is unknown; export them with "
                         "speaker names or analyze the recording")
