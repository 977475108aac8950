"""Predict the coach's verdicts on labelled endings, one JSON object per ending, with whatever ``copilot`` is importable.

Why a separate script: the ablation in ``eval_coach.py --baseline REV`` runs the coach of an older revision
(checked out in a temporary git worktree) on the same endings. This script imports ``copilot`` from
``PYTHONPATH`` only, so the same file serves the current code and any older revision, old API or new.

Usage::

    PYTHONPATH=SOMEWHERE python benchmarks/coach_predict.py ENDINGS.jsonl [ENDINGS.jsonl ...] > predictions.jsonl
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

DEFAULT_CALL_DATE = datetime(2026, 11, 18, 10, 0, 0)  # endings without started_at: a fixed Wednesday


def call_date(ending: dict[str, Any]) -> datetime:
    raw = ending.get("started_at")
    return datetime.fromisoformat(raw) if isinstance(raw, str) else DEFAULT_CALL_DATE


def verdict_json(ending: dict[str, Any]) -> dict[str, Any]:
    """The verdict as DESIGN.md's JSON, from the coach's public ``analyze``."""
    from copilot.coach import analyze
    from copilot.session.utterance import Utterance

    utts = [Utterance(u["speaker"], float(u["start"]), float(u["end"]), u["text"]) for u in ending["utterances"]]
    v = analyze(utts, call_date(ending), vertical=ending.get("vertical") or "sales")
    return v if isinstance(v, dict) else v.to_json()  # the typed verdict of later revisions


def prediction(ending: dict[str, Any]) -> dict[str, Any]:
    """The fields the evaluation scores, taken from the verdict JSON."""
    v = verdict_json(ending)
    return {
        "id": ending.get("id"),
        "next_steps_secured": v["next_steps_secured"],
        "criteria": {k: c["met"] for k, c in v["criteria"].items()},
        "time_kind": v["criteria"]["specific_time_or_trigger"].get("kind"),
        "stages": {k: s["met"] for k, s in v["stages"].items()},
        "commitment_level": v["commitment_level"],
        "when": (v.get("next_step") or {}).get("when"),
        "objections": [{"utt": o["utterance"], "type": o["type"]} for o in v["objections"]],
        "weak_next_steps": [w["utterance"] for w in v["weak_next_steps"]],
        "reason": v.get("reason"),
    }


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    for name in argv:
        for line in Path(name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                sys.stdout.write(json.dumps(prediction(json.loads(line)), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
