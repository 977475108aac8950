"""The summary page's recap editor and action plan: the recap is edited before it is copied or saved, and the plan
is edited (status, owner, date, rows added and removed), saved to the account's file and exported."""

from __future__ import annotations

import csv
import email
import json
from datetime import datetime
from email import policy
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox

from copilot.actionplan.store import load_plan, plan_path
from copilot.calendar.events import CalendarEvent
from copilot.session.transcript import load_transcript
from copilot.ui.summary import SummaryView

DEMO = Path(__file__).resolve().parents[2] / "assets" / "demo" / "demo_call.json"
STARTED = "2026-12-04T10:05:00"


@pytest.fixture
def page(qtbot, jobs, tmp_path) -> SummaryView:
    from copilot.coach import analyze

    transcript = load_transcript(DEMO)
    verdict = analyze(transcript.utterances, datetime(2026, 12, 4, 10, 5), vertical="sales")
    view = SummaryView(jobs)
    qtbot.addWidget(view)
    meeting = CalendarEvent(datetime(2026, 12, 4, 10, 5), datetime(2026, 12, 4, 10, 35), "Northwind - support",
                            attendees=("Sam Ortiz", "Dana Whitfield", "Marcus Lee"))
    view.set_call(verdict, list(transcript.utterances), STARTED, meeting=meeting, rep_name="Sam Ortiz",
                  data_dir=tmp_path / "data")
    return view


def _wait(qtbot, view: SummaryView, write) -> str:
    with qtbot.waitSignal(view.message, timeout=30_000) as said:
        write()
    return said.args[0]


def test_the_recap_is_drafted_in_the_template_and_edited_before_copy_and_save(page, qtbot, tmp_path):
    draft = page.recap.toPlainText()
    for section in ("Key takeaways:", "Agreed next steps:", "Materials promised:", "Scheduled meeting:",
                    "Looking forward to"):
        assert section in draft
    assert "- Attendees: Dana, Marcus Lee, Sam Ortiz" in draft
    # the rep edits the draft: a line typed at the end of the takeaways
    cursor = page.recap.textCursor()
    cursor.setPosition(draft.index("\n\nAgreed next steps:"))
    page.recap.setTextCursor(cursor)
    qtbot.keyClick(page.recap, Qt.Key.Key_Return)
    qtbot.keyClicks(page.recap, "- You also want the Shopify returns flow covered")
    edited = page.recap.toPlainText()
    assert "- You also want the Shopify returns flow covered\n\nAgreed next steps:" in edited
    assert page.copy_recap() == edited and QGuiApplication.clipboard().text() == edited
    eml = tmp_path / "recap.eml"
    _wait(qtbot, page, lambda: page.export_eml(eml))
    body = email.message_from_bytes(eml.read_bytes(), policy=policy.default).get_content().replace("\r\n", "\n")
    assert body.rstrip() == edited.rstrip()
    # and the bundle's recap.eml is the edited one too
    _wait(qtbot, page, lambda: page.export_all(tmp_path / "out"))
    bundled = email.message_from_bytes((tmp_path / "out" / "recap.eml").read_bytes(), policy=policy.default)
    assert "Shopify returns flow covered" in bundled.get_content()
    page.redraft_recap()
    assert page.recap.toPlainText() == draft


