"""The two kinds of failure in the app: known errors become a message, bugs become a crash dialog.

``install`` routes uncaught exceptions (GUI thread and worker threads) and Qt's own warnings into
logging, writes a log file, and shows a crash dialog for anything that is not a ``CopilotError``.
The app is not torn down: the user can still export what was heard.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from copilot.errors import CopilotError

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


# The off-screen platform (tests, the headless demo) says this of every window; it is not a problem.
_BENIGN_QT = ("This plugin does not support propagateSizeHints()",)


def _qt_message(mode: QtMsgType, context: object, message: str) -> None:
    level = logging.DEBUG if message in _BENIGN_QT else _QT_LEVELS.get(mode, logging.WARNING)
    qt_log.log(level, "%s", message)


class CrashReporter(QObject):
    """Receives uncaught exceptions from any thread and reports them on the GUI thread."""

    report = Signal(str, str, bool)  # title, text, is_bug

    def __init__(self, on_known_error: Callable[[str], None], log_file: Path | None = None) -> None:
        super().__init__()
        self._on_known_error = on_known_error
        self.log_file = log_file
        self.dialogs: list[QMessageBox] = []
        self.report.connect(self._show)

    def excepthook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, KeyboardInterrupt):
            QApplication.quit()
            return
        if isinstance(exc, CopilotError):
            log.warning("%s", exc)
            self.report.emit("Problem", str(exc), False)
            return
        log.critical("unexpected error", exc_info=(kind, exc, tb))
        details = "".join(traceback.format_exception(kind, exc, tb))
        self.report.emit(f"{kind.__name__}: {exc}", details, True)

    def problem(self, message: str, bug: bool) -> None:
        """A problem a background job or the call reported: a known error is a message, a bug a crash report."""
        if bug:
            log.error("shown as a bug: %s", message)
        self.report.emit("Bug" if bug else "Problem", message, bug)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, title: str, text: str, is_bug: bool) -> None:
        if not is_bug:
            self._on_known_error(text)
            return
        box = QMessageBox(QMessageBox.Icon.Critical, "Call Copilot — unexpected error",
                          "Something went wrong inside Call Copilot. This is a bug, not something you did.\n\n"
                          f"{title}\n\nWhat was heard so far is kept; you can still export it."
                          + (f"\n\nDetails are in the log: {self.log_file}" if self.log_file else ""))
        box.setDetailedText(text)
        box.setModal(False)
        box.show()  # not exec(): a crash report must not freeze the call
        self.dialogs.append(box)


def setup_logging(log_dir: Path | None) -> Path | None:
    """A rotating log file in the data folder (None when it cannot be written)."""
    if log_dir is None:
        return None
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / "copilot.log"
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=2, encoding="utf-8")
    except OSError as exc:
        log.warning("no log file in %s: %s", log_dir, exc)
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
        for other in root.handlers:
            if other is not handler and other.level == logging.NOTSET:
                other.setLevel(logging.WARNING)  # the console stays as quiet as before
    return path


def install(on_known_error: Callable[[str], None], log_file: Path | None = None) -> CrashReporter:
    """Install the hooks; keep the returned reporter alive for the app's lifetime."""
    reporter = CrashReporter(on_known_error, log_file)
    sys.excepthook = reporter.excepthook
    threading.excepthook = reporter.thread_excepthook
    qInstallMessageHandler(_qt_message)
    return reporter
