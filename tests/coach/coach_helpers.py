"""Helpers for the coach tests: a fixed call date, dialogue builders and ending loaders."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from copilot.session.utterance import Utterance

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
# Endings without started_at: every test resolves times against this Wednesday.
CALL_DATE = datetime(2026, 11, 18, 10, 0, 0)


def utterances(rows: list[dict[str, Any]]) -> list[Utterance]:
    return [Utterance(r["speaker"], float(r["start"]), float(r["end"]), r["text"]) for r in rows]


def say(*lines: str) -> list[Utterance]:
    """Build a dialogue from "R: ..." / "P: ..." lines, half a second apart."""
    out = []
    t = 0.0
    for line in lines:
        who, text = line.split(":", 1)
        speaker = "rep" if who.strip().upper() == "R" else "prospect"
        out.append(Utterance(speaker, t, t + 2.0, text.strip()))
        t += 2.5
    return out


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


