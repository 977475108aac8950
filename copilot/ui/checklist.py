"""The closing checklist: four stages, three criteria, the commitment ladder, the next step.

Each item shows met / not yet at a glance; its evidence (what was said, and when) is on hover and on
click. These widgets render a ``CloseState`` and decide nothing themselves; their words are the call's
vertical's (``copilot.session.labels``), set again with ``set_labels`` when a call of another vertical starts.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from copilot.coach.state import CRITERIA, STAGES, CloseState, Evidence
from copilot.session.clock import call_clock
from copilot.session.labels import Labels, labels_for
from copilot.ui.text import evidence_html, step_when_text

TICK, OPEN, UNCLEAR = "✔", "○", "?"


class EvidenceItem(QFrame):
    """One checklist item: a mark, a title, a one-line detail; evidence on hover and click."""

    clicked = Signal()

    def __init__(self, title: str, hint: str, parent: QWidget | None = None, compact: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("item")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._title, self._hint = title, hint
        self._labels = labels_for(None)
        self.mark = QLabel(OPEN)
        self.mark.setObjectName("mark")
        self.title = QLabel(title)
        self.title.setObjectName("itemTitle")
        self.detail = QLabel("")
        self.detail.setObjectName("itemDetail")
        self.detail.setWordWrap(True)
        self.detail.setVisible(not compact)
        grid = QGridLayout(self)
        grid.setContentsMargins(*((5, 2, 5, 2) if compact else (8, 4, 8, 4)))
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(0)
        grid.addWidget(self.mark, 0, 0, 2, 1,
                       Qt.AlignmentFlag.AlignVCenter if compact else Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.title, 0, 1)
        grid.addWidget(self.detail, 1, 1)
        grid.setColumnStretch(1, 1)
        self.met = False
        self.unclear = False
        self._shown: tuple[bool, tuple[Evidence, ...], str, bool] | None = None
        self.set_state(False, ())

    def set_title(self, title: str, hint: str, labels: Labels) -> None:
        """New words (a call of another vertical): the title now, the tooltip at the next ``set_state``."""
        if (title, hint, labels.vertical) == (self._title, self._hint, self._labels.vertical):
            return
        self._title, self._hint, self._labels = title, hint, labels
        self.title.setText(title)
        shown, self._shown = self._shown, None
        if shown is not None:
            self.set_state(shown[0], shown[1], shown[2], shown[3])

    def set_state(self, met: bool, evidence: tuple[Evidence, ...], detail: str = "", unclear: bool = False) -> None:
        """``unclear``: heard, but not surely (a yes heard only as "mm-hmm"): shown amber with a question mark."""
        unclear = unclear and met
        if self._shown == (met, evidence, detail, unclear):
            return  # the timer repaints twice a second; only a change costs a re-polish
        self._shown = (met, evidence, detail, unclear)
        self.met = met
        self.unclear = unclear
        state = "unclear" if unclear else ("true" if met else "false")
        self.setProperty("met", state)
        self.mark.setProperty("met", state)
        self.mark.setText(UNCLEAR if unclear else (TICK if met else OPEN))
        if not detail:
            detail = f"heard at {evidence_when(evidence)}" if met and evidence else ("" if met else "not yet")
        if unclear:
            detail = f"unclear — {detail}"
        self.detail.setText(detail)
        heard = "heard, but not clearly — ask to be sure" if unclear else ("heard" if met else "not heard yet")
        tip = f"<b>{html.escape(self._title)}</b> — {heard}"
        tip += f"<br>{evidence_html(evidence, labels=self._labels)}" if evidence else \
            f"<br><i>{html.escape(self._hint)}</i>"
        self.setToolTip(tip)
        for widget in (self, self.mark):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), self.toolTip(), self, self.rect(), 10_000)
        self.clicked.emit()
        super().mousePressEvent(event)


def evidence_when(evidence: tuple[Evidence, ...]) -> str:
    return call_clock(evidence[-1].t) if evidence else ""


class StagesRow(QWidget):
    """Summarize → Confirm → Propose → Lock, ticking as they are heard."""

    def __init__(self, parent: QWidget | None = None, compact: bool = False) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        self.items: dict[str, EvidenceItem] = {}
        words = labels_for(None)
        for i, name in enumerate(STAGES):
            if i and not compact:
                arrow = QLabel("→")
                arrow.setObjectName("arrow")
                row.addWidget(arrow)
            item = EvidenceItem(words.stage(name), words.stage_hints[name], self, compact=compact)
            self.items[name] = item
            row.addWidget(item, 1)

    def set_labels(self, labels: Labels) -> None:
        for name, item in self.items.items():
            item.set_title(labels.stage(name), labels.stage_hints[name], labels)

    def show_state(self, state: CloseState | None) -> None:
        for name, item in self.items.items():
            stage = state.stages.get(name) if state else None
            item.set_state(bool(stage and stage.met), stage.evidence if stage else ())


class CriteriaPanel(QWidget):
    """The three next-step criteria with status and evidence."""

    def __init__(self, parent: QWidget | None = None, compact: bool = False) -> None:
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(4)
        self.items: dict[str, EvidenceItem] = {}
        words = labels_for(None)
        for name in CRITERIA:
            item = EvidenceItem(words.criterion(name, short=True), words.criterion_hints[name], self, compact=compact)
            self.items[name] = item
            col.addWidget(item)

    def set_labels(self, labels: Labels) -> None:
        for name, item in self.items.items():
            item.set_title(labels.criterion(name, short=True), labels.criterion_hints[name], labels)

    def show_state(self, state: CloseState | None) -> None:
        for name, item in self.items.items():
            crit = state.criteria.get(name) if state else None
            met = bool(crit and crit.met)
            evidence = crit.evidence if crit else ()
            detail = ""
            if met and evidence:
                quote = evidence[-1].text
                quote = quote if len(quote) <= 70 else quote[:67] + "…"
                kind = f"{crit.kind}: " if crit and crit.kind else ""
                detail = f"{evidence_when(evidence)} · {kind}“{quote}”"
            item.set_state(met, evidence, detail, unclear=bool(crit and crit.unclear))


class CommitmentLadder(QWidget):
    """The commitment hierarchy 5 → 1 with the current level highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(2)
        self.rungs: dict[int, QLabel] = {}
        words = labels_for(None)
        for level in sorted(words.ladder_short, reverse=True):
            rung = QLabel(f"{level}  {words.rung(level, short=True)}")
            rung.setObjectName("rung")
            self.rungs[level] = rung
            col.addWidget(rung)
        self.level = -1
        self.show_state(None)

    def show_state(self, state: CloseState | None) -> None:
        level = state.commitment_level if state else 0  # no call yet: no rung lit
        if level == self.level:
            return
        self.level = level
        for rung_level, rung in self.rungs.items():
            rung.setProperty("current", rung_level == level)
            rung.setProperty("below", rung_level < level)
            rung.style().unpolish(rung)
            rung.style().polish(rung)


class NextStepLine(QLabel):
    """The most concrete next step so far, with its resolved time and who agreed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nextStep")
        self.setWordWrap(True)
        self.show_state(None)

    def show_state(self, state: CloseState | None) -> None:
        step = state.next_step if state else None
        if step is None or not (step.action or step.when or step.trigger):
            self.setText("<b>Next step:</b> <i>none put forward yet</i>")
            return
        parts = [html.escape(step.action or "(no action named)")]
        if step.when is not None:
            parts.append(html.escape(step_when_text(step)))
        elif step.trigger:
            parts.append(f"when {html.escape(step.trigger)}")
        agreed = "agreed by both" if {"rep", "prospect"} <= set(step.agreed_by) else "not agreed yet"
        self.setText(f"<b>Next step:</b> {' — '.join(parts)} <span style='color:#666'>({agreed})</span>")
