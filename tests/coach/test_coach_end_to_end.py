"""End to end: the verdict from a recorded call's audio equals the verdict from its true text.

The recordings are the suite's own (``tests/data``): four two-channel calls and one with the rep on loudspeakers
(the other party's voice leaks into the microphone). Each goes through what ``copilot analyze FILE`` does — the
bundled speech model, the echo gate and segmenter, then the coach — so it is slow and marked as such. The same
comparison over the twenty shared calls is ``benchmarks/e2e_verdicts.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from coach_helpers import CALL_DATE, REPO, utterances

from copilot.call import CallService, build_config
from copilot.coach import analyze

DATA = REPO / "tests" / "data"
CALLS = sorted((DATA / "calls").glob("*-0*.flac")) + sorted((DATA / "calls_speakers").glob("*.flac"))


@pytest.mark.slow
def test_audio_verdicts_match_the_true_text_verdicts(tmp_path: Path) -> None:
    """At most one of the five may differ: speech recognition mishears a word now and then ("will do" as
    "what did?"), and a verdict can hang on that word."""
    service = CallService(build_config(data_dir=tmp_path, save=False, cpu_threads=2))
    differ = []
    for flac in CALLS:
        truth = json.loads(flac.with_suffix(".json").read_text(encoding="utf-8"))
        vertical = truth.get("vertical") or "sales"
        heard = service.analyze(service.read_call(flac), source=str(flac), started_at=CALL_DATE, vertical=vertical)
        from_text = analyze(utterances(truth["utterances"]), CALL_DATE, vertical=vertical).to_json()
        criteria = ("specific_action", "specific_time_or_trigger", "acknowledged")
        if heard.verdict.next_steps_secured != from_text["next_steps_secured"] or any(
                heard.verdict.criteria[c].met != from_text["criteria"][c]["met"] for c in criteria):
            differ.append((flac.stem, [u.text for u in heard.transcript.utterances]))
    assert len(CALLS) == 5
    assert len(differ) <= 1, differ


@pytest.mark.slow
def test_the_command_line_prints_the_same_verdict(tmp_path: Path) -> None:
    flac = DATA / "calls" / "itsd-04.flac"
    env = {**os.environ, "COPILOT_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "copilot", "analyze", str(flac), "--json", "--no-save",
                          "--vertical", "it_service_desk", "--started-at", CALL_DATE.isoformat()],
                         capture_output=True, text=True, env=env, timeout=600, check=False)
    assert out.returncode == 0, out.stderr
    printed = json.loads(out.stdout)
    again = analyze(utterances(printed["utterances"]), CALL_DATE, vertical="it_service_desk").to_json()
    assert printed["next_steps_secured"] == again["next_steps_secured"]
    assert printed["criteria"] == again["criteria"]
