"""The app's composition, settings and the pattern view."""

from __future__ import annotations

import json
import shutil
import sys

from copilot.call import CallSummary
from copilot.call.settings import AppSettings, load_settings, save_settings
from copilot.ui.patterns import PatternDialog
from copilot.ui.settings_dialog import SettingsDialog


def test_settings_round_trip_and_survive_a_damaged_file(tmp_path):
    assert load_settings(tmp_path) == AppSettings()  # nothing saved yet: the defaults, audio not kept
    assert AppSettings().keep_audio is False
    chosen = AppSettings(mic="USB mic", model="base", planned_minutes=45, vertical="recruiting")
    save_settings(tmp_path, chosen)
    assert load_settings(tmp_path) == chosen
    (tmp_path / "settings.json").write_text("{not json")
    assert load_settings(tmp_path) == AppSettings()
    (tmp_path / "settings.json").write_text(json.dumps({"vertical": "astrology", "planned_minutes": 9999,
                                                        "unknown": 1}))
    assert load_settings(tmp_path) == AppSettings()


def test_settings_dialog_returns_what_was_chosen(qtbot):
    dialog = SettingsDialog(AppSettings())  # no device listing: only the system defaults to choose from
    qtbot.addWidget(dialog)
    assert [dialog.mic.itemText(i) for i in range(dialog.mic.count())] == ["(system default)"]
    dialog.planned.setValue(45)
    dialog.vertical.setCurrentText("customer_success")
    dialog.data_dir.setText("/tmp/elsewhere")
    result = dialog.result_settings()
    assert (result.planned_minutes, result.vertical, result.data_dir, result.mic) == (45, "customer_success",
                                                                                       "/tmp/elsewhere", None)


def test_settings_dialog_lists_the_devices_it_is_given(qtbot):
    from copilot.audio.devices import DeviceReport, InputDevice, SystemAudio

    report = DeviceReport([InputDevice(0, "USB mic", "ALSA", 1, 48000.0, True)],
                          [SystemAudio("speakers.monitor", "pulse-monitor", True)], ["a note about loopback"])
    dialog = SettingsDialog(AppSettings(mic="USB mic"), devices=lambda: report)
    qtbot.addWidget(dialog)
    assert [dialog.mic.itemText(i) for i in range(dialog.mic.count())] == ["(system default)", "USB mic"]
    assert dialog.mic.currentText() == "USB mic"
    assert "speakers.monitor" in [dialog.system.itemText(i) for i in range(dialog.system.count())]
    dialog.system.setCurrentText("speakers.monitor")
    assert (dialog.result_settings().mic, dialog.result_settings().system_source) == ("USB mic", "speakers.monitor")


def test_settings_dialog_opens_when_devices_cannot_be_listed(qtbot):
    def broken():
        raise OSError("PortAudio library not found")

    dialog = SettingsDialog(AppSettings(), devices=broken)
    qtbot.addWidget(dialog)
    assert dialog.mic.count() == 1 and dialog.result_settings().mic is None


def test_build_app_opens_a_ready_window_with_the_saved_settings(qtbot, tmp_path, built):
    save_settings(tmp_path, AppSettings(planned_minutes=45, vertical="customer_success"))
    app = built(str(tmp_path))
    assert app.settings.planned_minutes == 45
    assert app.model.planned_length_s == 45 * 60
    assert app.service.config.data_dir == tmp_path and app.service.config.vertical == "customer_success"
    assert app.window.start_button.isEnabled() and app.model.phase == "idle"
    assert (tmp_path / "logs" / "copilot.log").exists()
    assert sys.excepthook == app.reporter.excepthook
    qtbot.waitUntil(lambda: not app.jobs.busy, timeout=120_000)  # the model loaded, nothing to recover
    assert app.window.recovered == [] and not app.window.problem.isVisible()


def test_build_app_with_a_missing_model_says_so_and_stays_open(qtbot, tmp_path, built):
    app = built(str(tmp_path), model=str(tmp_path / "no-such-model"))
    qtbot.waitUntil(app.window.problem.isVisible, timeout=60_000)  # the model is loaded in the background
    assert "model" in app.window.problem.text().lower()
    assert app.model.phase == "idle" and app.window.start_button.isEnabled()


def test_build_app_with_an_unusable_data_folder_falls_back_and_says_so(qtbot, tmp_path, built):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = built(str(blocker / "home"))
    assert app.window.problem.isVisible() and "nothing will be kept" in app.window.problem.text()
    assert app.home != blocker / "home" and app.home.is_dir()
    shutil.rmtree(app.home)  # the temporary folder the app fell back to


def test_pattern_dialog_lists_calls_and_charts_commitment(qtbot):
    calls = [CallSummary(id=2, started_at="2026-11-20T10:00:00", source="live", vertical="sales",
                         status="complete", next_steps_secured=True, commitment_level=5, utterance_count=20,
                         reason="secured", criteria={}, stages={}),
             CallSummary(id=1, started_at="2026-11-19T10:00:00", source="live", vertical="sales",
                         status="complete", next_steps_secured=False, commitment_level=2, utterance_count=12,
                         reason="not secured", criteria={}, stages={})]
    pattern = {"sentences": ["Ends calls without commitment 50% of the time (1 of 2 calls)."],
               "commitment_over_time": [{"id": 1, "started_at": "2026-11-19T10:00:00", "level": 2},
                                        {"id": 2, "started_at": "2026-11-20T10:00:00", "level": 5}]}
    dialog = PatternDialog(calls, pattern)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2 and dialog.table.item(0, 2).text() == "yes"
    assert [p["level"] for p in dialog.chart.points] == [2, 5]
    assert dialog.chart.secured == {2: True, 1: False}
    assert "50%" in dialog.sentences.text()
    dialog.chart.grab()  # paints without error


def test_build_app_collects_garbage_on_the_gui_thread_only(tmp_path):
    """In a fresh process (this one's collector is the test session's): the app turns automatic collection off and
    collects from the GUI thread (copilot.ui.collector — the cause of the segmentation fault of issue 10)."""
    import os
    import subprocess

    code = ("import gc, sys\n"
            "from copilot.ui import collector\n"
            "from copilot.ui.app import build_app\n"
            "assert gc.isenabled()\n"
            "app = build_app(sys.argv[1], recover=False)\n"
            "guard = collector.install(app.qapp)\n"
            "print(gc.isenabled(), guard.parent() is app.qapp, type(guard).__name__)\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True", "GuiThreadCollector"]


def test_the_coaching_list_and_transcript_empty_for_a_new_call_without_recursing(qtbot):
    """``reset`` is Qt's own name (QListWidget.clear calls it back): overriding it recursed into a segfault."""
    from copilot.ui.live_views import CoachingList, TranscriptView

    coaching, transcript = CoachingList(), TranscriptView()
    qtbot.addWidget(coaching)
    qtbot.addWidget(transcript)
    coaching.addItem("[00:10] Improvement - Control: …")
    coaching.forget()
    coaching.clear()  # calls QAbstractItemView.reset, which must be Qt's own
    transcript.setPlainText("Rep: hello")
    transcript.forget()
    assert coaching.count() == 0 and transcript.toPlainText() == ""
