"""Settings: starting when a call starts, the rep's name and the names to expect — shown, chosen, and saved through
the app's own settings flow (the dialog, the service's configuration, settings.json)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from copilot.call.settings import AppSettings, load_settings
from copilot.ui.settings_dialog import SettingsDialog


def test_the_dialog_shows_and_returns_auto_start_name_and_vocabulary(qtbot):
    dialog = SettingsDialog(AppSettings(auto_start="ask", rep_name="Dana Lee", vocabulary="Acme, SOC 2"))
    qtbot.addWidget(dialog)
    assert [dialog.auto_start.itemText(i) for i in range(dialog.auto_start.count())] == ["Off", "Ask", "Start"]
    assert dialog.auto_start.currentText() == "Ask"
    assert (dialog.rep_name.text(), dialog.vocabulary.text()) == ("Dana Lee", "Acme, SOC 2")
    dialog.auto_start.setCurrentText("Start")
    dialog.rep_name.setText("  Sam Ortiz ")
    dialog.vocabulary.setText("   ")  # nothing but blanks: no vocabulary
    result = dialog.result_settings()
    assert (result.auto_start, result.rep_name, result.vocabulary) == ("start", "Sam Ortiz", None)


def test_defaults_read_off_and_empty(qtbot):
    dialog = SettingsDialog(AppSettings())
    qtbot.addWidget(dialog)
    assert dialog.auto_start.currentText() == "Off" and dialog.rep_name.text() == "" == dialog.vocabulary.text()
    result = dialog.result_settings()
    assert (result.auto_start, result.rep_name, result.vocabulary) == ("off", None, None)


def test_the_calendar_and_working_hours_are_shown_and_returned(qtbot):
    from PySide6.QtCore import QTime

    dialog = SettingsDialog(AppSettings(calendars=("~/cal/work.ics",), work_start="08:30", work_end="16:00",
                                        meeting_minutes=45, days_ahead=10))
    qtbot.addWidget(dialog)
    assert dialog.calendars.text() == "~/cal/work.ics"
    assert (dialog.work_start.time().toString("HH:mm"), dialog.work_end.time().toString("HH:mm")) == ("08:30", "16:00")
    assert (dialog.meeting_minutes.value(), dialog.days_ahead.value()) == (45, 10)
    dialog.calendars.setText(" ~/cal/work.ics ;  ; /srv/team calendars ")
    dialog.work_end.setTime(QTime(17, 30))
    dialog.meeting_minutes.setValue(60)
    result = dialog.result_settings()
    assert result.calendars == ("~/cal/work.ics", "/srv/team calendars")
    assert (result.work_start, result.work_end, result.meeting_minutes, result.days_ahead) == ("08:30", "17:30", 60, 10)
    assert AppSettings.from_dict(result.to_dict()) == result  # what the dialog returns survives settings.json


def test_chosen_in_the_dialog_saved_configured_and_acted_on(qtbot, tmp_path, built, monkeypatch):
    """Through ``edit_settings`` as the Settings button runs it: the choice reaches settings.json, the call
    service's configuration, and the watcher (here, with no sound server, as one line in the window)."""
    from copilot.ui.app import edit_settings

    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("PULSE_SERVER", f"unix:{runtime}/nobody-here")
    home = tmp_path / "home"
    app = built(str(home), recover=False)
    assert app.auto_start is not None and app.auto_start.mode == "off"

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, SettingsDialog)
        dialog.auto_start.setCurrentText("Ask")
        dialog.rep_name.setText("Dana Lee")
        dialog.vocabulary.setText("Acme Corp, Priya Raman")
        dialog.accept()

    QTimer.singleShot(0, choose)
    edit_settings(app)
    saved = load_settings(home)
    assert (saved.auto_start, saved.rep_name, saved.vocabulary) == ("ask", "Dana Lee", "Acme Corp, Priya Raman")
    config = app.service.config
    assert (config.auto_start, config.rep_name, config.vocabulary) == ("ask", "Dana Lee", "Acme Corp, Priya Raman")
    assert app.auto_start.mode == "ask" and not app.auto_start.watching
    assert "no PulseAudio/PipeWire server answered" in app.window.problem.text()


def test_your_voice_shows_the_profile_and_records_on_demand(qtbot):
    """The dialog's part of enrolment: what the profile rests on, "Record 20 s" disabled while it records, and the
    answer shown (the recording itself is the service's, tested against a real microphone in tests/live)."""
    asked = []

    def enrol(done, failed):
        asked.append((done, failed))

    dialog = SettingsDialog(AppSettings(), enrol_voice=enrol)
    qtbot.addWidget(dialog)
    assert dialog.voice_status.text().startswith("not enrolled")
    dialog.enrol.click()
    assert len(asked) == 1 and not dialog.enrol.isEnabled()
    assert "speak naturally" in dialog.voice_status.text()
    asked[0][1]("the microphone: only 2 s of speech")
    assert dialog.voice_status.text() == "Not enrolled: the microphone: only 2 s of speech" and dialog.enrol.isEnabled()
    dialog.enrol.click()
    asked[1][0]("enrolled from 19 s of your speech (updated 2026-12-02)")
    assert dialog.voice_status.text().startswith("enrolled from 19 s") and dialog.enrol.isEnabled()
    shown = SettingsDialog(AppSettings(), voice="enrolled from 45 s of your speech (updated 2026-11-30)")
    qtbot.addWidget(shown)
    assert shown.voice_status.text().startswith("enrolled from 45 s") and not shown.enrol.isEnabled()
