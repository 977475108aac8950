"""One-shot background jobs: the work runs off the GUI thread, exactly one answer comes back on it; a known error
goes to ``on_error``, anything else is reported as a bug. And nothing of the GUI's dies on a worker thread."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication

from copilot.errors import CopilotError, DeviceError, OutputError
from copilot.ui import collector
from copilot.ui.bridge import EventBridge
from copilot.ui.jobs import Jobs


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object, bool]] = []  # (which callback, its argument, on the GUI thread?)
        self.gui = QThread.currentThread()

    def done(self, result: object) -> None:
        self.calls.append(("done", result, QThread.currentThread() is self.gui))

    def error(self, exc: CopilotError) -> None:
        self.calls.append(("error", exc, QThread.currentThread() is self.gui))


def test_the_result_arrives_on_the_gui_thread_and_the_work_ran_off_it(qtbot, jobs):
    rec = Recorder()
    worker: list[bool] = []

    def work() -> tuple[int, ...]:
        worker.append(threading.current_thread() is threading.main_thread())
        return (1, 2, 3)

    jobs.run(work, rec.done, rec.error)
    assert jobs.busy
    qtbot.waitUntil(lambda: bool(rec.calls), timeout=10_000)
    assert worker == [False]
    assert rec.calls == [("done", (1, 2, 3), True)]
    assert not jobs.busy and jobs.reported.problems == []


def test_a_known_error_goes_to_on_error_on_the_gui_thread(qtbot, jobs):
    rec = Recorder()

    def work() -> None:
        raise DeviceError("the microphone is gone")

    jobs.run(work, rec.done, rec.error)
    qtbot.waitUntil(lambda: bool(rec.calls), timeout=10_000)
    [(which, exc, on_gui)] = rec.calls
    assert which == "error" and on_gui and isinstance(exc, DeviceError) and str(exc) == "the microphone is gone"
    assert jobs.reported.problems == []  # on_error took it: nothing else is said


def test_a_known_error_without_on_error_is_shown_as_a_problem_not_a_bug(qtbot, jobs):
    rec = Recorder()

    def work() -> None:
        raise OutputError("the disk is full")

    jobs.run(work, rec.done)
    qtbot.waitUntil(lambda: bool(jobs.reported.problems), timeout=10_000)
    assert jobs.reported.problems == [("the disk is full", False)]
    assert rec.calls == []


def test_anything_else_is_reported_as_a_bug_with_its_traceback_in_the_log(qtbot, jobs, caplog):
    rec = Recorder()

    def exporting() -> None:
        return {}["missing"]

    jobs.run(exporting, rec.done, rec.error, what="exporting the call")
    qtbot.waitUntil(lambda: bool(jobs.reported.problems), timeout=10_000)
    [(message, bug)] = jobs.reported.problems
    assert bug and message.startswith("exporting the call failed (KeyError") and "this is a bug" in message
    assert rec.calls == []  # neither on_done nor on_error: a bug is not a known error
    [record] = [r for r in caplog.records if "background job" in r.getMessage()]
    assert record.exc_info is not None and record.exc_info[0] is KeyError  # the traceback is kept in the log


def test_every_job_gets_exactly_one_answer(qtbot, jobs):
    rec = Recorder()

    def job(i: int) -> int:
        if i % 3 == 0:
            raise DeviceError(f"no {i}")
        return i

    for i in range(20):
        jobs.run(lambda i=i: job(i), rec.done, rec.error)
    qtbot.waitUntil(lambda: len(rec.calls) == 20, timeout=20_000)
    assert all(on_gui for _, _, on_gui in rec.calls)
    assert sorted(r for which, r, _ in rec.calls if which == "done") == [i for i in range(20) if i % 3]
    assert sorted(str(e) for which, e, _ in rec.calls if which == "error") == sorted(f"no {i}" for i in range(0, 20, 3))
    qtbot.wait(50)
    assert len(rec.calls) == 20 and not jobs.busy


def test_two_job_runners_each_get_only_their_own_answers(qtbot, jobs):
    other_reported: list[tuple[str, bool]] = []
    other = Jobs(lambda message, bug: other_reported.append((message, bug)))
    mine, theirs = Recorder(), Recorder()
    try:
        jobs.run(lambda: "mine", mine.done)
        other.run(lambda: "theirs", theirs.done)
        qtbot.waitUntil(lambda: bool(mine.calls) and bool(theirs.calls), timeout=10_000)
        assert [r for _, r, _ in mine.calls] == ["mine"] and [r for _, r, _ in theirs.calls] == ["theirs"]
    finally:
        assert other.wait(10_000)


def test_what_a_job_holds_of_the_gui_is_released_on_the_gui_thread(qtbot, jobs):
    """A job's function may close over a GUI object (the window's bridge); its traceback holds it too. When the
    GUI has let go of it, the last reference must still not be dropped on the worker thread."""
    freed_on: list[bool] = []
    bridge = EventBridge()
    weakref.finalize(bridge, lambda: freed_on.append(threading.current_thread() is threading.main_thread()))
    rec = Recorder()

    def starter(sink):  # the closure holds the bridge, as the window's "start the call" job does
        def start() -> None:
            assert sink is not None
            raise DeviceError("no microphone")
        return start

    jobs.run(starter(bridge.publish), rec.done, rec.error)
    del bridge
    qtbot.waitUntil(lambda: bool(rec.calls), timeout=10_000)
    assert jobs.wait(10_000)
    rec.calls.clear()  # the exception, its traceback and the closure go now, here
    gc.collect()
    assert freed_on == [True]


def test_cyclic_garbage_is_collected_on_the_gui_thread_while_workers_allocate(qtbot, jobs):
    """The cause of the segmentation fault in the UI tests (issue 10): a bridge caught in a reference cycle, its
    timer running, was destroyed by Python's collector on a worker thread that happened to allocate."""
    assert isinstance(collector.install(QApplication.instance()), collector.GuiThreadCollector)
    assert not gc.isenabled()  # the GUI thread collects; automatic collection is off
    freed_on: list[str] = []

    class Owner(QObject):
        pass

    owner = Owner()
    owner.bridge = EventBridge(owner)  # its timer runs, as in the app
    owner.me = owner  # a reference cycle: only the cyclic collector can free it
    weakref.finalize(owner, lambda: freed_on.append(threading.current_thread().name))
    del owner

    def allocate() -> int:
        cycles = []
        for i in range(100_000):  # far past the collector's thresholds
            a: list[object] = [i]
            a.append(a)
            cycles.append(a)
        return len(cycles)

    rec = Recorder()
    jobs.run(allocate, rec.done)
    jobs.run(allocate, rec.done)
    qtbot.waitUntil(lambda: len(rec.calls) == 2, timeout=60_000)
    assert freed_on in ([], [threading.main_thread().name])  # never on a worker
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5_000)  # the GUI thread's collector frees it, on its timer
    assert freed_on == [threading.main_thread().name]
