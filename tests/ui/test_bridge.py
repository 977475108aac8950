"""The bridge: events published on worker threads arrive as Qt signals on the GUI thread."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread

from copilot.call.events import ClosingMode, Finished, Lag, Level, Problem, Started, StateChanged, Transcribed
from copilot.coach import initial_state
from copilot.session.utterance import Utterance
from copilot.ui.bridge import EventBridge


def test_events_from_a_worker_thread_arrive_on_the_gui_thread(qtbot):
    bridge = EventBridge()
    seen: list[tuple[str, bool]] = []
    gui = QThread.currentThread()
    names = ("started", "transcribed", "state_changed", "problem", "closing", "finished")
    for name in names:
        getattr(bridge, name).connect(lambda event, n=name: seen.append((n, QThread.currentThread() is gui)))

    def worker() -> None:
        bridge.publish(Started("2026-11-19T10:00:00", "test"))
        bridge.publish(Transcribed(Utterance("rep", 0.0, 1.0, "hello"), 1.2))
        bridge.publish(StateChanged(initial_state(), 1.2))
        bridge.publish(Problem("microphone gone"))
        bridge.publish(ClosingMode(1500.0, 1800.0))
        bridge.publish(Finished({"next_steps_secured": False}))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(seen) == len(names))
    assert seen == [(name, True) for name in names]


def test_levels_and_lag_are_coalesced_to_the_latest(qtbot):
    bridge = EventBridge(meter_interval_ms=10_000)  # flushed by hand below
    levels: list[Level] = []
    lags: list[Lag] = []
    bridge.level.connect(levels.append)
    bridge.lag.connect(lags.append)
    for i in range(50):
        bridge.publish(Level("rep", -40.0 + i * 0.1, i * 0.01))
        bridge.publish(Level("prospect", -30.0, i * 0.01))
        bridge.publish(Lag(i * 0.1, i * 0.01))
    assert levels == [] and lags == []
    bridge.flush_meters()
    assert {e.speaker: e.dbfs for e in levels} == {"rep": -40.0 + 49 * 0.1, "prospect": -30.0}
    assert [lag.seconds for lag in lags] == [49 * 0.1]
    bridge.flush_meters()
    assert len(levels) == 2  # nothing new, nothing emitted
