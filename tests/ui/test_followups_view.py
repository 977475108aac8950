"""The Follow-ups list against a real history: due ("in 2 h", "overdue"), what, Done and Snooze write through to the
store and the list re-reads it; a history that cannot be written is one line in the dialog."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QToolButton

from copilot.coach import analyze
from copilot.errors import OutputError
from copilot.session.utterance import Utterance
from copilot.store import Store
from copilot.ui.followups import FollowUpsDialog, snooze_choices

DEMO = Path(__file__).resolve().parents[2] / "assets" / "demo" / "demo_call.json"
STARTED = datetime(2026, 12, 4, 10, 5)  # a Friday; the demo agrees "Tuesday at 2pm"


@pytest.fixture
def store(tmp_path):
    said = [Utterance(u["speaker"], u["start"], u["end"], u["text"])
            for u in json.loads(DEMO.read_text(encoding="utf-8"))["utterances"]]
    with Store.open(tmp_path / "home") as s:
        s.save_call(said, analyze(said, STARTED, vertical="sales"), started_at=STARTED, source="demo")
        yield s


def dialog_for(qtbot, store: Store, now: datetime) -> FollowUpsDialog:
    dialog = FollowUpsDialog(lambda include_done: store.list_followups(include_done=include_done),
                             lambda i, done: store.mark_followup_done(i, done), store.snooze_followup,
                             now=lambda: now)
    qtbot.addWidget(dialog)
    return dialog


def texts(dialog: FollowUpsDialog, column: int) -> list[str]:
    return [dialog.table.item(r, column).text() for r in range(dialog.table.rowCount())]


def test_the_list_shows_due_what_and_kind_soonest_first(qtbot, store):
    dialog = dialog_for(qtbot, store, STARTED + timedelta(minutes=10))  # just after the call
    assert texts(dialog, 2) == ["Recap", "Follow-up", "Confirmation"]
    assert texts(dialog, 1)[0] == "Send the recap email to Dana"
    assert texts(dialog, 1)[2] == "Confirm Tuesday's live demo with Dana and Marcus"
    assert texts(dialog, 0) == ["in 2 h", "in 3 days", "in 3 days"]
    assert dialog.summary.text() == "3 to do"


def test_overdue_done_and_undo_go_through_the_store(qtbot, store):
    later = datetime(2026, 12, 5, 8, 0)  # the next morning: the recap is overdue
    dialog = dialog_for(qtbot, store, later)
    assert texts(dialog, 0)[0] == "overdue" and dialog.summary.text() == "3 to do, 1 overdue"
    recap = dialog.items[0]
    qtbot.mouseClick(dialog.table.cellWidget(0, 3).findChild(QPushButton, f"done-{recap.id}"), Qt.MouseButton.LeftButton)
    assert store.get_followup(recap.id).done
    assert [f.kind for f in dialog.items] == ["follow_up", "confirmation"]  # done ones hidden
    dialog.show_done.setChecked(True)
    assert texts(dialog, 0)[0] == "done" and dialog.table.item(0, 1).font().strikeOut()
    dialog.set_done(recap.id, False)
    assert not store.get_followup(recap.id).done


def test_snooze_moves_the_due_time_by_the_menu_choice(qtbot, store):
    now = datetime(2026, 12, 4, 12, 0)
    dialog = dialog_for(qtbot, store, now)
    recap = dialog.items[0]
    button = dialog.table.cellWidget(0, 3).findChild(QToolButton, f"snooze-{recap.id}")
    labels = [a.text() for a in button.menu().actions()]
    assert labels == ["1 hour", "Tomorrow 9:00"]
    button.menu().actions()[1].trigger()
    moved = store.get_followup(recap.id)
    assert moved.due == datetime(2026, 12, 5, 9, 0) and moved.original_due == recap.due
    assert [f.id for f in dialog.items].index(recap.id) == 0  # still the soonest: the others are days away
    dialog.snooze_by(recap.id, "1 hour")
    assert store.get_followup(recap.id).due == now + timedelta(hours=1)
    assert dict(snooze_choices(now))["1 hour"] == now + timedelta(hours=1)


def test_a_history_that_cannot_be_written_is_one_line(qtbot, store):
    def refuse(_i: int, _d: bool) -> None:
        raise OutputError("cannot write the history: disk full")

    dialog = FollowUpsDialog(lambda d: store.list_followups(include_done=d), refuse, store.snooze_followup,
                             now=lambda: STARTED)
    qtbot.addWidget(dialog)
    dialog.set_done(dialog.items[0].id)
    assert dialog.problem.text() == "cannot write the history: disk full" and not dialog.problem.isHidden()
    assert not store.get_followup(dialog.items[0].id).done


def test_nothing_due_says_so(qtbot, tmp_path):
    with Store.open(tmp_path / "empty") as s:
        dialog = dialog_for(qtbot, s, STARTED)
        assert dialog.table.isHidden() and not dialog.empty.isHidden() and dialog.summary.text() == "0 to do"


def test_the_windows_follow_ups_button_lists_the_calls_follow_ups(qtbot, tmp_path, built):
    """Through the window as the rep uses it: a call analysed into the history, then Follow-ups lists its cadence."""
    from datetime import datetime

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from copilot.call import CallService, build_config
    from copilot.session.transcript import load_transcript
    from copilot.ui.followups import FollowUpsDialog

    home = tmp_path / "home"
    service = CallService(build_config(data_dir=home, environ={}))
    transcript = load_transcript(Path(__file__).resolve().parents[1] / "data" / "calls" / "sales-04.json")
    service.analyze(transcript, source="sales-04.json", started_at=datetime(2026, 12, 4, 10, 5))
    app = built(str(home), recover=False)
    seen = {}

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, FollowUpsDialog)
        seen["kinds"] = [item.kind for item in dialog.items]
        dialog.accept()

    QTimer.singleShot(0, look)
    app.window.followups_requested.emit()
    assert "recap" in seen["kinds"]
