"""``copilot live --replay``: the JSON Lines contract of DESIGN.md, exports, the history, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def copilot(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "copilot", *args], check=False, capture_output=True, text=True, cwd=REPO,
                          timeout=timeout, env={**os.environ, "COLUMNS": "120"})


@pytest.mark.slow
def test_events_stream_and_exports(testdata, tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "out"
    done = copilot("--data-dir", str(home), "live", "--replay", str(testdata / "calls" / "itsd-04.flac"),
                   "--speed", "0", "--events", "--out", str(out), "--vertical", "it_service_desk")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert events[0]["type"] == "started"
    assert events[-1]["type"] == "verdict" and "next_steps_secured" in events[-1] and "criteria" in events[-1]
    assert [e for e in events if e["type"] == "state"]
    assert not [e for e in events if e["type"] == "closing"]  # a 21-second call is nowhere near T−5 of 30 minutes
    texts = [e for e in events if e["type"] in ("partial", "final")]
    assert {e["speaker"] for e in texts if e["type"] == "final"} == {"rep", "prospect"}
    for e in texts:
        assert set(e) == {"type", "speaker", "start", "end", "text", "emitted_at"}
        assert e["start"] <= e["end"] and e["text"]
    assert {"verdict.json", "transcript.json"} <= {p.name for p in out.iterdir()}
    history = copilot("--data-dir", str(home), "history", "--json")
    assert history.returncode == 0, history.stderr
    calls = json.loads(history.stdout)["calls"]
    assert len(calls) == 1 and calls[0]["status"] == "complete"


@pytest.mark.slow
def test_readable_transcript_and_no_save(testdata, tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = copilot("--data-dir", str(home), "live", "--replay", str(testdata / "calls" / "itsd-04.flac"),
                   "--speed", "0", "--no-save")
    assert done.returncode == 0, done.stderr
    # the other party is named as the call's vertical names them (a sales call: the prospect)
    assert "Rep:" in done.stdout and "Prospect:" in done.stdout and "next step" in done.stdout.lower()
    assert not list(home.rglob("*.jsonl")) if home.exists() else True


@pytest.mark.slow
def test_closing_mode_is_announced_in_the_event_stream(testdata, tmp_path: Path) -> None:
    """The closing-mode clock belongs to the call service, so ``copilot live`` has it too: a five-minute plan is in
    its last five minutes from the first moment."""
    home = tmp_path / "home"
    done = copilot("--data-dir", str(home), "live", "--replay", str(testdata / "calls" / "itsd-04.flac"),
                   "--speed", "8", "--events", "--no-save", "--planned-minutes", "5")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    closing = [e for e in events if e["type"] == "closing"]
    assert len(closing) == 1  # once
    assert set(closing[0]) == {"type", "t", "planned_end"}
    assert closing[0]["planned_end"] == 300.0 and 0.0 <= closing[0]["t"] < 1.0
    types = [e["type"] for e in events]
    assert types[0] == "started" and types[-1] == "verdict"
    assert types.index("closing") < types.index("final")  # announced as the call clock reached it, not at the end


@pytest.mark.slow
def test_a_replay_is_dated_by_its_recording(testdata, tmp_path: Path) -> None:
    """DESIGN.md: the call's date is the recording's modification time (a live call's is now)."""
    import shutil
    from datetime import datetime

    recording = tmp_path / "call.flac"
    shutil.copy(testdata / "calls" / "itsd-04.flac", recording)
    when = datetime(2025, 3, 4, 9, 30, 15)
    os.utime(recording, (when.timestamp(), when.timestamp()))
    home = tmp_path / "home"
    done = copilot("--data-dir", str(home), "live", "--replay", str(recording), "--speed", "0", "--events")
    assert done.returncode == 0, done.stderr
    started = json.loads(done.stdout.splitlines()[0])
    assert started == {"type": "started", "started_at": "2025-03-04T09:30:15", "source": str(recording.resolve())}
    history = copilot("--data-dir", str(home), "history", "--json")
    [call] = json.loads(history.stdout)["calls"]
    assert call["started_at"] == "2025-03-04T09:30:15"


@pytest.mark.parametrize("args,code,needle", [
    (["--replay", "/nonexistent/call.flac"], 1, "no such file"),
    (["--replay", "x.flac", "--speed", "-1"], 2, "--speed"),
    (["--speed", "2"], 2, "--replay"),
    (["--replay", "x.flac", "--planned-minutes", "4"], 2, "--planned-minutes"),
    (["--replay", "x.flac", "--vertical", "astrology"], 2, "astrology"),
])
def test_bad_input_is_one_line(tmp_path: Path, args: list[str], code: int, needle: str) -> None:
    done = copilot("--data-dir", str(tmp_path), "live", "--no-save", *args, timeout=60)
    assert done.returncode == code
    assert needle in done.stderr and "Traceback" not in done.stderr
