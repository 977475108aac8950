"""The live parts of the window: transcript, coaching moments, level meters and lag, timer and prompt.

All of them render from the ``CallModel``; the transcript appends only what is new, so a long call
does not re-layout its whole history on every repaint.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QTextCursor
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from copilot.coach import format_coaching
from copilot.coach.state import CoachingMoment
from copilot.session.clock import call_clock
from copilot.session.labels import Labels
from copilot.session.utterance import Utterance
from copilot.ui.model import CallModel
from copilot.ui.text import speaker_label

SPEAKER_COLORS = {"rep": "#1f5fa8", "prospect": "#a04a00"}


def _line_html(u: Utterance, partial: bool, labels: Labels | None = None) -> str:
    color = "#8a8a8a" if partial else SPEAKER_COLORS.get(u.speaker, "#333")
    text_color = "#8a8a8a" if partial else "#111"
    style = "font-style:italic;" if partial else ""
    return (f"<p style='margin:0 0 6px 0;{style}'><span style='color:#777'>[{call_clock(u.start)}]</span> "
            f"<b style='color:{color}'>{html.escape(speaker_label(u.speaker, labels))}:</b> "
            f"<span style='color:{text_color}'>{html.escape(u.text)}{' …' if partial else ''}</span></p>")


class TranscriptView(QTextBrowser):
    """Finals appended as they come; the partials (grey, italic) sit after them and are replaced."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript")
        self.setOpenLinks(False)
        self._shown = 0
        self._final_end = 0
        self._partials: tuple[Utterance, ...] = ()
        # Follow the newest line unless the reader scrolled up; the document lays out lazily, so
        # follow the scroll range as it grows rather than scrolling once after an insert.
        self._follow = True
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range)
        bar.valueChanged.connect(self._on_scroll)

    def _on_range(self, _minimum: int, maximum: int) -> None:
        if self._follow:
            self.verticalScrollBar().setValue(maximum)

    def _on_scroll(self, value: int) -> None:
        self._follow = value >= self.verticalScrollBar().maximum() - 4

    def show_state(self, model: CallModel) -> None:
        partials = tuple(sorted(model.partials.values(), key=lambda u: u.start))
        new = model.finals[self._shown:]
        if not new and partials == self._partials:
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._final_end)
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        cursor.removeSelectedText()
        labels = model.labels
        for u in new:
            cursor.insertHtml(_line_html(u, partial=False, labels=labels))
            cursor.insertBlock()
        self._shown = len(model.finals)
        self._final_end = cursor.position()
        for u in partials:
            cursor.insertHtml(_line_html(u, partial=True, labels=labels))
            cursor.insertBlock()
        self._partials = partials

    def forget(self) -> None:
        """Empty the view for a new call (not ``reset``: that name is Qt's own, called back by ``clear``)."""
        self.clear()
        self._follow = True
        self._shown = self._final_end = 0
        self._partials = ()


