"""The main window: the live checklist beside the call, the summary after it, and a compact mode.

It composes the widgets, forwards Start/Stop to whatever starts a call (the live pipeline, or the
demo replay: injected as ``start_call``), and repaints from the ``CallModel`` when it says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from copilot.call import RecoveredCall
from copilot.call.events import EventSink, InviteReady
from copilot.call.settings import AppSettings
from copilot.errors import CopilotError
from copilot.session.clock import call_clock
from copilot.session.labels import Labels, labels_for
from copilot.ui.bridge import EventBridge
from copilot.ui.checklist import (
    CommitmentLadder,
    CriteriaPanel,
    NextStepLine,
    StagesRow,
)
from copilot.ui.live_views import (
    CoachingList,
    MetersPanel,
    PromptLine,
    TimerBar,
    TranscriptView,
)
from copilot.ui.invite_offer import InviteOfferBar
from copilot.ui.jobs import Jobs
from copilot.ui.model import CallModel
from copilot.ui.signals_view import SignalsView
from copilot.ui.style import STYLE
from copilot.ui.summary import SummaryView

log = logging.getLogger(__name__)


class CallHandle(Protocol):
    """A running call (``copilot.call.RunningCall``); ``stop`` ends it and the call then publishes ``Finished``."""

    def stop(self) -> None: ...


StartCall = Callable[[EventSink], CallHandle]


def _title(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


class LivePage(QWidget):
    """Everything shown during the call at full size."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.prompt = PromptLine()
        self.stages = StagesRow()
        self.criteria = CriteriaPanel()
        self.ladder = CommitmentLadder()
        self.next_step = NextStepLine()
        self.coaching = CoachingList()
        self.signals = SignalsView()  # commitment signals as they are heard, and the suggested step
        self.transcript = TranscriptView()

        left = QWidget()
        lcol = QVBoxLayout(left)
        lcol.setContentsMargins(0, 0, 0, 0)
        lcol.addWidget(_title("The close"))
        lcol.addWidget(self.stages)
        grid = QGridLayout()
        grid.addWidget(_title("Next-step criteria"), 0, 0)
        grid.addWidget(_title("Commitment"), 0, 1)
        grid.addWidget(self.criteria, 1, 0)
        grid.addWidget(self.ladder, 1, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        lcol.addLayout(grid)
        lcol.addWidget(self.next_step)
        lower = QHBoxLayout()
        coaching_col = QVBoxLayout()
        coaching_col.addWidget(_title("Coaching"))
        coaching_col.addWidget(self.coaching, 1)
        lower.addLayout(coaching_col, 3)
        lower.addWidget(self.signals, 2)
        lcol.addLayout(lower, 1)

        right = QWidget()
        rcol = QVBoxLayout(right)
        rcol.setContentsMargins(0, 0, 0, 0)
        rcol.addWidget(_title("Transcript"))
        rcol.addWidget(self.transcript, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 11)
        split.setStretchFactor(1, 9)
        split.setSizes([700, 560])
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.prompt)
        col.addWidget(split, 1)

    def set_labels(self, labels: Labels) -> None:
        self.stages.set_labels(labels)
        self.criteria.set_labels(labels)

    def show_state(self, model: CallModel) -> None:
        state = model.state
        self.prompt.show_state(state.prompt if state else None, idle=model.phase == "idle")
        self.stages.show_state(state)
        self.criteria.show_state(state)
        self.ladder.show_state(state)
        self.next_step.show_state(state)
        self.coaching.show_state(state.coaching if state else ())
        if state is not None:
            self.signals.show_state(state, model.vertical)
        self.transcript.show_state(model)

    def reset(self) -> None:
        self.coaching.forget()
        self.signals.forget()
        self.transcript.forget()


