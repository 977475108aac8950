"""Commitment signals as they are heard, and the next step they point to: a small list for the live window.

The method reads commitment in what the other party volunteers — names more people to bring in, asks how the
rollout works, shares a timeline and what drives it, talks budget — and in the weak opposites ("no rush", "just
looking"). The coach already keeps them (``CloseState.signals``) and suggests the step they point to
(``CloseState.suggested_next_step``); this widget only shows them, newest first, so the rep sees the temperature of
the call while there is still time to test it. Words come from ``copilot.session.labels``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from copilot.coach.state import CloseState
from copilot.session.clock import call_clock
from copilot.session.labels import Labels, labels_for

# The method's four commitment signals, as the list shows them: strong, and the weak opposite.
SIGNAL_WORDS: dict[str, tuple[str, str]] = {
    "stakeholders": ("Volunteers stakeholders", "Keeps others out"),
    "implementation": ("Asks about implementation", "Just looking"),
    "timeline": ("Shares timeline and drivers", "No timeline"),
    "budget": ("Discusses budget", "Avoids or lacks budget"),
}
MAX_ROWS = 50
STYLE = """
#signalsView QLabel#signalsTitle { font-weight: 700; }
#signalsView QLabel#signalsSuggested { color: #1b5e20; }
"""


def signal_line(kind: str, strength: str, text: str, t: float) -> str:
    """ "[12:30] ▲ Shares timeline and drivers — “we need it live by Q2”" (▼ for a weak signal)."""
    strong, weak = SIGNAL_WORDS.get(kind, (kind.replace("_", " ").capitalize(),) * 2)
    mark, words = ("▲", strong) if strength == "strong" else ("▼", weak)
    quote = " ".join(text.split())
    if len(quote) > 80:
        quote = quote[:79].rstrip() + "…"
    return f"[{call_clock(t)}] {mark} {words} — “{quote}”"


def suggested_line(state: CloseState, labels: Labels) -> str:
    """ "Suggested: an ROI review with CFO (Business case needed → ROI review)", or "" when too little was heard."""
    s = state.suggested_next_step
    return labels.suggestion(s.action, s.with_, s.stage) if s is not None else ""


class SignalsView(QFrame):
    """Shows a close state's commitment signals (newest first) and its suggested next step."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signalsView")
        self.setStyleSheet(STYLE)
        title = QLabel("Commitment signals")
        title.setObjectName("signalsTitle")
        self.suggested = QLabel()
        self.suggested.setObjectName("signalsSuggested")
        self.suggested.setWordWrap(True)
        self.suggested.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.suggested)
        layout.addWidget(self.list)
        self._shown = 0
        self.forget()

    def forget(self) -> None:
        """Empty it for a new call."""
        self.list.clear()
        self._shown = 0
        self.suggested.setText("")
        self.suggested.setVisible(False)

    def show_state(self, state: CloseState, vertical: str | None = None) -> None:
        """Add the signals heard since the last state (a state carries them all) and show the suggestion."""
        labels = labels_for(vertical)
        new = state.signals[self._shown:] if len(state.signals) >= self._shown else state.signals
        if len(state.signals) < self._shown:  # a state of another call: start again
            self.list.clear()
        for s in new:
            item = QListWidgetItem(signal_line(s.kind, s.strength, s.text, s.t))
            item.setData(Qt.ItemDataRole.UserRole, (s.kind, s.strength))
            if s.strength != "strong":
                item.setForeground(Qt.GlobalColor.darkRed)
            self.list.insertItem(0, item)
        while self.list.count() > MAX_ROWS:
            self.list.takeItem(self.list.count() - 1)
        self._shown = len(state.signals)
        line = suggested_line(state, labels)
        self.suggested.setText(line)
        self.suggested.setVisible(bool(line))

    def lines(self) -> list[str]:
        """What the list shows, top first (for tests and the accessibility tree)."""
        return [self.list.item(k).text() for k in range(self.list.count())]


__all__ = ["SIGNAL_WORDS", "SignalsView", "signal_line", "suggested_line"]
