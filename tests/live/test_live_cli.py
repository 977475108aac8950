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
def test_events_stream_and_exports(shared_dir, tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "out"
    done = copilot("--data-dir", str(home), "live", "--replay", str(shared_dir / "calls" / "itsd-04.flac"),
                   "--speed", "0", "--events", "--out", str(out), "--vertical", "it_service_desk")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert events[0]["type"] == "started"
    assert events[-1]["type"] == "verdict" and "next_steps_secured" in events[-1] and "criteria" in events[-1]
    assert [e for e in events if e["type"] == "state"]
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
def test_readable_transcript_and_no_save(shared_dir, tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = copilot("--data-dir", str(home), "live", "--replay", str(shared_dir / "calls" / "itsd-04.flac"),
                   "--speed", "0", "--no-save")
    assert done.returncode == 0, done.stderr
    assert "Rep:" in done.stdout and "Them:" in done.stdout and "next step" in done.stdout.lower()
    assert not list(home.rglob("*.jsonl")) if home.exists() else True


@pytest.mark.parametrize("args,code,needle", [
    (["--replay", "/nonexistent/call.flac"], 1, "no such file"),
    (["--replay", "x.flac", "--speed", "-1"], 2, "--speed"),
    (["--speed", "2"], 2, "--replay"),
])
def test_bad_input_is_one_line(tmp_path: Path, args: list[str], code: int, needle: str) -> None:
    done = copilot("--data-dir", str(tmp_path), "live", "--no-save", *args, timeout=60)
    assert done.returncode == code
    assert needle in done.stderr and "Traceback" not in done.stderr
