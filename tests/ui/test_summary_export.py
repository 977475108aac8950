"""After the call: the summary shows the verdict, and its export buttons write every file."""

from __future__ import annotations

import email
import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication

from copilot.export.bundle import EXPORT_NAMES
from copilot.session.transcript import load_transcript
from copilot.ui.summary import SummaryView

DEMO = Path(__file__).resolve().parents[2] / "assets" / "demo" / "demo_call.json"


@pytest.fixture
def summary(qtbot, jobs) -> SummaryView:
    from copilot.coach import analyze

    transcript = load_transcript(DEMO)
    verdict = analyze(transcript.utterances, datetime(2026, 11, 19, 10, 0), vertical="sales")
    view = SummaryView(jobs)
    qtbot.addWidget(view)
    view.set_call(verdict, list(transcript.utterances), "2026-11-19T10:00:00")
    return view


def test_summary_shows_verdict_and_reason(summary):
    assert summary.headline.text().startswith("✔ Next step secured")
    assert "commitment 5/5" in summary.headline.text()
    assert summary.verdict is not None
    assert summary.reason.text() == summary.verdict.reason and summary.reason.text()
    details = summary.details.toPlainText()
    assert "Next step" in details and "Criteria" in details and "Close stages" in details
    assert summary.buttons["ics"].isEnabled()


def export(qtbot, summary: SummaryView, write) -> str:
    """Run one export (it writes in the background) and return what the summary said it wrote."""
    with qtbot.waitSignal(summary.message, timeout=30_000) as said:
        write()
    return said.args[0]


def test_save_all_writes_every_export(summary, tmp_path, qtbot):
    from PySide6.QtCore import QThread

    gui = QThread.currentThread()
    got: list[tuple[list[Path], bool]] = []
    failed: list[str] = []
    said = export(qtbot, summary, lambda: summary.export_all(
        tmp_path / "out", on_written=lambda paths: got.append((paths, QThread.currentThread() is gui)),
        on_failed=failed.append))
    [(written, on_gui_thread)] = got
    assert on_gui_thread and failed == []
    assert said == f"{len(EXPORT_NAMES)} files written to {tmp_path / 'out'}"
    assert sorted(p.name for p in written) == sorted(EXPORT_NAMES)
    for name in EXPORT_NAMES:
        assert (tmp_path / "out" / name).stat().st_size > 0, name
    verdict = json.loads((tmp_path / "out" / "verdict.json").read_text())
    assert verdict["next_steps_secured"] is True
    assert (tmp_path / "out" / "verdict.pdf").read_bytes().startswith(b"%PDF")
    assert b"BEGIN:VEVENT" in (tmp_path / "out" / "next_step.ics").read_bytes()


def test_each_button_writes_its_file(summary, tmp_path, qtbot):
    for suffix in (".txt", ".md", ".srt", ".vtt", ".json"):
        path = tmp_path / f"transcript{suffix}"
        assert export(qtbot, summary, lambda: summary.export_transcript(path)) == f"transcript saved to {path}"
        assert path.read_text().strip(), suffix
    assert "Tuesday at 2pm works" in (tmp_path / "transcript.txt").read_text()
    assert "report" in export(qtbot, summary, lambda: summary.export_verdict(tmp_path / "report.md"))
    md, pdf = tmp_path / "report.md", tmp_path / "report.pdf"
    assert md.read_text().strip() and pdf.read_bytes().startswith(b"%PDF")
    eml = tmp_path / "recap.eml"
    assert export(qtbot, summary, lambda: summary.export_eml(eml)) == f"recap email saved to {eml}"
    message = email.message_from_bytes(eml.read_bytes())
    assert message["Subject"]
    ics = tmp_path / "invite.ics"
    assert export(qtbot, summary, lambda: summary.export_ics(ics)) == f"calendar invite saved to {ics}"
    assert b"DTSTART" in ics.read_bytes() and b"20261124T140000" in ics.read_bytes()


def test_copy_recap_puts_the_email_on_the_clipboard(summary):
    text = summary.copy_recap()
    assert text and QGuiApplication.clipboard().text() == text


def test_an_unwritable_folder_is_a_message_not_a_crash(summary, tmp_path, qtbot, jobs):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    failed: list[str] = []
    with qtbot.waitSignal(summary.error, timeout=30_000) as got:
        summary.export_all(blocker / "out", on_written=lambda paths: pytest.fail("nothing can be written there"),
                           on_failed=failed.append)
    assert got.args[0] and failed == [got.args[0]] and "\n" not in got.args[0]
    assert not (blocker / "out").exists()
    with qtbot.waitSignal(summary.error) as got:
        summary.export_transcript(tmp_path / "transcript.docx")
    assert ".txt" in got.args[0] and not (tmp_path / "transcript.docx").exists()
    assert jobs.reported.problems == []  # known errors, shown by the summary: not reported as bugs


def test_no_agreed_time_means_no_invite_and_says_why(summary, tmp_path, qtbot):
    assert summary.verdict is not None
    no_step = replace(summary.verdict, state=replace(summary.verdict.state, next_step=None))
    summary.set_call(no_step, summary.utterances, summary.started_at)
    assert not summary.buttons["ics"].isEnabled()
    with qtbot.waitSignal(summary.error, timeout=30_000) as got:
        summary.export_ics(tmp_path / "invite.ics")
    assert "nothing to put in a calendar" in got.args[0] and not (tmp_path / "invite.ics").exists()
