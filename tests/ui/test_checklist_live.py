"""Feeding the demo call's utterances through the real session and coach ticks the right items."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from copilot.call.session import CallSession
from copilot.call.settings import AppSettings
from copilot.session.transcript import load_transcript
from copilot.ui.bridge import EventBridge
from copilot.ui.model import CallModel
from copilot.ui.window import MainWindow

DEMO = Path(__file__).resolve().parents[2] / "assets" / "demo" / "demo_call.json"
SUMMARIZE_AT = 16  # "So let me make sure I captured everything…" (labels in demo_call.json)


def _window(qtbot, clock, jobs) -> MainWindow:
    window = MainWindow(CallModel(clock=clock, repaint_ms=0), EventBridge(), AppSettings(), jobs=jobs,
                        start_call=lambda sink: None)
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_demo_call_ticks_every_stage_and_criterion_in_order(qtbot, clock, jobs):
    from copilot.coach import Coach

    transcript = load_transcript(DEMO)
    window = _window(qtbot, clock, jobs)
    session = CallSession(Coach(datetime(2026, 11, 19, 10, 0), "sales"), on_event=window.bridge.publish)
    live = window.live
    utterances = transcript.utterances

    for u in utterances[:SUMMARIZE_AT]:
        session.add(u, u.end + 0.5)
    window.model.flush()
    assert not any(item.met for item in live.stages.items.values()), "no close stage before the close starts"
    assert not live.criteria.items["specific_action"].met
    assert window.live.transcript.toPlainText().count("\n") >= SUMMARIZE_AT - 1

    for u in utterances[SUMMARIZE_AT:]:
        session.add(u, u.end + 0.5)
    window.model.flush()
    assert all(item.met for item in live.stages.items.values()), {k: i.met for k, i in live.stages.items.items()}
    assert all(item.met for item in live.criteria.items.values()), {k: i.met for k, i in live.criteria.items.items()}
    assert live.ladder.level == 5
    assert live.ladder.rungs[5].property("current")

    state = window.model.state
    times = [state.stages[name].evidence[0].t for name in ("summarize", "confirm", "propose", "lock")]
    assert times == sorted(times) and times[0] >= utterances[SUMMARIZE_AT].start - 1e-6
    assert "Tue" in live.next_step.text() and "2:00 pm" in live.next_step.text()
    assert "agreed by both" in live.next_step.text()
    lock_tip = live.stages.items["lock"].toolTip()
    assert "Thursday at 10am" in lock_tip or "invite" in lock_tip


def test_coaching_moments_appear_as_they_happen(qtbot, clock, jobs):
    from copilot.coach import Coach

    transcript = load_transcript(DEMO)
    window = _window(qtbot, clock, jobs)
    session = CallSession(Coach(datetime(2026, 11, 19, 10, 0), "sales"), on_event=window.bridge.publish)
    for u in transcript.utterances:
        session.add(u, u.end + 0.5)
    window.model.flush()
    moments = window.model.state.coaching
    shown = [window.live.coaching.item(i).text() for i in range(window.live.coaching.count())]
    assert len(shown) == len(moments)
    for text, moment in zip(shown, moments):
        assert text.startswith("[") and moment.category in text
