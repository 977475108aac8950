"""What the window shows during and after a call, in one object the widgets subscribe to.

The model only stores what the core said (close state, utterances, levels, lag, problems, verdict)
and the call timer; it decides nothing about the close. Updates mark it dirty and one ``changed``
signal goes out at most every ``repaint_ms``, so a burst of events costs one repaint. The clock is
injected so tests can move time without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from copilot.call.events import (
    ClosingMode,
    Finished,
    InviteReady,
    Lag,
    Level,
    Problem,
    Started,
    StateChanged,
    Transcribed,
)
from copilot.coach.state import CloseState, Verdict
from copilot.session.labels import Labels, labels_for
from copilot.session.utterance import Utterance

if TYPE_CHECKING:
    from copilot.ui.bridge import EventBridge


class CallModel(QObject):
    """The state of one call as the window shows it."""

    changed = Signal()  # throttled: something to repaint
    phase_changed = Signal(str)  # "idle" | "live" | "finished"
    closing_mode_changed = Signal(bool)
    problem_raised = Signal(str)
    invite_ready = Signal(object)  # InviteReady: an invite was written for a step just agreed

    phase: str
    started_at: str | None
    source: str
    vertical: str
    state: CloseState | None
    finals: list[Utterance]
    partials: dict[str, Utterance]
    _final_end: dict[str, float]
    levels: dict[str, float]
    lag_s: float | None
    problems: list[str]
    verdict: Verdict | None
    invite: InviteReady | None  # the call's latest invite
    status: str
    _t0: float | None
    _stopped_at: float | None
    _closing: bool

    def __init__(self, parent: QObject | None = None, *, clock: Callable[[], float] = time.monotonic,
                 planned_length_s: float = 30 * 60.0, speed: float = 1.0, repaint_ms: int = 100) -> None:
        super().__init__(parent)
        self._clock = clock
        self.speed = speed
        self.planned_length_s = planned_length_s
        self._clear()
        self._dirty = False
        self._repaint = QTimer(self)
        self._repaint.setSingleShot(True)
        self._repaint.setInterval(repaint_ms)
        self._repaint.timeout.connect(self._emit_changed)

    # --- wiring ---------------------------------------------------------------------------------
    def connect_bridge(self, bridge: EventBridge) -> None:
        """Subscribe to an ``EventBridge``."""
        bridge.started.connect(self.on_started)
        bridge.transcribed.connect(self.on_transcribed)
        bridge.state_changed.connect(self.on_state)
        bridge.level.connect(self.on_level)
        bridge.lag.connect(self.on_lag)
        bridge.problem.connect(self.on_problem)
        bridge.closing.connect(self.on_closing)
        bridge.invite.connect(self.on_invite)
        bridge.finished.connect(self.on_finished)

    # --- the timer ------------------------------------------------------------------------------
    def start_clock(self) -> None:
        """Start the call timer (the pipeline's Started event also does this)."""
        if self._t0 is None:
            self._t0 = self._clock()
            self._stopped_at = None
            self._set_phase("live")
            self.tick()

    def elapsed(self) -> float:
        """Call-clock seconds since the start (frozen once the call has finished)."""
        if self._t0 is None:
            return 0.0
        now = self._stopped_at if self._stopped_at is not None else self._clock()
        return max(0.0, (now - self._t0) * self.speed)

    def remaining(self) -> float:
        return self.planned_length_s - self.elapsed()

    @property
    def labels(self) -> Labels:
        """The words of this call's vertical (the other party's name, the criteria): ``copilot.session.labels``."""
        return labels_for(self.vertical)

    @property
    def closing_mode(self) -> bool:
        return self._closing

    def set_planned_length(self, seconds: float) -> None:
        self.planned_length_s = max(60.0, float(seconds))
        self.tick()

    def tick(self) -> None:
        """Re-read the clock for the timer's display (twice a second, from the window)."""
        self._mark()

    def on_closing(self, event: ClosingMode) -> None:
        """The call service says the call entered its last five minutes (T−5 min before the planned end)."""
        self.planned_length_s = event.planned_end
        self._set_closing(True)

    def _set_closing(self, closing: bool) -> None:
        if closing != self._closing:
            self._closing = closing
            self.closing_mode_changed.emit(closing)
        self._mark()

    # --- events from the core --------------------------------------------------------------------
    def on_started(self, event: Started) -> None:
        self.started_at = event.started_at
        self.source = event.source
        self.vertical = event.vertical
        self.start_clock()

    def on_transcribed(self, event: Transcribed) -> None:
        u = event.utterance
        if u.final:
            self.finals.append(u)
            self.partials.pop(u.speaker, None)
            self._final_end[u.speaker] = max(u.end, self._final_end.get(u.speaker, -1.0))
        elif u.end > self._final_end.get(u.speaker, -1.0):  # a late partial of a line already final is stale
            self.partials[u.speaker] = u
        self._mark()

    def on_state(self, event: StateChanged) -> None:
        self.state = event.state
        self._mark()

    def on_invite(self, event: InviteReady) -> None:
        """The call session wrote the invite for the step just agreed (or its new time)."""
        self.invite = event
        self.invite_ready.emit(event)
        self._mark()

    def on_level(self, event: Level) -> None:
        self.levels[event.speaker] = event.dbfs
        self._mark()

    def on_lag(self, event: Lag) -> None:
        self.lag_s = event.seconds
        self._mark()

    def on_problem(self, event: Problem) -> None:
        self.add_problem(("Bug: " if event.bug else "") + event.message)

    def add_problem(self, message: str) -> None:
        self.problems.append(message)
        self.problem_raised.emit(message)
        self._mark()

    def on_finished(self, event: Finished) -> None:
        self.verdict = event.verdict
        self.vertical = event.verdict.vertical
        self.status = event.status
        self.partials.clear()
        self.levels.clear()  # nothing is listening any more: the meters go quiet
        if self._t0 is not None and self._stopped_at is None:
            self._stopped_at = self._clock()
        self._set_phase("finished")
        self._set_closing(False)

    def reset(self) -> None:
        """Forget the last call, ready for a new one."""
        closing = self._closing
        self._clear()
        if closing:
            self.closing_mode_changed.emit(False)
        self.phase_changed.emit("idle")
        self._mark()

    def _clear(self) -> None:
        self.phase = "idle"
        self.started_at = None
        self.source = ""
        self.vertical = "sales"
        self.state = None
        self.finals = []
        self.partials = {}
        self._final_end = {}
        self.levels = {}
        self.lag_s = None
        self.problems = []
        self.verdict = None
        self.invite = None
        self.status = ""
        self._t0 = None
        self._stopped_at = None
        self._closing = False

    # --- internals -------------------------------------------------------------------------------
    def _set_phase(self, phase: str) -> None:
        if phase != self.phase:
            self.phase = phase
            self.phase_changed.emit(phase)

    def _mark(self) -> None:
        self._dirty = True
        if not self._repaint.isActive():
            self._repaint.start()

    def _emit_changed(self) -> None:
        if self._dirty:
            self._dirty = False
            self.changed.emit()

    def flush(self) -> None:
        """Emit a pending ``changed`` now (tests, screenshots)."""
        self._repaint.stop()
        self._emit_changed()
