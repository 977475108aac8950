"""The window: closing mode at T−5 min, problems shown without stopping, compact mode, the crash hook."""

from __future__ import annotations

import pytest

from copilot.call.events import ClosingMode, Finished, Problem, Started, StateChanged, Transcribed
from copilot.call.settings import AppSettings
from copilot.coach.state import CloseState, Criterion, Evidence, NextStep, Stage, Verdict
from copilot.errors import DeviceError, ModelError
from copilot.session.utterance import Utterance
from copilot.ui import crash
from copilot.ui.bridge import EventBridge
from copilot.ui.model import CallModel
from copilot.ui.window import MainWindow


class Handle:
    def __init__(self) -> None:
        self.stopped = False

    def stop(self) -> None:
        self.stopped = True


def make_window(qtbot, clock, jobs, start_call=None, minutes: int = 30, vertical: str = "sales") -> MainWindow:
    model = CallModel(clock=clock, repaint_ms=0)
    window = MainWindow(model, EventBridge(), AppSettings(planned_minutes=minutes, vertical=vertical), jobs=jobs,
                        start_call=start_call or (lambda sink: Handle()))
    qtbot.addWidget(window)
    window.show()
    return window


def start(qtbot, window: MainWindow) -> None:
    """Press Start and wait until the call is running (it starts in a background job)."""
    assert window.start_call()
    assert not window.start_button.isEnabled()  # no second start while the first one is on its way
    qtbot.waitUntil(lambda: window.model.phase == "live")
    assert window.start_button.isEnabled() and window.start_button.text() == "Stop"


def test_closing_mode_switches_on_when_the_call_says_so(qtbot, clock, jobs):
    """The call service's clock decides T−5 min (tests/call/test_closing.py); the window shows it."""
    window = make_window(qtbot, clock, jobs, minutes=30)
    start(qtbot, window)
    model = window.model
    assert not model.closing_mode

    clock.advance(25 * 60 - 1)  # T−5:01: the timer runs, nothing else happens on its own
    model.tick()
    model.flush()
    assert not model.closing_mode
    assert not window.timer.banner.isVisible()
    assert window.timer.clock.text() == "24:59 / 30:00"

    clock.advance(1)  # T−5:00
    with qtbot.waitSignal(model.closing_mode_changed) as blocker:
        window.bridge.publish(ClosingMode(25 * 60.0, 30 * 60.0))
    assert blocker.args == [True]
    model.flush()
    assert window.timer.banner.isVisible()
    assert "CLOSING TIME" in window.timer.banner.text() and "05:00 left" in window.timer.banner.text()
    assert "Closing time" in window.statusBar().currentMessage()

    clock.advance(6 * 60)  # past the planned end: still closing, and says how far over
    model.tick()
    model.flush()
    assert "01:00 over time" in window.timer.banner.text()


def test_closing_mode_takes_the_planned_end_of_the_call_and_ends_with_it(qtbot, clock, jobs):
    window = make_window(qtbot, clock, jobs, minutes=30)
    start(qtbot, window)
    clock.advance(10 * 60)
    window.model.tick()
    assert not window.model.closing_mode
    window.bridge.publish(ClosingMode(10 * 60.0, 15 * 60.0))  # the call was planned for 15 minutes
    qtbot.waitUntil(lambda: window.model.closing_mode)
    window.model.flush()
    assert window.timer.clock.text() == "10:00 / 15:00" and "05:00 left" in window.timer.banner.text()
    window.bridge.publish(Finished(Verdict.from_json({"next_steps_secured": False, "reason": "x",
                                                      "commitment_level": 1})))
    qtbot.waitUntil(lambda: window.model.phase == "finished")
    assert not window.model.closing_mode
    window.model.flush()
    assert not window.timer.banner.isVisible()


def test_replay_speed_runs_the_call_clock_faster(qtbot, clock):
    model = CallModel(clock=clock, speed=4.0, planned_length_s=7 * 60)
    model.start_clock()
    clock.advance(30)  # 30 s of wall time at 4× is 2:00 of call time: T−5:00 of a 7-minute call
    model.tick()
    assert model.elapsed() == pytest.approx(120.0)
    assert model.remaining() == pytest.approx(5 * 60.0)


