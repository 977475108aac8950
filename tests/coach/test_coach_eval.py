"""Accuracy on the labelled endings, also after degrading them to raw speech-recognition style.

The issue's targets are checked on ../shared/eval/endings.jsonl as written, and again after a transform
that lowercases, strips punctuation, writes small numbers as words and inserts fillers (several random
seeds), plus on a separate set of endings written fresh for these tests in ASR style.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from coach_helpers import CALL_DATE, REPO, SHARED, utterances

from copilot.coach import analyze

sys.path.insert(0, str(REPO / "benchmarks"))
from eval_coach import degrade, degrade_heavy, score

TARGETS = {"next_steps_secured": 0.95, "criterion": 0.92, "stages_macro_f1": 0.85, "commitment_exact": 0.80,
           "objection_f1": 0.80}


def check(r: dict[str, Any], slack: float = 0.0) -> None:
    assert r["next_steps_secured"] >= TARGETS["next_steps_secured"] - slack, r
    for name, acc in r["criteria"].items():
        assert acc >= TARGETS["criterion"] - slack, (name, r)
    assert r["stages_macro_f1"] >= TARGETS["stages_macro_f1"] - slack, r
    assert r["commitment_exact"] >= TARGETS["commitment_exact"] - slack, r
    assert r["objection_f1"] >= TARGETS["objection_f1"] - slack, r


def test_targets_on_the_shared_endings(endings: list[dict[str, Any]]) -> None:
    check(score(endings))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_targets_hold_on_asr_degraded_endings(endings: list[dict[str, Any]], seed: int) -> None:
    import random

    degraded = []
    for e in endings:
        rng = random.Random(f"{e['id']}/{seed}")
        degraded.append({**e, "utterances": [{**u, "text": degrade(u["text"], rng)} for u in e["utterances"]]})
    check(score(degraded))


def test_targets_hold_when_sentences_are_split_and_homophones_swapped(endings: list[dict[str, Any]],
                                                                     own_endings: list[dict[str, Any]]) -> None:
    import random

    for rows in (endings, own_endings):
        heavy = [degrade_heavy(e, random.Random(f"{e['id']}/heavy")) for e in rows]
        r = score(heavy)
        # utterance indices shift when sentences are split, so objections are not compared here
        assert r["next_steps_secured"] >= TARGETS["next_steps_secured"], r
        for name, acc in r["criteria"].items():
            assert acc >= TARGETS["criterion"], (name, r)
        assert r["commitment_exact"] >= TARGETS["commitment_exact"], r
        assert r["stages_macro_f1"] >= TARGETS["stages_macro_f1"], r


def test_degrade_really_degrades() -> None:
    import random

    out = degrade("Tuesday at 2 p.m. works, I'll send it.", random.Random(3))
    assert out == out.lower() and "," not in out and "." not in out and "two" in out


def test_fresh_asr_style_endings(own_endings: list[dict[str, Any]]) -> None:
    assert len(own_endings) >= 20
    check(score(own_endings))


def test_the_twenty_rendered_calls_match_their_labels() -> None:
    calls = sorted((SHARED / "calls").glob("*.json")) if (SHARED / "calls").is_dir() else []
    if not calls:
        pytest.skip("../shared/calls is not available")
    import json

    checked = 0
    for path in calls:
        data = json.loads(path.read_text(encoding="utf-8"))
        labels = data.get("labels")
        if not labels:
            continue
        v = analyze(utterances(data["utterances"]), CALL_DATE, vertical=data.get("vertical") or "sales")
        assert v["next_steps_secured"] == labels["next_steps_secured"], path.name
        assert {k: v["criteria"][k]["met"] for k in labels["criteria"]} == labels["criteria"], path.name
        checked += 1
    assert checked == 20


def test_long_call_stays_fast_and_sane() -> None:
    path = SHARED / "calls" / "long_call.json"
    if not path.is_file():
        pytest.skip("../shared/calls/long_call.json is not available")
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    v = analyze(utterances(data["utterances"]), CALL_DATE)
    assert len(v["utterances"]) == len(data["utterances"])
    json.dumps(v)


def test_shared_endings_locate_relative_to_the_repo() -> None:
    assert SHARED == (Path(__file__).resolve().parents[2] / ".." / "shared").resolve()
