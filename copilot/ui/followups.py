"""The Follow-ups list: what the rep owes after their calls, soonest first — due ("in 2 h", "overdue"), what,
Done and Snooze (1 h / tomorrow 9:00).

It only renders and forwards: it takes plain callables (the window passes the call service's methods), so it
knows nothing of the store, and every answer it shows is re-read after an action. A known error from them (a
history that cannot be written) is shown in one line in the dialog; anything else is a bug and propagates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time, timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QMenu,
                               QPushButton, QTableWidget, QTableWidgetItem, QToolButton, QVBoxLayout, QWidget)

from copilot.errors import CopilotError
from copilot.followups import StoredFollowUp, relative_due
from copilot.session.labels import day_month

LoadFn = Callable[[bool], Sequence[StoredFollowUp]]  # include_done -> the follow-ups, soonest first
DoneFn = Callable[[int, bool], object]              # (id, done)
SnoozeFn = Callable[[int, datetime], object]        # (id, until)

KIND_LABELS = {"recap": "Recap", "materials": "Materials", "confirmation": "Confirmation", "follow_up": "Follow-up"}
COLUMNS = ("Due", "What", "Kind", "")
TOMORROW_AT = time(9, 0)
REFRESH_MS = 60_000  # "in 2 h" goes stale; a minute is as fine as the labels are


def snooze_choices(now: datetime) -> list[tuple[str, datetime]]:
    """The snooze menu: an hour from now, and tomorrow at 9:00."""
    return [("1 hour", now.replace(microsecond=0) + timedelta(hours=1)),
            ("Tomorrow 9:00", datetime.combine(now.date() + timedelta(days=1), TOMORROW_AT))]


class FollowUpsDialog(QDialog):
    """The list, with a "Show done" switch; ``now`` is injectable so a test controls "in 2 h" and "overdue"."""

    def __init__(self, load: LoadFn, mark_done: DoneFn, snooze: SnoozeFn, *,
                 now: Callable[[], datetime] = datetime.now, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Follow-ups")
        self._load, self._mark_done, self._snooze, self._now = load, mark_done, snooze, now
        self.items: list[StoredFollowUp] = []

        self.show_done = QCheckBox("Show done")
        self.show_done.toggled.connect(lambda _on: self.refresh())
        self.summary = QLabel()
        self.summary.setObjectName("guidance")
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.empty = QLabel("No follow-ups due. Each call you keep leaves its own: the recap, the materials you "
                            "promised, the confirmation before the next meeting, and a follow-up.")
        self.empty.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.show_done)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(buttons)
        self.resize(760, 420)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    # ---- rendering -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read the follow-ups and show them."""
        if not self._call(lambda: self._set_items(self._load(self.show_done.isChecked()))):
            return
        now = self._now()
        for row in range(self.table.rowCount()):  # the old rows' buttons go now, not at the next event loop turn
            old = self.table.cellWidget(row, 3)
            if old is not None:
                old.hide()
                old.deleteLater()
        self.table.setRowCount(0)
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            due = "done" if item.done else relative_due(item.due, now)
            due_cell = QTableWidgetItem(due)
            due_cell.setToolTip(f"{day_month(item.due, long=True)}, {item.due:%H:%M}")
            if due == "overdue":
                due_cell.setForeground(Qt.GlobalColor.darkRed)
            what = QTableWidgetItem(item.what)
            what.setToolTip(f"{item.what} — from call {item.call_id}, due {day_month(item.due)}, {item.due:%H:%M}")
            cells = (due_cell, what, QTableWidgetItem(KIND_LABELS.get(item.kind, item.kind)))
            for column, cell in enumerate(cells):
                if item.done:
                    font = cell.font()
                    font.setStrikeOut(True)
                    cell.setFont(font)
                    cell.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, column, cell)
            self.table.setCellWidget(row, 3, self._actions(item))
        self.table.resizeRowsToContents()
        pending = [f for f in self.items if not f.done]
        overdue = sum(1 for f in pending if f.due < now)
        self.summary.setText(f"{len(pending)} to do" + (f", {overdue} overdue" if overdue else ""))
        self.table.setVisible(bool(self.items))
        self.empty.setVisible(not self.items)

    def _set_items(self, items: Sequence[StoredFollowUp]) -> None:
        self.items = list(items)

    def _actions(self, item: StoredFollowUp) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(2, 0, 2, 0)
        done = QPushButton("Undo" if item.done else "Done")
        done.setObjectName(f"done-{item.id}")
        done.clicked.connect(lambda _checked=False, i=item.id, d=not item.done: self.set_done(i, d))
        row.addWidget(done)
        if not item.done:
            snooze = QToolButton()
            snooze.setObjectName(f"snooze-{item.id}")
            snooze.setText("Snooze")
            snooze.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            menu = QMenu(snooze)
            for label, _until in snooze_choices(self._now()):
                action = menu.addAction(label)
                action.triggered.connect(lambda _checked=False, i=item.id, text=label: self.snooze_by(i, text))
            snooze.setMenu(menu)
            row.addWidget(snooze)
        return box

    # ---- the user's actions ----------------------------------------------------------------------------
    def set_done(self, followup_id: int, done: bool = True) -> None:
        if self._call(lambda: self._mark_done(followup_id, done)):
            self.refresh()

    def snooze_by(self, followup_id: int, choice: str) -> None:
        """Snooze by one of the menu's choices ("1 hour", "Tomorrow 9:00"), computed when it is chosen."""
        until = dict(snooze_choices(self._now()))[choice]
        if self._call(lambda: self._snooze(followup_id, until)):
            self.refresh()

    def _call(self, fn: Callable[[], object]) -> bool:
        try:
            fn()
        except CopilotError as exc:
            self.problem.setText(str(exc))
            self.problem.show()
            return False
        self.problem.hide()
        return True
