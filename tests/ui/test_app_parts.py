"""The app's composition, settings and the pattern view."""

from __future__ import annotations

import json
import logging
import sys
import threading

import pytest
from PySide6.QtCore import qInstallMessageHandler

from copilot.ui.app import build_app
from copilot.ui.patterns import PatternDialog
from copilot.ui.settings import AppSettings, load_settings, save_settings
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
    dialog = SettingsDialog(AppSettings(), list_devices=False)
    qtbot.addWidget(dialog)
    dialog.planned.setValue(45)
    dialog.vertical.setCurrentText("customer_success")
    dialog.data_dir.setText("/tmp/elsewhere")
    result = dialog.result_settings()
    assert (result.planned_minutes, result.vertical, result.data_dir, result.mic) == (45, "customer_success",
                                                                                       "/tmp/elsewhere", None)


@pytest.fixture
def restore_hooks(monkeypatch):
    """build_app installs process-wide hooks; put pytest's own back afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    handlers = list(logging.getLogger().handlers)
    level = logging.getLogger().level
    previous = qInstallMessageHandler(None)
    qInstallMessageHandler(previous)
    yield
    qInstallMessageHandler(previous)
    root = logging.getLogger()
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_build_app_opens_a_ready_window_with_the_saved_settings(qtbot, tmp_path, restore_hooks):
    save_settings(tmp_path, AppSettings(planned_minutes=45))
    app = build_app(str(tmp_path))
    qtbot.addWidget(app.window)
    assert app.settings.planned_minutes == 45
    assert app.model.planned_length_s == 45 * 60
    assert app.window.start_button.isEnabled() and app.model.phase == "idle"
    assert (tmp_path / "logs" / "copilot.log").exists()
    assert sys.excepthook == app.reporter.excepthook


def test_pattern_dialog_lists_calls_and_charts_commitment(qtbot):
    calls = [{"id": 2, "started_at": "2026-11-20T10:00:00", "vertical": "sales", "next_steps_secured": True,
              "commitment_level": 5, "utterance_count": 20, "status": "complete"},
             {"id": 1, "started_at": "2026-11-19T10:00:00", "vertical": "sales", "next_steps_secured": False,
              "commitment_level": 2, "utterance_count": 12, "status": "complete"}]
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