class CompactPage(QWidget):
    """The always-on-top strip: timer, prompt, stages, criteria, commitment level."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compact")
        self.clock = QLabel()
        self.clock.setObjectName("clock")
        self.level = QLabel()
        self.level.setObjectName("levelBadge")
        self.banner = QLabel()
        self.banner.setObjectName("closingBanner")
        self.banner.setWordWrap(True)
        self.prompt = PromptLine()
        self.stages = StagesRow(compact=True)
        self.criteria = CriteriaPanel(compact=True)
        self.next_step = NextStepLine()
        self.expand = QPushButton("⤢")
        self.expand.setToolTip("Back to the full window (Ctrl+K, or double-click)")
        self.expand.setFixedWidth(32)
        top = QHBoxLayout()
        top.addWidget(self.clock)
        top.addStretch(1)
        top.addWidget(self.level)
        top.addWidget(self.expand)
        col = QVBoxLayout(self)
        col.setContentsMargins(8, 8, 8, 8)
        col.addLayout(top)
        col.addWidget(self.banner)
        col.addWidget(self.prompt)
        col.addWidget(self.stages)
        col.addWidget(self.criteria)
        col.addWidget(self.next_step)
        col.addStretch(1)

    def set_labels(self, labels: Labels) -> None:
        self.stages.set_labels(labels)
        self.criteria.set_labels(labels)

    def show_state(self, model: CallModel) -> None:
        state = model.state
        self.clock.setText(f"{call_clock(model.elapsed())} / {call_clock(model.planned_length_s)}")
        level = state.commitment_level if state else 1
        self.level.setText(f"Commitment {level}/5")
        self.level.setToolTip(model.labels.rung(level, short=True))
        self.banner.setVisible(model.closing_mode)
        if model.closing_mode:
            self.banner.setText(f"CLOSING TIME — {call_clock(max(0.0, model.remaining()))} left")
        self.prompt.show_state(state.prompt if state else None, idle=model.phase == "idle")
        self.stages.show_state(state)
        self.criteria.show_state(state)
        self.next_step.show_state(state)


class MainWindow(QMainWindow):
    """The app's one window."""

    settings_requested = Signal()
    history_requested = Signal()
    followups_requested = Signal()
    call_refused = Signal(str)  # a call could not start (the message is shown too)

    FULL_SIZE = (1280, 800)
    COMPACT_SIZE = (440, 380)

    def __init__(self, model: CallModel, bridge: EventBridge, settings: AppSettings, *, jobs: Jobs,
                 start_call: StartCall | None = None, prepare: Callable[[], object] | None = None,
                 title: str = "Call Copilot") -> None:
        super().__init__()
        self.model = model
        self.bridge = bridge
        self.settings = settings
        self.jobs = jobs
        self._start_call = start_call
        self._handle: CallHandle | None = None
        self._starting = False
        self._stop_when_started = False  # a stop asked for while the call was still starting (auto-start)
        self.recovered: list[RecoveredCall] = []  # calls recovered at start (shown in the status bar)
        self.data_dir: Path | None = None  # where the account's action plan is kept (the app sets it)
        self.compact = False
        self._full_geometry: QRect | None = None
        self.setWindowTitle(title)
        self.setStyleSheet(STYLE)

        self.start_button = QPushButton("Start")
        self.start_button.setObjectName("startButton")
        self.start_button.clicked.connect(self.toggle_call)
        self.timer = TimerBar()
        self.meters = MetersPanel()
        compact = QPushButton("Compact")
        compact.setToolTip("A small always-on-top window (Ctrl+K)")
        compact.clicked.connect(self.toggle_compact)
        settings_button = QPushButton("Settings")
        settings_button.clicked.connect(self.settings_requested.emit)
        history_button = QPushButton("History")
        history_button.clicked.connect(self.history_requested.emit)
        followups_button = QPushButton("Follow-ups")
        followups_button.setToolTip("What to send and when, across your calls: recaps, materials, confirmations")
        followups_button.clicked.connect(self.followups_requested.emit)
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)

        self.header = QWidget()
        bar = QHBoxLayout(self.header)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.start_button)
        bar.addWidget(self.timer)
        bar.addWidget(self.timer.banner, 6)
        bar.addWidget(self.meters, 2)
        bar.addStretch(1)
        bar.addWidget(compact)
        bar.addWidget(settings_button)
        bar.addWidget(history_button)
        bar.addWidget(followups_button)

        self.live = LivePage()
        self.summary = SummaryView(jobs)
        self.summary.message.connect(self.show_message)
        self.summary.error.connect(self.show_problem)
        self.summary.new_call.connect(self.new_call)
        self.compact_page = CompactPage()
        self.compact_page.expand.clicked.connect(self.toggle_compact)
        self.pages = QStackedWidget()
        for page in (self.live, self.summary, self.compact_page):
            self.pages.addWidget(page)
        self.pages.currentChanged.connect(self._size_to_page)
        self._size_to_page(0)

        central = QWidget()
        central.setObjectName("page")
        col = QVBoxLayout(central)
        col.setContentsMargins(12, 10, 12, 6)
        col.addWidget(self.header)
        col.addWidget(self.problem)
        self._banners = col  # bars shown above the pages (auto-start's offer): ``add_banner``
        self.invite_offer = InviteOfferBar()  # the invite for a step agreed during the call
        self.invite_offer.message.connect(self.show_message)
        self.invite_offer.problem.connect(self.show_problem)
        col.addWidget(self.invite_offer)
        col.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.resize(*self.FULL_SIZE)

        toggle = QAction("Compact mode", self)
        toggle.setShortcut(QKeySequence("Ctrl+K"))
        toggle.triggered.connect(self.toggle_compact)
        self.addAction(toggle)

        model.connect_bridge(bridge)
        model.changed.connect(self.show_state)
        model.phase_changed.connect(self._on_phase)
        model.closing_mode_changed.connect(self._on_closing)
        model.problem_raised.connect(self.show_problem)
        model.invite_ready.connect(self._on_invite)
        model.set_planned_length(settings.planned_minutes * 60.0)
        self._ticker = QTimer(self)
        self._ticker.setInterval(500)
        self._ticker.timeout.connect(model.tick)
        self._ticker.start()
        self.show_state()
        if prepare is not None and start_call is not None:
            # the speech model loads once, in the background, before the first call is started
            self.jobs.run(prepare, lambda _model: log.info("speech model ready"), self._model_failed,
                          what="loading the speech model")

    def _size_to_page(self, index: int) -> None:
        # A stacked widget is as large as its largest page; hidden pages must not hold compact mode wide.
        for i in range(self.pages.count()):
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            page = self.pages.widget(i)
            if page is not None:
                page.setSizePolicy(policy, policy)
        self.pages.updateGeometry()
        central = self.centralWidget()
        layout = central.layout() if central is not None else None
        if layout is not None:
            layout.activate()  # so that a resize right after this sees the new minimum

    # --- rendering --------------------------------------------------------------------------------
    def labels(self) -> Labels:
        """The words of the call on screen; before a call, those of the vertical chosen in Settings."""
        return self.model.labels if self.model.phase != "idle" else labels_for(self.settings.vertical)

    def show_state(self) -> None:
        labels = self.labels()
        self.live.set_labels(labels)
        self.compact_page.set_labels(labels)
        self.timer.show_state(self.model)
        self.meters.show_state(self.model)
        if self.invite_offer.offering and self.model.state is not None:
            self.invite_offer.set_agreed(self.model.state.next_steps_secured)
        if self.compact:
            self.compact_page.show_state(self.model)
        else:
            self.live.show_state(self.model)

    def _on_closing(self, closing: bool) -> None:
        if closing:
            self.show_message("Closing time: five minutes left in the planned call")
        self.show_state()

    def _on_invite(self, invite: InviteReady) -> None:
        self.invite_offer.offer(invite)
        self.show_message(f"Invite ready for {invite.describe()}: send it before the call ends")

    def _on_phase(self, phase: str) -> None:
        live = phase == "live"
        self.start_button.setText({"live": "Stop", "finished": "Call ended"}.get(phase, "Start"))
        self.start_button.setProperty("live", live)
        self.start_button.style().unpolish(self.start_button)
        self.start_button.style().polish(self.start_button)
        if phase == "finished":
            meeting = getattr(self._handle, "meeting", None)  # the calendar's meeting this call was, if known
            self._handle = None
            if self.model.verdict is not None:
                self.summary.set_call(self.model.verdict, self.model.finals, self.model.started_at, meeting=meeting,
                                      rep_name=self.settings.rep_name, data_dir=self.data_dir)
            if self.compact:
                self.toggle_compact()
            self.pages.setCurrentWidget(self.summary)
            self.start_button.setEnabled(False)
        elif phase == "idle":
            self.live.reset()
            self.invite_offer.withdraw()
            self.pages.setCurrentWidget(self.compact_page if self.compact else self.live)
            self.start_button.setEnabled(self._start_call is not None)
        self.show_state()

    # --- actions ----------------------------------------------------------------------------------
    @property
    def in_call(self) -> bool:
        """A call is starting or running (auto-start leaves it alone then)."""
        return self._starting or self._handle is not None or self.model.phase == "live"

    @property
    def phase(self) -> str:
        return self.model.phase

    def add_banner(self, widget: QWidget) -> None:
        """A bar above the pages, under the problem line (it shows and hides itself)."""
        self._banners.insertWidget(self._banners.indexOf(self.pages), widget)

    def toggle_call(self) -> None:
        if self.model.phase == "live":
            self.stop_call()
        elif self.model.phase == "idle":
            self.start_call()

    def start_call(self) -> bool:
        """Start a call in the background (the model may still be loading); False when there is no way to."""
        if self._start_call is None:
            self.show_problem("no way to start a call in this window")
            return False
        if self._starting or self._handle is not None:
            return False
        self._starting = True
        self.problem.setVisible(False)
        self.start_button.setEnabled(False)
        self.show_message("Starting the call…")
        starter, sink = self._start_call, self.bridge.publish
        self.jobs.run(lambda: starter(sink), self._call_started, self._call_refused, what="starting the call")
        return True

    def _call_started(self, handle: CallHandle) -> None:
        self._starting = False
        self._handle = handle
        self.start_button.setEnabled(True)
        self.statusBar().clearMessage()
        self.model.start_clock()
        if self._stop_when_started:
            self.stop_call()

    def _call_refused(self, exc: CopilotError) -> None:
        """No device, no model: say so and stay ready."""
        self._starting = False
        self._stop_when_started = False
        if self.model.phase == "live":  # it said Started, then no source opened: no call runs, so none shows
            self.model.reset()
        self.start_button.setEnabled(True)
        self.statusBar().clearMessage()
        self.show_problem(str(exc))
        self.call_refused.emit(str(exc))

    def _model_failed(self, exc: CopilotError) -> None:
        self.show_problem(str(exc))

    def stop_call(self) -> None:
        self._stop_when_started = self._starting and self._handle is None
        handle, self._handle = self._handle, None
        if handle is None:
            return
        self.start_button.setEnabled(False)
        self.show_message("Finishing: transcribing the last words…")
        # Stopping drains the transcriber, which can take a moment: never on the GUI thread.
        self.jobs.run(handle.stop, lambda _none: None, lambda exc: self.show_problem(str(exc)), what="ending the call")

    def new_call(self) -> None:
        self.model.reset()

    def toggle_compact(self) -> None:
        self.compact = not self.compact
        self.invite_offer.set_compact(self.compact)
        flags = self.windowFlags()
        if self.compact:
            self._full_geometry = self.geometry()
            self.header.setVisible(False)
            self.pages.setCurrentWidget(self.compact_page)
            self.setWindowFlags(flags | Qt.WindowType.WindowStaysOnTopHint)
        else:
            self.header.setVisible(True)
            self.pages.setCurrentWidget(self.summary if self.model.phase == "finished" else self.live)
            self.setWindowFlags(flags & ~Qt.WindowType.WindowStaysOnTopHint)
        self.show()  # changing window flags hides the window; size it after it is shown again
        if self.compact or self._full_geometry is None:
            self.resize(*(self.COMPACT_SIZE if self.compact else self.FULL_SIZE))
        else:
            self.setGeometry(self._full_geometry)  # back where the user had the full window
        self.show_state()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.compact:  # double-click the compact strip to get the full window back
            self.toggle_compact()
        super().mouseDoubleClickEvent(event)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def show_problem(self, text: str) -> None:
        """An environment problem: shown in the window; the app goes on."""
        log.warning("shown to the user: %s", text)
        self.problem.setText(f"⚠ {text}")
        self.problem.setVisible(True)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.model.phase == "live" and self._handle is not None:
            answer = QMessageBox.question(self, "End the call?",
                                          "A call is in progress. End it and close? What was heard is kept in the "
                                          "history.")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            handle, self._handle = self._handle, None
            handle.stop()
        super().closeEvent(event)