def _state() -> CloseState:
    ev = Evidence(3, 95.0, "So let me make sure I captured everything.", "rep")
    return CloseState(criteria={"specific_action": Criterion(True, (Evidence(5, 120.0, "a live demo with Marcus", "rep"),)),
                                "specific_time_or_trigger": Criterion(False), "acknowledged": Criterion(False)},
                      stages={"summarize": Stage(True, (ev,)), "confirm": Stage(False), "propose": Stage(False),
                              "lock": Stage(False)},
                      next_step=NextStep("live demo with Marcus", None, None, ("rep",)), next_steps_secured=False,
                      commitment_level=3, prompt="Try: “Does 2pm Tuesday work on your end?”")


def test_state_renders_checklist_with_evidence_and_the_prompt(qtbot, clock, jobs):
    window = make_window(qtbot, clock, jobs)
    window.bridge.publish(Started("2026-11-19T10:00:00", "test"))
    window.bridge.publish(StateChanged(_state(), 120.0))
    qtbot.waitUntil(lambda: window.model.state is not None)
    window.model.flush()
    live = window.live
    assert live.stages.items["summarize"].met and not live.stages.items["confirm"].met
    assert "01:35" in live.stages.items["summarize"].toolTip()
    assert "captured everything" in live.stages.items["summarize"].toolTip()
    assert live.criteria.items["specific_action"].met
    assert "live demo with Marcus" in live.criteria.items["specific_action"].detail.text()
    assert not live.criteria.items["acknowledged"].met
    assert live.ladder.level == 3 and live.ladder.rungs[3].property("current")
    assert live.prompt.text() == "Try: “Does 2pm Tuesday work on your end?”"
    assert "not agreed yet" in live.next_step.text()


def test_the_window_speaks_the_vertical_of_the_call(qtbot, clock, jobs):
    """Before a call, the vertical chosen in Settings names the other party; during and after it, the call's."""
    window = make_window(qtbot, clock, jobs, vertical="real_estate")
    criteria = window.live.criteria.items
    assert criteria["acknowledged"].title.text() == "Client said yes"
    assert "The client says yes" in criteria["acknowledged"].toolTip()
    window.bridge.publish(Started("2026-11-19T10:00:00", "test", "recruiting"))
    window.bridge.publish(Transcribed(Utterance("prospect", 10.0, 12.0, "Tuesday at 2pm works."), 12.5))
    qtbot.waitUntil(lambda: len(window.model.finals) == 1)
    window.model.flush()
    assert criteria["acknowledged"].title.text() == "Candidate said yes"
    assert "[00:10] Candidate: Tuesday at 2pm works." in window.live.transcript.toPlainText()
    window.toggle_compact()
    assert window.compact_page.criteria.items["acknowledged"].title.text() == "Candidate said yes"
    window.toggle_compact()
    finished = Verdict.from_json({"next_steps_secured": False, "reason": "x", "commitment_level": 2,
                                  "vertical": "recruiting"})
    window.bridge.publish(Finished(finished))
    qtbot.waitUntil(lambda: window.model.phase == "finished")
    assert "Candidate said yes" in window.summary.details.toPlainText()
    assert "Vague “follow up next week”" in window.summary.headline.text()


def test_transcript_shows_speakers_and_replaces_grey_partials(qtbot, clock, jobs):
    window = make_window(qtbot, clock, jobs)
    bridge, model = window.bridge, window.model
    bridge.publish(Started("2026-11-19T10:00:00", "test"))
    bridge.publish(Transcribed(Utterance("prospect", 10.0, 11.0, "Tuesday at", final=False), 11.2))
    qtbot.waitUntil(lambda: "prospect" in model.partials)
    model.flush()
    view = window.live.transcript
    assert "Prospect:" in view.toPlainText() and "Tuesday at …" in view.toPlainText()
    bridge.publish(Transcribed(Utterance("prospect", 10.0, 12.0, "Tuesday at 2pm works."), 12.5))
    bridge.publish(Transcribed(Utterance("prospect", 10.0, 11.5, "Tuesday at 2", final=False), 12.6))  # stale
    qtbot.waitUntil(lambda: len(model.finals) == 1)
    model.flush()
    text = view.toPlainText()
    assert "[00:10] Prospect: Tuesday at 2pm works." in text
    assert "…" not in text  # the partial is gone, the stale one never shown


def test_no_device_is_a_message_and_the_window_stays_ready(qtbot, clock, jobs):
    def refuse(sink):
        raise DeviceError("no audio input (microphone) found")

    window = make_window(qtbot, clock, jobs, start_call=refuse)
    with qtbot.waitSignal(window.call_refused, timeout=10_000) as refused:
        assert window.start_call()
    assert "no audio input" in refused.args[0]
    assert window.problem.isVisible() and "no audio input" in window.problem.text()
    assert window.model.phase == "idle" and window.start_button.isEnabled()
    assert jobs.reported.problems == []  # a known error, taken by the window: not reported as a bug


