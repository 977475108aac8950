"""The one way the window runs work in the background: a one-shot job on a pool thread, its answer on the GUI thread.

Loading the speech model, stopping a call (which drains the transcriber), exporting, reading the history and
recovering interrupted calls all take long enough to freeze a window. Each goes through ``Jobs.run``: the
function runs on a worker thread, and exactly one of its callbacks runs afterwards on the GUI thread. A known
error (``CopilotError``: no device, full disk) goes to ``on_error``; anything else is a bug — logged with its
traceback and reported through ``on_bug`` — never swallowed. Only the function's return value crosses the
thread boundary, so it should be frozen data.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from copilot.errors import CopilotError

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[CopilotError], None]

# What a finished job left for the GUI thread: (the job's function, its result, its exception), by ticket.
# A worker thread must never drop the last reference to anything the GUI owns: the job's function may close
# over the window or the event bridge, and an exception's traceback holds the frames that did. Were the last
# reference dropped on the worker, a QObject of the GUI thread would be destroyed there ("Timers cannot be
# stopped from another thread") and the GUI thread could later touch freed memory — a segmentation fault.
# So the worker parks everything here, keeps no reference itself, and sends only the ticket across.
_outcomes: dict[int, tuple[Callable[[], Any] | None, Any, BaseException | None]] = {}
_outcomes_lock = threading.Lock()
_tickets = itertools.count(1)


class _Courier(QObject):
    """Carries finished tickets to the GUI thread. One per process, created there and never deleted, so a
    worker never holds (and never releases) the last reference to a ``Jobs``."""

    finished = Signal(int)


_courier: _Courier | None = None


class _Runnable(QRunnable):
    def __init__(self, ticket: int, fn: Callable[[], Any], courier: _Courier) -> None:
        super().__init__()
        self._ticket = ticket
        self._fn: Callable[[], Any] | None = fn
        self._courier = courier

    def run(self) -> None:
        fn, self._fn = self._fn, None
        assert fn is not None
        result: Any = None
        error: BaseException | None = None
        try:
            result = fn()
        except CopilotError as exc:
            error = exc
        except Exception as exc:  # a bug: keep the traceback in the log, report it on the GUI thread
            log.exception("background job %s failed", getattr(fn, "__name__", fn))
            error = exc
        with _outcomes_lock:
            _outcomes[self._ticket] = (fn, result, error)
        fn = result = error = None  # from here on, the GUI thread holds the only references
        self._courier.finished.emit(self._ticket)


class Jobs(QObject):
    """Runs one-shot jobs off the GUI thread and delivers each result on it (the object lives there)."""

    def __init__(self, on_problem: Callable[[str, bool], None], parent: QObject | None = None,
                 threads: int = 2) -> None:
        """``on_problem(message, bug)`` shows a known error that a job's ``on_error`` did not take, or a bug."""
        super().__init__(parent)
        global _courier
        if _courier is None:
            _courier = _Courier()
        self._courier = _courier
        self._on_problem = on_problem
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._pending: dict[int, tuple[Done, Failed | None, str]] = {}
        self._courier.finished.connect(self._deliver)  # queued: the courier is emitted on worker threads

    def run(self, fn: Callable[[], Any], on_done: Done, on_error: Failed | None = None, *, what: str = "") -> None:
        """Run ``fn()`` in the background; then ``on_done(result)`` or ``on_error(exc)`` on the GUI thread."""
        ticket = next(_tickets)
        self._pending[ticket] = (on_done, on_error, what or getattr(fn, "__name__", "a background job"))
        self._pool.start(_Runnable(ticket, fn, self._courier))

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = -1) -> bool:
        """Block until every job has run (tests, quitting); True when they all finished in time."""
        return self._pool.waitForDone(msecs)

    def _deliver(self, ticket: int) -> None:
        if ticket not in self._pending:
            return  # another Jobs' ticket (the courier is shared)
        on_done, on_error, what = self._pending.pop(ticket)
        with _outcomes_lock:
            _fn, result, error = _outcomes.pop(ticket)
        if error is None:
            on_done(result)
        elif isinstance(error, CopilotError) and on_error is not None:
            on_error(error)
        elif isinstance(error, CopilotError):
            self._on_problem(str(error), False)
        else:
            self._on_problem(f"{what} failed ({type(error).__name__}: {error}) — this is a bug; see the log", True)
