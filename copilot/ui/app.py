"""The app's composition root: settings, logging, crash hooks, the bridge, the model and the window.

``copilot`` (no sub-command) and ``copilot demo`` both come through ``build_app``; they differ only
in how a call starts (live devices, or the bundled recording replayed through the same pipeline).
"""

from __future__ import annotations

import logging
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from copilot.errors import CopilotError
from copilot.ui import crash
from copilot.ui.bridge import EventBridge
from copilot.ui.calls import StartCall, live_call_starter
from copilot.ui.model import CallModel
from copilot.ui.settings import AppSettings, load_settings, save_settings
from copilot.ui.window import MainWindow

log = logging.getLogger(__name__)

APP_ID = "io.github.callcopilot.CallCopilot"
ICON = Path(__file__).resolve().parents[2] / "packaging" / f"{APP_ID}.svg"


@dataclass
class App:
    """What ``build_app`` made; kept together so nothing is garbage-collected early."""

    qapp: QApplication
    window: MainWindow
    model: CallModel
    bridge: EventBridge
    settings: AppSettings
    home: Path
    reporter: crash.CrashReporter


def qt_app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Call Copilot")
        app.setDesktopFileName(APP_ID)
        if ICON.is_file():
            app.setWindowIcon(QIcon(str(ICON)))
    return app  # type: ignore[return-value]


def home_folder(data_dir: str | None) -> tuple[Path, str | None]:
    """The data folder, or a temporary one with the reason when it cannot be made (the app still opens)."""
    from copilot.store.paths import data_dir as resolve

    try:
        return resolve(data_dir), None
    except CopilotError as exc:
        fallback = Path(tempfile.mkdtemp(prefix="call-copilot-"))
        return fallback, f"{exc}; using {fallback} for now (nothing will be kept after you quit)"


def build_app(data_dir: str | None, *, start_call: StartCall | None = None, title: str = "Call Copilot",
              settings_override: AppSettings | None = None, speed: float = 1.0) -> App:
    qapp = qt_app()
    home, problem = home_folder(data_dir)
    log_file = crash.setup_logging(home / "logs")
    settings = settings_override or load_settings(home)
    bridge = EventBridge()
    model = CallModel(speed=speed)
    window = MainWindow(model, bridge, settings, start_call=start_call or live_call_starter(home), title=title)
    reporter = crash.install(window.show_problem, log_file)
    app = App(qapp, window, model, bridge, settings, home, reporter)
    window.settings_requested.connect(lambda: edit_settings(app))
    window.history_requested.connect(lambda: show_history(app))
    if problem:
        window.show_problem(problem)
    return app


def edit_settings(app: App) -> None:
    from copilot.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(app.settings, app.window)
    if not dialog.exec():
        return
    app.settings = dialog.result_settings()
    app.window.settings = app.settings
    app.model.set_planned_length(app.settings.planned_minutes * 60.0)
    try:
        save_settings(app.home, app.settings)
    except CopilotError as exc:
        app.window.show_problem(f"settings not saved: {exc}")


def show_history(app: App) -> None:
    from copilot.store import Store
    from copilot.ui.patterns import PatternDialog

    try:
        with Store.open(app.settings.data_dir or app.home) as store:
            calls = store.list_calls(last=50)
            pattern = store.pattern(last=50)
    except CopilotError as exc:
        app.window.show_problem(str(exc))
        return
    PatternDialog(calls, pattern, app.window).exec()


def run(data_dir: str | None) -> int:
    """``copilot`` with no sub-command: the app, ready to start a live call."""
    app = build_app(data_dir)
    app.window.show()
    QTimer.singleShot(0, app.window.raise_)
    return int(app.qapp.exec())
