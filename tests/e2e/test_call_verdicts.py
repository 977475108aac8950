"""The issue's end-to-end bar: the verdict from the audio equals the verdict from the true text on ≥19 of 20 calls."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _bench():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "e2e_verdicts.py"
    spec = importlib.util.spec_from_file_location("e2e_verdicts", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_audio_verdicts_match_text_verdicts(transcriber, shared_dir) -> None:
    rows = _bench().compare_calls(transcriber)
    assert len(rows) == 20
    assert sum(r["text"] == r["audio"] for r in rows) >= 19, rows
    assert sum(r["text"] == r["label"] for r in rows) >= 19, rows
