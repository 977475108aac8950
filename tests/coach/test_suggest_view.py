"""The signals view (copilot/ui/signals_view.py): commitment signals listed newest first as the coach hears them,
weak ones marked, and the suggested next step in the vertical's words; empty again for a new call."""

from __future__ import annotations

import os
from datetime import datetime

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

pytest.importorskip("pytestqt")

from copilot.coach import Coach  # noqa: E402
from copilot.session.utterance import Utterance  # noqa: E402
from copilot.ui.signals_view import SignalsView, signal_line  # noqa: E402

CALL = datetime(2026, 12, 4, 10, 5)


def test_signals_arrive_newest_first_with_the_suggestion(qtbot) -> None:
    view = SignalsView()
    qtbot.addWidget(view)
    coach = Coach(CALL)
    view.show_state(coach.state, "sales")
    assert view.lines() == [] and view.suggested.isHidden()
    coach.feed(Utterance("prospect", 65, 68, "We have budget set aside for this already."))
    view.show_state(coach.state, "sales")
    coach.feed(Utterance("prospect", 70, 74, "No rush though, maybe sometime next year."))
    coach.feed(Utterance("prospect", 75, 79, "Our CFO will want to see the payback before she approves it."))
    view.show_state(coach.state, "sales")
    lines = view.lines()
    assert lines[0].startswith("[01:15] ▲ Volunteers stakeholders — “Our CFO will want")  # names who must see it
    assert lines[1].startswith("[01:10] ▼ No timeline — “No rush though")
    assert lines[-1] == "[01:05] ▲ Discusses budget — “We have budget set aside for this already.”"
    assert not view.suggested.isHidden()
    assert view.suggested.text() == "Suggested: an ROI review with CFO (Business case needed → ROI review)"
    view.forget()
    assert view.lines() == [] and view.suggested.isHidden()


def test_a_long_quote_is_cut() -> None:
    line = signal_line("implementation", "strong", "how long does the rollout take " * 10, 3.0)
    assert line.startswith("[00:03] ▲ Asks about implementation — “how long") and line.endswith("…”")
