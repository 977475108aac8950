"""Patterns, not incidents: past calls and the commitment level over time.

The numbers and sentences come from ``copilot.store`` (the same as ``copilot history``); this dialog
lists the calls and draws the commitment chart with QPainter (QtCharts is not in PySide6-Essentials).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from copilot.call import CallSummary


class CommitmentChart(QWidget):
    """Commitment level 1–5 per call, oldest to newest; green dots where a next step was secured."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[Mapping[str, Any]] = []
        self.secured: dict[Any, bool] = {}
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_points(self, points: Sequence[Mapping[str, Any]], secured: Mapping[Any, bool] | None = None) -> None:
        self.points = list(points)
        self.secured = dict(secured or {})
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        left, top, right, bottom = 36.0, 12.0, 12.0, 26.0
        area = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        p.setFont(small)

        def y_of(level: float) -> float:
            return area.bottom() - (level - 1) / 4 * area.height()

        for level in range(1, 6):
            y = y_of(level)
            p.setPen(QPen(QColor("#e3e3e3"), 1))
            p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            p.setPen(QColor("#666"))
            p.drawText(QRectF(0, y - 8, left - 8, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       str(level))
        if not self.points:
            p.setPen(QColor("#888"))
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, "No calls yet")
            p.end()
            return
        n = len(self.points)
        xs = [area.left() + (area.width() * (i + 0.5) / n) for i in range(n)]
        path = QPainterPath()
        for i, point in enumerate(self.points):
            pos = QPointF(xs[i], y_of(float(point.get("level") or 1)))
            path.moveTo(pos) if i == 0 else path.lineTo(pos)
        p.setPen(QPen(QColor("#1f5fa8"), 2))
        p.drawPath(path)
        for i, point in enumerate(self.points):
            secured = self.secured.get(point.get("id"), False)
            p.setPen(QPen(QColor("white"), 1.5))
            p.setBrush(QColor("#1b7a34") if secured else QColor("#c62828"))
            p.drawEllipse(QPointF(xs[i], y_of(float(point.get("level") or 1))), 5, 5)
        p.setPen(QColor("#666"))
        first, last = str(self.points[0].get("started_at") or "")[:10], str(self.points[-1].get("started_at") or "")[:10]
        p.drawText(QRectF(area.left(), area.bottom() + 6, area.width(), 16), Qt.AlignmentFlag.AlignLeft, first)
        if n > 1:
            p.drawText(QRectF(area.left(), area.bottom() + 6, area.width(), 16), Qt.AlignmentFlag.AlignRight, last)
        p.end()


class PatternDialog(QDialog):
    """History list + the pattern sentences + the commitment chart."""

    COLUMNS = ("Date", "Vertical", "Next step secured", "Commitment", "Utterances", "Status")

    def __init__(self, calls: Sequence[CallSummary], pattern: Mapping[str, Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Call Copilot — your pattern")
        self.resize(820, 620)
        sentences = pattern.get("sentences") or [pattern.get("share_sentence") or "No calls yet."]
        self.sentences = QLabel("<br>".join(str(s) for s in sentences))
        self.sentences.setWordWrap(True)
        self.sentences.setStyleSheet("font-size: 15px;")
        self.chart = CommitmentChart()
        self.chart.set_points(pattern.get("commitment_over_time") or [],
                              {c.id: bool(c.next_steps_secured) for c in calls})
        self.table = QTableWidget(len(calls), len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, call in enumerate(calls):
            secured = call.next_steps_secured
            values = (call.started_at[:16].replace("T", " "), call.vertical,
                      "yes" if secured else ("no" if secured is not None else "—"),
                      str(call.commitment_level or "—"), str(call.utterance_count), call.status)
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sentences)
        layout.addWidget(QLabel("<b>Commitment level per call</b> (green: next step secured)"))
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
