"""End to end: the verdict from each rendered call's audio equals the verdict from its true text (>= 19 of 20).

Runs the real pipeline (``copilot analyze FILE.flac --json``: the bundled speech model, the segmenter,
then the coach), so it is slow and marked as such.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from coach_helpers import CALL_DATE, SHARED, utterances

from copilot.coach import analyze


def _labelled_calls() -> list[Path]:
    calls = SHARED / "calls"
    if not calls.is_dir():
        return []
    return [p for p in sorted(calls.glob("*.flac"))
            if json.loads(p.with_suffix(".json").read_text(encoding="utf-8")).get("labels")]


@pytest.mark.slow
def test_audio_verdicts_match_true_text_verdicts(tmp_path: Path) -> None:
    calls = _labelled_calls()
    if len(calls) < 20:
        pytest.skip("../shared/calls with 20 labelled recordings is not available")
    env = {**os.environ, "COPILOT_HOME": str(tmp_path)}
    same = 0
    misses = []
    for flac in calls:
        truth = json.loads(flac.with_suffix(".json").read_text(encoding="utf-8"))
        vertical = truth.get("vertical") or "sales"
        out = subprocess.run([sys.executable, "-m", "copilot", "analyze", str(flac), "--json", "--no-save",
                              "--vertical", vertical], capture_output=True, text=True, env=env, timeout=600, check=False)
        assert out.returncode == 0, out.stderr
        heard = json.loads(out.stdout)
        # the audio path resolves times against the file's date; the verdict itself does not depend on it
        from_audio = analyze(utterances(heard["utterances"]), CALL_DATE, vertical=vertical)
        from_text = analyze(utterances(truth["utterances"]), CALL_DATE, vertical=vertical)
        assert heard["next_steps_secured"] == from_audio["next_steps_secured"]
        if from_audio["next_steps_secured"] == from_text["next_steps_secured"]:
            same += 1
        else:
            misses.append(flac.name)
    assert same >= 19, misses
