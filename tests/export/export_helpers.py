"""Helpers for the export tests: a verdict read from its JSON, or a typed one with a part changed.

Kept out of conftest.py so that test modules import them by a name no other test folder uses.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from copilot.coach.state import Verdict


def typed(data: dict[str, Any]) -> Verdict:
    """A verdict read from its JSON, as the history reads one back."""
    return Verdict.from_json(data)


def with_state(verdict: Verdict, **changes: Any) -> Verdict:
    """The same verdict with some of its close state changed (``commitment_level=5``, ``coaching=(…)``)."""
    return replace(verdict, state=replace(verdict.state, **changes))


def with_step(verdict: Verdict, **changes: Any) -> Verdict:
    """The same verdict with its next step changed (``when=None``, ``trigger="…"``)."""
    assert verdict.next_step is not None
    return with_state(verdict, next_step=replace(verdict.next_step, **changes))
