"""The one place where core callbacks become Qt signals.

The live pipeline publishes events from its worker threads. ``EventBridge.publish`` is the
``EventSink`` handed to it: it may be called from any thread, and each event is re-emitted as a Qt
signal that arrives on the GUI thread (the bridge lives there, so the connection is queued).
Audio levels and the lag arrive many times a second; only the latest of each is kept and flushed on
a GUI-thread timer, so the window repaints meters at a steady rate instead of once per audio block.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer, Signal

from copilot.call.events import (
    ClosingMode,
    Event,
    Finished,
    InviteReady,
    Lag,
    Level,
    Problem,
    Started,
    StateChanged,
    Transcribed,
)

log = logging.getLogger(__name__)


class EventBridge(QObject):
    """Receives core events from any thread; emits one Qt signal per event on the GUI thread."""

    started = Signal(object)  # Started
    transcribed = Signal(object)  # Transcribed
    state_changed = Signal(object)  # StateChanged
    level = Signal(object)  # Level (coalesced)
    lag = Signal(object)  # Lag (coalesced)
    problem = Signal(object)  # Problem
    closing = Signal(object)  # ClosingMode
    invite = Signal(object)  # InviteReady
    finished = Signal(object)  # Finished

    def __init__(self, parent: QObject | None = None, meter_interval_ms: int = 66) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._levels: dict[str, Level] = {}
        self._lag: Lag | None = None
        self._signals = {
            Started: self.started,
            Transcribed: self.transcribed,
            StateChanged: self.state_changed,
            Problem: self.problem,
            ClosingMode: self.closing,
            InviteReady: self.invite,
            Finished: self.finished,
        }
        self._timer = QTimer(self)
        self._timer.setInterval(meter_interval_ms)
        self._timer.timeout.connect(self.flush_meters)
        self._timer.start()

    def publish(self, event: Event) -> None:
        """The ``EventSink``: safe to call from any thread."""
        if isinstance(event, Level):
            with self._lock:
                self._levels[event.speaker] = event
            return
        if isinstance(event, Lag):
            with self._lock:
                self._lag = event
            return
        signal = self._signals.get(type(event))
        if signal is None:
            log.debug("ignoring unknown event %r", event)
            return
        if isinstance(event, Finished):
            self.flush_meters()  # the last meter values belong before the end of the call
        signal.emit(event)

    __call__ = publish

    def flush_meters(self) -> None:
        """Emit the latest level per source and the latest lag, if any arrived since the last flush."""
        with self._lock:
            levels, self._levels = list(self._levels.values()), {}
            lag, self._lag = self._lag, None
        for event in levels:
            self.level.emit(event)
        if lag is not None:
            self.lag.emit(lag)
