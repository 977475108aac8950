"""UI tests run off-screen (no display needed) and fail on Qt warnings; a clock moved by hand; background jobs
that never outlive their test."""

from __future__ import annotations

import gc
import logging
import os
import sys
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


class FakeClock:
    """A monotonic clock moved by hand: closing mode is tested without sleeping."""

    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# Messages the off-screen platform prints for any top-level window; not about our code.
_BENIGN_QT = ("This plugin does not support propagateSizeHints()",)


@pytest.fixture(autouse=True)
def _no_qt_warnings(qtlog):
    """A Qt warning during a UI test is a failure (STYLE: fail on Qt warnings)."""
    yield
    from pytestqt.qt_compat import qt_api

    warnings = [r.message for r in qtlog.records
                if r.type != qt_api.QtCore.QtMsgType.QtDebugMsg and r.type != qt_api.QtCore.QtMsgType.QtInfoMsg
                and not r.message.startswith(_BENIGN_QT)]
    assert not warnings, f"Qt warned: {warnings}"


@pytest.fixture(scope="session", autouse=True)
def _garbage_collected_on_the_gui_thread(qapp):
    """As in the app (``copilot.ui.collector``): Python's cyclic collector must not run on a worker thread (the
    live pipeline, the job pool) while windows and bridges from earlier tests wait in reference cycles — it would
    destroy them there, and the GUI thread would crash on them later."""
    from copilot.ui import collector

    guard = collector.install(qapp)
    yield guard
    guard.stop()


@pytest.fixture(autouse=True)
def _no_garbage_carried_over():
    """Whatever a test left in reference cycles is freed now, on this (the GUI) thread."""
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch) -> None:
    """Never touch the real user's history, settings or logs."""
    monkeypatch.setenv("COPILOT_HOME", str(tmp_path / "home"))


class RecordingJobs:
    """What a ``Jobs`` reported through ``on_problem``: (message, bug) pairs."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, bool]] = []

    def __call__(self, message: str, bug: bool) -> None:
        self.problems.append((message, bug))


@pytest.fixture
def jobs(qtbot):
    """The window's background jobs. At teardown every job has finished and its answer has been delivered
    while the test's widgets still exist (qtbot closes them after this fixture ends): no worker thread may
    emit into a deleted object or run a callback on a deleted widget in a later test."""
    from copilot.ui.jobs import Jobs

    from PySide6.QtWidgets import QWidget

    reported = RecordingJobs()
    runner = Jobs(reported)
    runner.reported = reported  # type: ignore[attr-defined]
    # pytest-qt closes the test's widgets before fixtures are torn down, in the order they were added: this
    # placeholder comes first, so every job is finished and delivered while the test's widgets still exist.
    qtbot.addWidget(QWidget(), before_close_func=lambda _widget: _finish_jobs(qtbot, runner))
    yield runner
    _finish_jobs(qtbot, runner)


def _finish_jobs(qtbot, runner) -> None:
    assert runner.wait(120_000), "a background job outlived its test"
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)


@pytest.fixture
def restore_hooks(monkeypatch):
    """build_app installs process-wide hooks; put pytest's own back afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    from PySide6.QtCore import qInstallMessageHandler

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


@pytest.fixture
def built(qtbot, restore_hooks):
    """build_app, with every background job it started (model, recovery) finished before the test ends."""
    apps = []

    def build(*args, **kwargs):
        from copilot.ui.app import build_app

        app = build_app(*args, **kwargs)
        qtbot.addWidget(app.window, before_close_func=lambda _window: _finish_jobs(qtbot, app.jobs))
        app.window.show()
        apps.append(app)
        return app

    yield build
    for app in apps:
        _finish_jobs(qtbot, app.jobs)
