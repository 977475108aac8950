"""Settings → "Start when a call starts": the window offers to start, or starts, a call when another application
(Zoom, Teams, a browser tab, a softphone) starts recording from the microphone, and stops it when that ends.

The watcher lives in the core (``copilot.call.mic``) and calls back on its own thread; ``MicRelay`` carries its
frozen events to the GUI thread as a queued Qt signal, as ``EventBridge`` does for a call's events. ``AutoStart``
decides; the window only exposes what it already does (start, stop, say so). Rules:

- "ask": a non-modal bar — "Zoom is using the microphone — start listening?" [Start] [Not now]; it goes away by
  itself when that recording ends.
- "start": the call starts at once and the bar says why.
- A call started from the offer or by itself stops (with its verdict, as a manual stop) when the recording that
  started it ends. A call the user started with the Start button is never stopped by the watcher, and while any
  call runs, other recordings are ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from copilot.call.mic import MicEvent, MicInUse, MicReleased, MicWatchStopped, OnMicEvent, watch_microphone
from copilot.errors import CopilotError

log = logging.getLogger(__name__)

BAR_STYLE = """
#autoStart { background: #e3f0fc; border: 1px solid #5b9bd5; border-radius: 6px; }
#autoStart QLabel { font-size: 15px; }
#autoStartGo { font-weight: 700; background: #1b7a34; color: white; border-radius: 5px; padding: 5px 14px; }
"""


class Watch(Protocol):
    """A running microphone watcher (``copilot.call.mic.MicWatcher``)."""

    def stop(self, timeout: float = ...) -> None: ...


StartWatch = Callable[[OnMicEvent], Watch]


class AutoStartWindow(Protocol):
    """What auto-start needs of the main window (``copilot.ui.window.MainWindow``)."""

    @property
    def in_call(self) -> bool: ...

    @property
    def phase(self) -> str: ...

    def start_call(self) -> bool: ...

    def stop_call(self) -> None: ...

    def new_call(self) -> None: ...

    def show_message(self, text: str) -> None: ...

    def show_problem(self, text: str) -> None: ...


class MicRelay(QObject):
    """Receives watcher events on the watcher's thread; re-emits each on the GUI thread (the relay lives there)."""

    received = Signal(object)  # MicEvent

    def publish(self, event: MicEvent) -> None:
        self.received.emit(event)


class AutoStartBar(QFrame):
    """The offer ("… start listening?" Start / Not now), or a note on why a call started by itself."""

    accepted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("autoStart")
        self.setStyleSheet(BAR_STYLE)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.start = QPushButton("Start")
        self.start.setObjectName("autoStartGo")
        self.start.clicked.connect(self._accept)
        self.dismiss = QPushButton("Not now")
        self.dismiss.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 10, 6)
        row.addWidget(self.text, 1)
        row.addWidget(self.start)
        row.addWidget(self.dismiss)
        self.setVisible(False)

    def offer(self, app: str) -> None:
        self.text.setText(f"{app} is using the microphone — start listening?")
        self.start.setVisible(True)
        self.dismiss.setText("Not now")
        self.setVisible(True)

    def note(self, text: str) -> None:
        self.text.setText(text)
        self.start.setVisible(False)
        self.dismiss.setText("OK")
        self.setVisible(True)

    @property
    def offering(self) -> bool:
        return self.isVisible() and self.start.isVisible()

    def _accept(self) -> None:
        self.hide()
        self.accepted.emit()


class AutoStart(QObject):
    """Runs the watcher while the setting is "ask" or "start", and acts on its events (GUI thread only)."""

    def __init__(self, window: AutoStartWindow, bar: AutoStartBar, mode: str = "off",
                 watch: StartWatch = watch_microphone, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.bar = bar
        self.mode = "off"
        self._watch = watch
        self._watcher: Watch | None = None
        self._relay = MicRelay(self)
        self._relay.received.connect(self.handle)
        self._offered: MicInUse | None = None  # the recording the bar offers to listen to
        self.tied_to: MicInUse | None = None  # the recording whose end ends the current call
        self.bar.accepted.connect(self._accept_offer)
        self.set_mode(mode)

    @property
    def watching(self) -> bool:
        return self._watcher is not None

    def set_mode(self, mode: str) -> None:
        """"off", "ask" or "start" (Settings); the watcher runs only when it is not off."""
        self.mode = mode if mode in ("ask", "start") else "off"
        if self.mode == "off":
            self.close()
        elif self._watcher is None:
            try:
                self._watcher = self._watch(self._relay.publish)
            except CopilotError as exc:
                self.window.show_problem(f"{exc} — the app goes on without starting calls by itself")

    def close(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.stop()
        if self.bar.offering:
            self.bar.hide()
        self._offered = None

    def call_ended(self) -> None:
        """The call finished (by itself, by hand, or because its recording ended): nothing is tied to it now."""
        self.tied_to = None

    def handle(self, event: MicEvent) -> None:
        if isinstance(event, MicWatchStopped):
            self._watcher = None
            self.window.show_problem(f"{event.reason} — calls no longer start by themselves")
        elif isinstance(event, MicInUse):
            self._in_use(event)
        elif isinstance(event, MicReleased):
            self._released(event)

    def _in_use(self, event: MicInUse) -> None:
        if self.mode == "off" or self.window.in_call:
            return  # a call is on already (started by hand or by another recording): leave it be
        log.info("%s started recording from the microphone (auto-start: %s)", event.app, self.mode)
        if self.mode == "ask":
            self._offered = event
            self.bar.offer(event.app)
        else:
            self._start(event, f"Listening: {event.app} is using the microphone. The call ends when {event.app} "
                               "stops recording, or when you press Stop.")

    def _accept_offer(self) -> None:
        offered, self._offered = self._offered, None
        if offered is not None and not self.window.in_call:
            self._start(offered, f"Listening while {offered.app} uses the microphone; the call ends when it stops.")

    def _start(self, event: MicInUse, why: str) -> None:
        if self.window.phase == "finished":
            self.window.new_call()  # the last call is in the history; a new one begins
        if self.window.start_call():
            self.tied_to = event
            self.bar.note(why)

    def _released(self, event: MicReleased) -> None:
        if self._offered is not None and self._offered.key == event.key:
            self._offered = None
            self.bar.hide()
        if self.tied_to is None or self.tied_to.key != event.key:
            return
        self.tied_to = None
        log.info("%s stopped recording: ending the call it started", event.app)
        self.bar.note(f"{event.app} stopped using the microphone, so the call ended.")
        self.window.stop_call()
