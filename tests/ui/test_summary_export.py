"""After the call: the summary shows the verdict, and its export buttons write every file."""

from __future__ import annotations

import email
import json
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from copilot.export.bundle import EXPORT_NAMES
from copilot.session.transcript import load_transcript
from copilot.ui.summary import SummaryView

DEMO = Path(__file__).resolve().parents[2] / "assets" / "demo" / "demo_call.json"


@pytest.fixture
def summary(qtbot) -> SummaryView:
    from copilot.coach import analyze

    transcript = load_transcript(DEMO)
    verdict = analyze(transcript.utterances, datetime(2026, 11, 19, 10, 0), vertical="sales")
    view = SummaryView()
    qtbot.addWidget(view)
    view.set_call(verdict, list(transcript.utterances), "2026-11-19T10:00:00")
    return view


def test_summary_shows_verdict_and_reason(summary):
    assert summary.headline.text().startswith("✔ Next step secured")
    assert "commitment 5/5" in summary.headline.text()
    assert summary.reason.text() == summary.verdict["reason"] and summary.reason.text()
    details = summary.details.toPlainText()
    assert "Next step" in details and "Criteria" in details and "Close stages" in details
    assert summary.buttons["ics"].isEnabled()


def test_save_all_writes_every_export(summary, tmp_path):
    written = summary.export_all(tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(EXPORT_NAMES)
    for name in EXPORT_NAMES:
        assert (tmp_path / "out" / name).stat().st_size > 0, name
    verdict = json.loads((tmp_path / "out" / "verdict.json").read_text())
    assert verdict["next_steps_secured"] is True
    assert (tmp_path / "out" / "verdict.pdf").read_bytes().startswith(b"%PDF")
    assert b"BEGIN:VEVENT" in (tmp_path / "out" / "next_step.ics").read_bytes()


def test_each_button_writes_its_file(summary, tmp_path):
    for suffix in (".txt", ".md", ".srt", ".vtt", ".json"):
        [path] = summary.export_transcript(tmp_path / f"transcript{suffix}")
        assert path.read_text().strip(), suffix
    assert "Tuesday at 2pm works" in (tmp_path / "transcript.txt").read_text()
    md, pdf = summary.export_verdict(tmp_path / "report.md")
    assert md.suffix == ".md" and pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")
    [eml] = summary.export_eml(tmp_path / "recap.eml")
    message = email.message_from_bytes(eml.read_bytes())
    assert message["Subject"]
    [ics] = summary.export_ics(tmp_path / "invite.ics")
    assert b"DTSTART" in ics.read_bytes() and b"20261124T140000" in ics.read_bytes()


def test_copy_recap_puts_the_email_on_the_clipboard(summary):
    text = summary.copy_recap()
    assert text and QGuiApplication.clipboard().text() == text


def test_an_unwritable_folder_is_a_message_not_a_crash(summary, tmp_path, qtbot):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with qtbot.waitSignal(summary.error) as got:
        assert summary.export_all(blocker / "out") == []
    assert got.args[0]
    with qtbot.waitSignal(summary.error):
        assert summary.export_transcript(tmp_path / "transcript.docx") == []
