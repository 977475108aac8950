"""Helpers for the store tests: hand-made verdicts, utterances, a stand-in analyze, child-process argv.

Kept out of conftest.py so that test modules import them by a name no other test folder uses (several
folders have a conftest.py; ``from conftest import`` picked whichever came first on sys.path).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from copilot.coach.state import CRITERIA, STAGES, Verdict
from copilot.session.utterance import Utterance

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"  # the suite's own calls (tests/data/README.md)
DEMO = HERE.parents[1] / "assets" / "demo" / "demo_call.json"


def make_verdict(secured: bool | None = None, *, missed: tuple[str, ...] = (), skipped: tuple[str, ...] = (),
                 level: int = 3, reason: str = "because", vertical: str = "sales") -> Verdict:
    """A typed verdict; ``missed`` criteria and ``skipped`` stages are not met."""
    return Verdict.from_json(make_verdict_json(secured, missed=missed, skipped=skipped, level=level, reason=reason,
                                               vertical=vertical))


def make_verdict_json(secured: bool | None = None, *, missed: tuple[str, ...] = (), skipped: tuple[str, ...] = (),
                      level: int = 3, reason: str = "because", vertical: str = "sales") -> dict[str, Any]:
    """The same verdict in DESIGN.md's JSON shape (as an older history or a journal holds it)."""
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
        "vertical": vertical,
    }


def utterances(n: int, prefix: str = "line") -> list[Utterance]:
    return [Utterance("rep" if i % 2 == 0 else "prospect", 2.0 * i, 2.0 * i + 1.5, f"{prefix} {i}") for i in range(n)]


def count_analyze(utts: Any, started_at: Any, vertical: str) -> Verdict:
    """A real (if simple) analyze: the verdict of a call it cannot judge, counting what it was given; its
    ``vertical`` is the one it was asked to judge the call in."""
    return make_verdict(False, missed=("acknowledged",), level=1, reason=f"{len(list(utts))} utterances recovered",
                        vertical=vertical)


def python_child(script: str, *args: str) -> list[str]:
    """argv for running one of this folder's child scripts with this interpreter."""
    return [sys.executable, str(HERE / script), *args]