class CoachingList(QListWidget):
    """Coaching moments as they happen, newest at the bottom."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("coaching")
        self.setWordWrap(True)
        self._shown = 0

    def show_state(self, moments: tuple[CoachingMoment, ...]) -> None:
        if len(moments) < self._shown:
            self.forget()
        for moment in moments[self._shown:]:
            item = QListWidgetItem(format_coaching(moment))  # [28:45] Improvement - Control: … Try: "…"
            strength = moment.kind.lower().startswith("strength")
            item.setForeground(QColor("#1b7a34" if strength else "#9a3412"))
            self.addItem(item)
            self.scrollToBottom()
        self._shown = len(moments)

    def forget(self) -> None:
        """Empty the list for a new call. Not ``reset``: that overrides QAbstractItemView.reset, which
        QListWidget.clear calls back, so it recursed until the stack overflowed (a segfault on "New call")."""
        self.clear()
        self._shown = 0


class LevelMeter(QWidget):
    """A horizontal dBFS bar (−60…0 dB) for one source; it falls back slowly so speech reads as a steady bar."""

    FLOOR = -60.0
    FALL_DB_PER_S = 24.0

    def __init__(self, parent: QWidget | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.dbfs: float | None = None
        self._clock = clock
        self._at = clock()
        self.setMinimumSize(60, 10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(12)

    def set_level(self, dbfs: float | None) -> None:
        now = self._clock()
        if dbfs is not None and self.dbfs is not None:
            dbfs = max(float(dbfs), self.dbfs - self.FALL_DB_PER_S * (now - self._at))
        self._at = now
        if dbfs != self.dbfs:
            self.dbfs = dbfs
            self.update()

    def fraction(self) -> float:
        if self.dbfs is None:
            return 0.0
        return min(1.0, max(0.0, (self.dbfs - self.FLOOR) / -self.FLOOR))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        r = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(QColor("#bbb"))
        p.setBrush(QColor("#f0f0f0"))
        p.drawRoundedRect(r, 3, 3)
        f = self.fraction()
        if f > 0:
            color = QColor("#2e9d4b") if f < 0.8 else QColor("#e0a100") if f < 0.95 else QColor("#d33")
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color)
            p.drawRoundedRect(QRectF(r.x() + 1, r.y() + 1, (r.width() - 2) * f, r.height() - 2), 2, 2)
        p.end()


class MetersPanel(QWidget):
    """Both sources' levels and the transcriber's lag behind the audio."""

    LAG_WARN_S, LAG_BAD_S = 3.0, 8.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meters")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(3)
        self.meters: dict[str, LevelMeter] = {}
        for i, (speaker, name) in enumerate((("rep", "You (mic)"), ("prospect", "Them (system)"))):
            label = QLabel(name)
            label.setObjectName("meterLabel")
            meter = LevelMeter(self)
            meter.setMinimumWidth(90)
            self.meters[speaker] = meter
            grid.addWidget(label, i, 0)
            grid.addWidget(meter, i, 1)
        self.lag = QLabel("lag –")
        self.lag.setObjectName("lag")
        self.lag.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.lag.setToolTip("How far the transcript is behind the audio")
        self.lag.setMinimumWidth(80)
        grid.addWidget(self.lag, 0, 2, 2, 1, Qt.AlignmentFlag.AlignVCenter)
        grid.setColumnStretch(1, 1)

    def show_state(self, model: CallModel) -> None:
        for speaker, meter in self.meters.items():
            meter.set_level(model.levels.get(speaker))
        lag = model.lag_s
        level = "ok" if lag is None or lag < self.LAG_WARN_S else "warn" if lag < self.LAG_BAD_S else "bad"
        self.lag.setText("lag –" if lag is None else f"lag {lag:.1f} s")
        if self.lag.property("level") != level:
            self.lag.setProperty("level", level)
            self.lag.style().unpolish(self.lag)
            self.lag.style().polish(self.lag)


class TimerBar(QWidget):
    """Elapsed / planned call length, and the closing-mode banner from T−5 min."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        self.clock = QLabel("00:00 / 30:00")
        self.clock.setObjectName("clock")
        self.banner = QLabel("")
        self.banner.setObjectName("closingBanner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        col.addWidget(self.clock)

    def show_state(self, model: CallModel) -> None:
        self.clock.setText(f"{call_clock(model.elapsed())} / {call_clock(model.planned_length_s)}")
        if model.closing_mode:
            left = model.remaining()
            when = f"{call_clock(left)} left" if left > 0 else f"{call_clock(-left)} over time"
            self.banner.setText(f"CLOSING TIME — {when}<br><span style='font-size:13px;font-weight:600'>"
                                "Summarize → Confirm → Propose → Lock</span>")
        self.banner.setVisible(model.closing_mode)


class PromptLine(QLabel):
    """The single most useful thing to say now (``CloseState.prompt``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("prompt")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_state(None, idle=True)

    def show_state(self, prompt: str | None, idle: bool = False) -> None:
        if idle:
            self.setText("Press Start when the call begins.")
        else:
            self.setText(prompt or "Listening…")
