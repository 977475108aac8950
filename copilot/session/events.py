"""The events every stage of a call may publish: text, levels, lag, problems.

Kept here, beside the utterance, so the live pipeline (``copilot.asr``) can publish them without knowing
the coach; the events that carry the coach's results live in ``copilot.call.events``. Only frozen
dataclasses cross thread boundaries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from copilot.session.utterance import Utterance


@dataclass(frozen=True)
class Started:
    """The call started; ``started_at`` is wall-clock ISO 8601 local time; ``vertical`` is the canonical playbook
    name the call is coached with (the window labels the other party by it)."""

    started_at: str
    source: str
    vertical: str = "sales"


@dataclass(frozen=True)
class Transcribed:
    """Text became available: ``utterance.final`` tells a final from a partial.

    ``emitted_at`` is the call-clock time (seconds) at which the text became available.
    """

    utterance: Utterance
    emitted_at: float


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
    """An environment problem (device gone, disk full); the call goes on unless ``fatal``.

    ``bug`` marks a programming error caught at a stage boundary: logged with its traceback and shown as a
    bug, never swallowed.
    """

    message: str
    fatal: bool = False
    bug: bool = False


SignalEvent = Started | Transcribed | Level | Lag | Problem
SignalSink = Callable[[SignalEvent], None]
