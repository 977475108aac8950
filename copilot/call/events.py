"""Everything a call publishes, as plain frozen events: the CLI prints them, the UI bridge turns them into signals.

The text, level, lag and problem events come from ``copilot.session.events`` (the live pipeline publishes
them); the ones that carry the coach's results are defined here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Union

from copilot.coach.state import CloseState, Verdict
from copilot.session.events import Lag, Level, Problem, Started, Transcribed


@dataclass(frozen=True)
class StateChanged:
    """The close checklist changed after a final utterance."""

    state: CloseState
    t: float


@dataclass(frozen=True)
class ClosingMode:
    """The call entered the method's last five minutes before its planned end (call-clock seconds)."""

    t: float
    planned_end: float


@dataclass(frozen=True)
class Finished:
    """The call ended; ``verdict`` is typed (``verdict.to_json()`` is DESIGN.md's object, for the edges)."""

    verdict: Verdict
    status: str = "complete"


Event = Union[Started, Transcribed, StateChanged, Level, Lag, Problem, ClosingMode, Finished]
EventSink = Callable[[Event], None]

__all__ = ["ClosingMode", "Event", "EventSink", "Finished", "Lag", "Level", "Problem", "Started", "StateChanged",
           "Transcribed"]