def test_a_bug_while_starting_is_reported_as_a_bug_and_the_window_stays_ready(qtbot, clock, jobs):
    def broken(sink):
        raise ZeroDivisionError("a bug in starting the call")

    window = make_window(qtbot, clock, jobs, start_call=broken)
    assert window.start_call()
    qtbot.waitUntil(lambda: bool(jobs.reported.problems), timeout=10_000)
    [(message, bug)] = jobs.reported.problems
    assert bug and "ZeroDivisionError" in message and "a bug in starting the call" in message
    assert window.model.phase == "idle"


def test_stop_ends_the_call_in_the_background(qtbot, clock, jobs):
    handle = Handle()
    window = make_window(qtbot, clock, jobs, start_call=lambda sink: handle)
    start(qtbot, window)
    window.toggle_call()  # Stop
    assert not window.start_button.isEnabled()
    qtbot.waitUntil(lambda: handle.stopped)
    assert window.model.phase == "live"  # until the call publishes its verdict
    window.bridge.publish(Finished(Verdict.from_json({"next_steps_secured": False, "reason": "x",
                                                      "commitment_level": 1})))
    qtbot.waitUntil(lambda: window.model.phase == "finished")
    assert window.pages.currentWidget() is window.summary


def test_problem_events_during_the_call_are_shown_and_the_call_goes_on(qtbot, clock, jobs):
    window = make_window(qtbot, clock, jobs)
    start(qtbot, window)
    window.bridge.publish(Problem("the disk is full; the call goes on in memory"))
    qtbot.waitUntil(window.problem.isVisible)
    assert "disk is full" in window.problem.text()
    assert window.model.phase == "live"


def test_a_bug_event_is_shown_as_a_bug_and_the_call_goes_on(qtbot, clock, jobs):
    window = make_window(qtbot, clock, jobs)
    start(qtbot, window)
    window.bridge.publish(Problem("the coach failed (KeyError: 'x') — this is a bug", bug=True))
    qtbot.waitUntil(window.problem.isVisible)
    assert "Bug: the coach failed" in window.problem.text()
    assert window.model.phase == "live"


def test_compact_mode_is_small_and_on_top(qtbot, clock, jobs):
    from PySide6.QtCore import Qt

    window = make_window(qtbot, clock, jobs)
    window.bridge.publish(StateChanged(_state(), 1.0))
    qtbot.waitUntil(lambda: window.model.state is not None)
    window.toggle_compact()
    window.model.flush()
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.width() <= 480
    assert window.compact_page.stages.items["summarize"].met
    assert window.compact_page.level.text() == "Commitment 3/5"
    window.compact_page.expand.click()
    assert not window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.width() >= 1000


def test_a_bug_shows_a_crash_dialog_and_is_logged(qtbot, tmp_path, caplog):
    shown: list[str] = []
    reporter = crash.CrashReporter(shown.append, tmp_path / "copilot.log")
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        reporter.excepthook(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: bool(reporter.dialogs))
    box = reporter.dialogs[-1]
    assert "This is a bug" in box.text() and "RuntimeError: boom" in box.text()
    assert "RuntimeError: boom" in box.detailedText()
    assert any("unexpected error" in r.message for r in caplog.records)
    box.close()

    try:
        raise ModelError("the speech model tiny.en is missing")
    except ModelError as exc:
        reporter.excepthook(type(exc), exc, exc.__traceback__)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown == ["the speech model tiny.en is missing"]
    assert len(reporter.dialogs) == 1  # a known error is a message, not a crash dialog


def test_transcript_follows_the_newest_line_unless_scrolled_up(qtbot, clock, jobs):
    window = make_window(qtbot, clock, jobs)
    bridge, model, view = window.bridge, window.model, window.live.transcript
    bar = view.verticalScrollBar()
    for i in range(60):
        bridge.publish(Transcribed(Utterance("rep", i * 3.0, i * 3.0 + 2, f"line {i} " + "words " * 12), i * 3.0 + 2))
        model.flush()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    bar.setValue(0)  # the reader scrolls up to re-read
    for i in range(60, 70):
        bridge.publish(Transcribed(Utterance("rep", i * 3.0, i * 3.0 + 2, f"line {i}"), i * 3.0 + 2))
        model.flush()
    qtbot.wait(50)
    assert bar.value() == 0
