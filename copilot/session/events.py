"""Plain events the live call publishes; the CLI prints them as JSON Lines, the UI bridge turns them into Qt signals.

Only frozen dataclasses cross thread boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Union

from copilot.coach.state import CloseState
from copilot.session.utterance import Utterance


@dataclass(frozen=True)
class Started:
    """The call started; ``started_at`` is wall-clock ISO 8601 local time."""

    started_at: str
    source: str


@dataclass(frozen=True)
class Transcribed:
    """Text became available: ``utterance.final`` tells a final from a partial.

    ``emitted_at`` is the call-clock time (seconds) at which the text became available.
    """

    utterance: Utterance
    emitted_at: float


@dataclass(frozen=True)
class StateChanged:
    """The close checklist changed after a final utterance."""

    state: CloseState
    t: float


@dataclass(frozen=True)
class Level:
    """Audio level of one source (``speaker`` rep/prospect), dBFS, for the meters."""

    speaker: str
    dbfs: float
    t: float


@dataclass(frozen=True)
class Lag:
    """How far the transcriber is behind the audio, in seconds (the lag indicator)."""

    seconds: float
    t: float


@dataclass(frozen=True)
class Problem:
    """An environment problem (device gone, disk full); the call goes on unless ``fatal``."""

    message: str
    fatal: bool = False


@dataclass(frozen=True)
class Finished:
    """The call ended; ``verdict`` is the DESIGN.md verdict object."""

    verdict: dict[str, Any]
    status: str = "complete"


Event = Union[Started, Transcribed, StateChanged, Level, Lag, Problem, Finished]
EventSink = Callable[[Event], None]
