"""The app's composition root: configuration, logging, crash hooks, the call service, the bridge, the window.

``copilot`` (no sub-command) and ``copilot demo`` both come through ``build_app``; they differ only in how a
call starts (the live devices, or the bundled recording replayed through the same pipeline). Everything that
touches audio, the speech model or the history goes through the one ``CallService``; everything slow runs as a
background job (``copilot.ui.jobs``) with its answer on the GUI thread.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from copilot.call import (
    AppSettings,
    CallService,
    History,
    RecoveredCall,
    build_config,
    load_settings,
    save_settings,
)
from copilot.call.events import EventSink
from copilot.call.mic import watch_microphone
from copilot.call.service import usable_config
from copilot.errors import CopilotError
from copilot.ui import collector, crash
from copilot.ui.auto_start import AutoStart, AutoStartBar, StartWatch
from copilot.ui.bridge import EventBridge
from copilot.ui.jobs import Jobs
from copilot.ui.model import CallModel
from copilot.ui.window import CallHandle, MainWindow

log = logging.getLogger(__name__)

APP_ID = "io.github.callcopilot.CallCopilot"
ICON = Path(__file__).resolve().parents[2] / "packaging" / f"{APP_ID}.svg"

StartCall = Callable[[CallService, EventSink], CallHandle]


@dataclass
class App:
    """What ``build_app`` made; kept together so nothing is garbage-collected early."""

    qapp: QApplication
    window: MainWindow
    model: CallModel
    bridge: EventBridge
    service: CallService
    settings: AppSettings
    home: Path
    jobs: Jobs
    reporter: crash.CrashReporter
    auto_start: AutoStart | None = None  # the live app only: "start when a call starts" (Settings)


def qt_app() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Call Copilot")
        app.setDesktopFileName(APP_ID)
        if ICON.is_file():
            app.setWindowIcon(QIcon(str(ICON)))
    return app  # type: ignore[return-value]


def start_live(service: CallService, sink: EventSink) -> CallHandle:
    return service.start_live(sink)


def build_app(data_dir: str | None, *, start_call: StartCall = start_live, title: str = "Call Copilot",
              settings_override: AppSettings | None = None, speed: float = 1.0, model: str | None = None,
              recover: bool = True, watch: StartWatch = watch_microphone) -> App:
    qapp = qt_app()
    collector.install(qapp)  # cyclic garbage (windows, bridges) is collected on the GUI thread, never a worker's
    config, problem = usable_config(build_config(data_dir=data_dir, settings=settings_override, model=model))
    settings = settings_override or load_settings(config.home)
    log_file = crash.setup_logging(config.home / "logs")
    service = CallService(config)
    bridge = EventBridge()
    model_ = CallModel(speed=speed, planned_length_s=config.planned_minutes * 60.0)
    reporter = crash.install(lambda text: app.window.show_problem(text), log_file)
    jobs = Jobs(reporter.problem)
    window = MainWindow(model_, bridge, settings, jobs=jobs, prepare=service.prepare,
                        start_call=lambda sink: start_call(service, sink), title=title)
    app = App(qapp, window, model_, bridge, service, settings, config.home, jobs, reporter)
    window.settings_requested.connect(lambda: edit_settings(app))
    window.history_requested.connect(lambda: show_history(app))
    window.followups_requested.connect(lambda: show_followups(app))
    window.data_dir = service.config.data_dir
    if start_call is start_live:  # a replay (the demo) never starts because another app records
        bar = AutoStartBar()
        window.add_banner(bar)
        app.auto_start = AutoStart(window, bar, watch=watch, parent=window)
        window.model.phase_changed.connect(
            lambda phase: app.auto_start.call_ended() if app.auto_start and phase != "live" else None)
        window.call_refused.connect(lambda _message: app.auto_start.call_ended() if app.auto_start else None)
        qapp.aboutToQuit.connect(app.auto_start.close)
        app.auto_start.set_mode(config.auto_start)
    if problem:
        window.show_problem(problem)
    if recover:
        jobs.run(service.recover, lambda found: _say_recovered(app, found), what="recovering interrupted calls")
    return app


def _say_recovered(app: App, found: list[RecoveredCall]) -> None:
    """The app recovers calls that died (a crash, a kill) at start, and says so."""
    if not found:
        return
    lines = sum(c.utterance_count for c in found)
    when = ", ".join(c.started_at[:16].replace("T", " ") for c in found)
    text = (f"Recovered {len(found)} interrupted call{'s' if len(found) != 1 else ''} ({when}; {lines} lines) "
            "into the history, marked interrupted.")
    log.warning(text)
    app.window.show_message(text)
    app.window.recovered = list(found)


def edit_settings(app: App) -> None:
    from copilot.ui.settings_dialog import ENROL_SECONDS, SettingsDialog

    def enrol(done: Callable[[str], None], failed: Callable[[str], None]) -> None:
        app.jobs.run(lambda: app.service.enrol_voice(ENROL_SECONDS), lambda status: done(status.describe()),
                     lambda exc: failed(str(exc)), what="enrolling your voice")

    try:
        profile = app.service.voice_profile()
    except CopilotError as exc:
        log.warning("the voice profile cannot be read: %s", exc)
        profile = None
    dialog = SettingsDialog(app.settings, app.window, devices=app.service.devices,
                            voice=profile.describe() if profile is not None else None, enrol_voice=enrol)
    if not dialog.exec():
        return
    app.settings = dialog.result_settings()
    app.window.settings = app.settings
    try:
        app.service.reconfigure(app.service.config.with_settings(app.settings))
        app.window.data_dir = app.service.config.data_dir
    except CopilotError as exc:
        app.window.show_problem(f"settings not applied: {exc}")
    app.model.set_planned_length(app.settings.planned_minutes * 60.0)
    if app.auto_start is not None:
        app.auto_start.set_mode(app.settings.auto_start)
    try:
        save_settings(app.home, app.settings)
    except CopilotError as exc:
        app.window.show_problem(f"settings not saved: {exc}")


def show_history(app: App) -> None:
    from copilot.ui.patterns import PatternDialog

    def show(history: History) -> None:
        PatternDialog(history.calls, history.pattern, app.window).exec()

    app.jobs.run(lambda: app.service.history(last=50), show, lambda exc: app.window.show_problem(str(exc)), what="reading the history")


def show_followups(app: App) -> None:
    """The Follow-ups list across calls (quick store reads; a known error is one line in the list)."""
    from copilot.ui.followups import FollowUpsDialog

    FollowUpsDialog(app.service.followups, app.service.set_followup_done, app.service.snooze_followup,
                    parent=app.window).exec()


def run(data_dir: str | None) -> int:
    """``copilot`` with no sub-command: the app, ready to start a live call."""
    app = build_app(data_dir)
    app.window.show()
    QTimer.singleShot(0, app.window.raise_)
    return int(app.qapp.exec())
