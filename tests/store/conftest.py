"""Fixtures for the store tests: a private data folder, hand-made verdicts, and a stand-in analyze."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest

from copilot.coach.state import CRITERIA, STAGES
from copilot.session.utterance import Utterance

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / ".." / "shared"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A data folder that does not exist yet (the store must create it)."""
    return tmp_path / "home"


def make_verdict(secured: bool | None = None, *, missed: tuple[str, ...] = (), skipped: tuple[str, ...] = (),
                 level: int = 3, reason: str = "because") -> dict[str, Any]:
    """A verdict in the DESIGN.md shape; ``missed`` criteria and ``skipped`` stages are not met."""
    if secured is None:
        secured = not missed
    return {
        "next_steps_secured": secured,
        "reason": reason,
        "criteria": {name: {"met": name not in missed, "evidence": []} for name in CRITERIA},
        "stages": {name: {"met": name not in skipped, "evidence": []} for name in STAGES},
        "next_step": {"action": "demo with your VP", "when": "2026-11-24T14:00:00", "trigger": None,
                      "agreed_by": ["rep", "prospect"], "evidence": []},
        "commitment_level": level,
        "weak_next_steps": [],
        "objections": [],
        "coaching": [{"t": 12.5, "category": "Control", "message": "Confirm the time.", "try": "Does 2pm work?"}],
    }


def utterances(n: int, prefix: str = "line") -> list[Utterance]:
    return [Utterance("rep" if i % 2 == 0 else "prospect", 2.0 * i, 2.0 * i + 1.5, f"{prefix} {i}") for i in range(n)]


def count_analyze(utts: Any, started_at: Any, vertical: str) -> dict[str, Any]:
    """A real (if simple) analyze: the verdict of a call it cannot judge, counting what it was given."""
    v = make_verdict(False, missed=("acknowledged",), level=1, reason=f"{len(list(utts))} utterances recovered")
    v["vertical_seen"] = vertical
    return v


def python_child(script: str, *args: str) -> list[str]:
    """argv for running one of this folder's child scripts with this interpreter."""
    return [sys.executable, str(HERE / script), *args]


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """Mount a 64 KiB tmpfs (root only); yields a function mounting it on a given folder."""
    mounted: list[Path] = []

    def mount(where: Path, size: str = "64k") -> Path:
        where.mkdir(parents=True, exist_ok=True)
        if os.name != "posix" or not shutil.which("mount"):
            pytest.skip("needs mount")
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", f"copilot-{uuid.uuid4().hex[:6]}",
                                 str(where)], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        subprocess.run(["umount", "-l", str(where)], check=False)
