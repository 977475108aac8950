"""``copilot demo``: the bundled call through the live pipeline into the window, to its verdict."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from copilot.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_demo_asset_is_a_small_stereo_call_with_labels():
    import soundfile as sf

    flac = REPO / "assets" / "demo" / "demo_call.flac"
    info = sf.info(str(flac))
    assert (info.samplerate, info.channels) == (16_000, 2)
    assert 180 <= info.duration <= 240
    assert flac.stat().st_size < 4_000_000
    dialogue = json.loads((REPO / "assets" / "demo" / "demo_call.json").read_text())
    assert dialogue["labels"]["next_steps_secured"] is True
    assert dialogue["utterances"][-1]["end"] <= info.duration


def test_demo_rejects_a_bad_speed(capsys):
    assert main(["demo", "--speed", "0"]) == 2
    assert "--speed" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_runs_to_its_end_and_leaves_the_verdict_and_exports(tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COPILOT_HOME=str(tmp_path / "home"))
    done = subprocess.run([sys.executable, "-m", "copilot", "demo", "--speed", "8", "--exit-at-end", "--out", str(out)],
                          check=False, env=env, cwd=REPO, capture_output=True, text=True, timeout=420)
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("transcript.txt", "transcript.json", "verdict.json", "verdict.md", "verdict.pdf", "recap.eml",
                 "next_step.ics"):
        assert (out / name).is_file(), name
    verdict = json.loads((out / "verdict.json").read_text())
    assert verdict["next_steps_secured"] is True, verdict["reason"]
    assert verdict["commitment_level"] >= 4  # 5 in the labels; an ASR slip on "invite" costs one level
    assert all(stage["met"] for stage in verdict["stages"].values()), verdict["stages"]
    when = datetime.fromisoformat(verdict["next_step"]["when"])
    assert (when.weekday(), when.hour) == (1, 14)  # Tuesday at 2pm (no locale involved)
    speakers = {u["speaker"] for u in verdict["utterances"]}
    assert speakers == {"rep", "prospect"} and len(verdict["utterances"]) >= 20

    from copilot.store import Store

    with Store.open(tmp_path / "home") as store:
        [call] = store.list_calls()
    assert call.source == "demo" and call.status == "complete" and call.next_steps_secured
