"""The call in progress: final utterances in; journal, coach and events out.

Every pipeline (file analysis, live capture, the demo replay, the app) goes through this one object,
so there is exactly one place where a final utterance is made durable before it is shown.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any, Protocol

from copilot.coach import Coach
from copilot.coach.state import CloseState
from copilot.errors import OutputError
from copilot.session.events import EventSink, Finished, Problem, StateChanged, Transcribed
from copilot.session.utterance import Utterance

log = logging.getLogger(__name__)


class Journal(Protocol):
    """Durable storage for the call in progress (``copilot.store`` provides the real one)."""

    def append(self, utterance: Utterance) -> None:
        """Write one final utterance durably; raise OutputError when the disk refuses."""

    def finish(self, verdict: dict[str, Any], status: str) -> None:
        """Record the verdict and close the call."""


class CallSession:
    """Feeds final utterances to the coach, journals them first, and publishes events.

    Thread-safe: the transcriber worker calls ``add``; the UI thread may call ``finish``.
    """

    def __init__(self, coach: Coach, on_event: EventSink | None = None, journal: Journal | None = None) -> None:
        self._coach = coach
        self._emit = on_event or (lambda event: None)
        self._journal = journal
        self._journal_failed = False
        self._lock = threading.Lock()
        self._utterances: list[Utterance] = []
        self._finished: dict[str, Any] | None = None

    @property
    def utterances(self) -> tuple[Utterance, ...]:
        with self._lock:
            return tuple(self._utterances)

    @property
    def state(self) -> CloseState:
        with self._lock:
            return self._coach.state

    def partial(self, utterance: Utterance, emitted_at: float) -> None:
        """Interim text: shown, never stored."""
        self._emit(Transcribed(utterance, emitted_at))

    def add(self, utterance: Utterance, emitted_at: float) -> CloseState:
        """A final utterance: journal it, then show it, then update the coach."""
        with self._lock:
            if self._finished is not None:
                raise RuntimeError("the call has already finished")
            self._write_journal(utterance)
            self._utterances.append(utterance)
            before = self._coach.state
            state = self._coach.feed(utterance)
        self._emit(Transcribed(utterance, emitted_at))
        if state != before:
            self._emit(StateChanged(state, emitted_at))
        return state

    def finish(self, status: str = "complete") -> dict[str, Any]:
        """End the call once: compute the verdict, close the journal, publish it."""
        with self._lock:
            if self._finished is None:
                self._finished = self._coach.verdict()
                if self._journal is not None:
                    # Even after a failed append: the journal then saves the whole call from the verdict.
                    try:
                        self._journal.finish(self._finished, status)
                    except OutputError as exc:
                        self._report(str(exc))
            verdict = self._finished
        self._emit(Finished(verdict, status))
        return verdict

    def _write_journal(self, utterance: Utterance) -> None:
        if self._journal is None or self._journal_failed:
            return
        try:
            self._journal.append(utterance)
        except OutputError as exc:
            # A full disk must not stop the call: keep going in memory and say so once.
            self._journal_failed = True
            self._report(f"{exc}; the call goes on in memory — export it before closing")

    def _report(self, message: str) -> None:
        log.warning(message)
        self._emit(Problem(message))


def call_date_now() -> datetime:
    """The call's date for a live call: now, local time, to the second."""
    return datetime.now().replace(microsecond=0)
