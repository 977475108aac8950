"""Everything a call publishes, as plain frozen events: the CLI prints them, the UI bridge turns them into signals.

The text, level, lag and problem events come from ``copilot.session.events`` (the live pipeline publishes
them); the ones that carry the coach's results are defined here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
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
class InviteReady:
    """The invite for a step agreed with a time is written, while the call is still on (Lock: "I'm sending the
    invite now"); published again when the agreed time changes. ``t``: the call-clock second it was written."""

    t: float
    path: Path  # the .ics file
    start: date  # the agreed time (a naive datetime: local floating time; a date: all day)
    minutes: int
    summary: str  # the invite's title, e.g. "Live demo with you and Marcus"
    attendees: tuple[str, ...] = ()
    uid: str = ""
    sequence: int = 0  # 0 for the first invite of a step, then 1, 2 … each time its time changes

    def describe(self) -> str:
        """ "Tuesday 8 Dec, 14:00–14:45": what the window's offer and the CLI say."""
        from copilot.export.invite import describe_span

        return describe_span(self.start, self.end)

    @property
    def end(self) -> date:
        return self.start + (timedelta(minutes=self.minutes) if isinstance(self.start, datetime) else timedelta(days=1))


@dataclass(frozen=True)
class Finished:
    """The call ended; ``verdict`` is typed (``verdict.to_json()`` is DESIGN.md's object, for the edges)."""

    verdict: Verdict
    status: str = "complete"


Event = Union[Started, Transcribed, StateChanged, Level, Lag, Problem, ClosingMode, InviteReady, Finished]
EventSink = Callable[[Event], None]

__all__ = ["ClosingMode", "Event", "EventSink", "Finished", "InviteReady", "Lag", "Level", "Problem", "Started",
           "StateChanged", "Transcribed"]