def test_the_plan_shows_the_accounts_rows_and_saves_each_edit(page, qtbot, tmp_path):
    table = page.plan_editor.table
    assert page.plan_editor.account_edit.text() == "Northwind"  # from the calendar meeting's title
    actions = [table.item(r, 1).text() for r in range(table.rowCount())]
    assert actions[0] == "Live demo with Dana and Marcus" and "Bring the cost per ticket model" in actions
    stored = tmp_path / "data" / "action_plans" / "northwind.json"
    assert stored.exists()

    # status: the cost model is done
    row = actions.index("Bring the cost per ticket model")
    combo = table.cellWidget(row, 3)
    assert isinstance(combo, QComboBox)
    combo.setCurrentText("done")
    # owner and date edited in their cells
    table.item(row, 2).setText("Sam Ortiz")
    table.item(row, 0).setText("2026-12-07")
    # a row added and filled, another removed
    new = page.plan_editor.add_row()
    table.item(new, 1).setText("Security questionnaire to IT")
    table.item(new, 2).setText("Dana")
    table.item(new, 0).setText("2026-12-10")
    dependency = next(r for r in range(table.rowCount()) if table.item(r, 4).text() == "dependency")
    table.setCurrentCell(dependency, 1)
    page.plan_editor.remove_selected()

    plan = load_plan(tmp_path / "data", "Northwind")
    assert plan is not None
    rows = {s.action: s for s in plan.steps}
    assert (rows["Bring the cost per ticket model"].status, rows["Bring the cost per ticket model"].owner,
            rows["Bring the cost per ticket model"].date) == ("done", "Sam Ortiz", "2026-12-07")
    assert rows["Security questionnaire to IT"].owner == "Dana"
    assert not any(s.kind == "dependency" for s in plan.steps)

    # the exports carry the edited plan
    _wait(qtbot, page, lambda: page.export_all(tmp_path / "out"))
    with open(tmp_path / "out" / "action_plan.csv", encoding="utf-8", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert {"date": "2026-12-10", "action": "Security questionnaire to IT", "owner": "Dana", "status": "open"} \
        in exported
    assert "| done | material |" in (tmp_path / "out" / "action_plan.md").read_text(encoding="utf-8")


def test_a_bad_date_is_refused_with_one_line(page, qtbot):
    table = page.plan_editor.table
    before = table.item(0, 0).text()
    with qtbot.waitSignal(page.error) as got:
        table.item(0, 0).setText("next tuesday")
    assert "is not a date" in got.args[0] and "\n" not in got.args[0]
    assert table.item(0, 0).text() == before


def test_the_next_call_with_the_account_keeps_the_earlier_rows(page, qtbot, jobs, tmp_path):
    table = page.plan_editor.table
    table.cellWidget(1, 3).setCurrentText("done")
    # a second call of the same account: the demo itself, four days later
    from copilot.coach import analyze
    from copilot.session.utterance import Utterance

    said = [Utterance("rep", 0.0, 4.0, "How about a proposal review with Marcus on Friday the 18th at 11am?"),
            Utterance("prospect", 5.0, 8.0, "Friday the 18th at 11 works."),
            Utterance("prospect", 9.0, 12.0, "Honestly, the budget approval timeline is unclear."),
            Utterance("rep", 13.0, 15.0, "Thanks, Dana. Talk Friday.")]
    second = SummaryView(jobs)
    qtbot.addWidget(second)
    second.set_call(analyze(said, datetime(2026, 12, 8, 14, 0), vertical="sales"), said, "2026-12-08T14:00:00",
                    rep_name="Sam Ortiz", data_dir=tmp_path / "data", account="Northwind")
    plan = second.plan_editor.plan()
    statuses = {s.action: s.status for s in plan.steps}
    assert statuses["Live demo with Dana and Marcus"] == "done"  # this second call was the demo
    assert page.plan_editor.plan().steps[1].action in statuses and statuses[page.plan_editor.plan().steps[1].action] \
        == "done"  # the first page's edit was saved and kept
    assert any(a.startswith("Proposal review") for a in statuses)
    assert any("budget approval timeline is unclear" in r.text for r in plan.risks)
    assert json.loads(plan_path(tmp_path / "data", "Northwind").read_text())["calls"] == [
        "2026-12-04T10:05", "2026-12-08T14:00"]


def test_renaming_the_account_moves_this_calls_rows(page, qtbot, tmp_path):
    edit = page.plan_editor.account_edit
    edit.setText("Northwind Traders")
    edit.editingFinished.emit()
    assert load_plan(tmp_path / "data", "Northwind Traders") is not None
    old = load_plan(tmp_path / "data", "Northwind")
    assert old is not None and old.steps == ()
    assert page.plan_editor.table.rowCount() > 0


def test_tabs_show_the_recap_and_the_plan(page):
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["Verdict", "Recap email", "Action plan"]
    assert page.buttons["plan"].isEnabled()
    assert page.plan_editor.table.horizontalHeaderItem(3).text() == "Status"
    assert Qt.ItemFlag.ItemIsEditable not in page.plan_editor.table.item(0, 4).flags()
