"""The call in progress: every final is journaled, then shown, then coached; a bug in the coach is shown as a bug
and costs nothing of the transcript."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from copilot.call.events import Finished, Problem, StateChanged, Transcribed
from copilot.call.session import CallSession
from copilot.coach import Coach
from copilot.coach.state import CloseState, Verdict
from copilot.session.utterance import Utterance
from copilot.store import CallJournal, Store

WHEN = datetime(2026, 11, 19, 10, 0)
CALL = (
    Utterance("rep", 0.0, 3.0, "Thanks for making the time today."),
    Utterance("prospect", 3.5, 5.0, "Happy to. What did you want to cover?"),
    Utterance("rep", 5.5, 9.0, "A good next step would be a demo with your VP on Tuesday at 2pm."),
    Utterance("prospect", 9.5, 11.0, "Yes, Tuesday at 2pm works for me."),
    Utterance("rep", 11.5, 13.0, "Great, I'm sending the invite now."),
)


class BrokenCoach(Coach):
    """The real coach, with a bug that shows on one line."""

    def __init__(self, *args: Any, fail_on: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fail_on = fail_on
        self.fed: list[str] = []

    def feed(self, utterance: Utterance) -> CloseState:
        self.fed.append(utterance.text)
        if self.fail_on in utterance.text:
            raise KeyError("commit")
        return super().feed(utterance)


class Events(list):
    def of(self, kind: type) -> list[Any]:
        return [e for e in self if isinstance(e, kind)]


def test_a_coach_that_raises_is_a_bug_shown_once_and_every_line_is_still_kept_and_shown(tmp_path: Path) -> None:
    events = Events()
    coach = BrokenCoach(WHEN, "sales", fail_on="demo with your VP")
    journal = CallJournal.start(tmp_path, started_at=WHEN, source="test", vertical="sales")
    session = CallSession(coach, on_event=events.append, journal=journal)
    for u in CALL:
        session.add(u, u.end + 0.3)
    shown = [e.utterance.text for e in events.of(Transcribed)]
    assert shown == [u.text for u in CALL]  # the failing line and every later one are shown
    assert session.utterances == CALL
    [bug] = events.of(Problem)
    assert bug.bug and not bug.fatal and "KeyError" in bug.message and "bug" in bug.message
    # the problem comes right after the line that caused it
    assert events.index(bug) == events.index(events.of(Transcribed)[2]) + 1
    assert coach.fed == [u.text for u in CALL[:3]]  # once failed, the coach is not fed again

    verdict = session.finish()
    assert events.of(Finished)[-1].verdict is verdict and events.of(Finished)[-1].status == "complete"
    with Store.open(tmp_path) as store:
        [row] = store.list_calls()
        stored = store.get_call(row.id)
    assert [u.text for u in stored.utterances] == [u.text for u in CALL]  # the whole call is in the history


def test_a_coach_whose_verdict_raises_still_ends_the_call_with_the_transcript(tmp_path: Path) -> None:
    class NoVerdict(Coach):
        def verdict(self) -> Verdict:
            raise ZeroDivisionError("no verdict")

    events = Events()
    journal = CallJournal.start(tmp_path, started_at=WHEN, source="test", vertical="sales")
    session = CallSession(NoVerdict(WHEN, "sales"), on_event=events.append, journal=journal)
    for u in CALL:
        session.add(u, u.end + 0.3)
    verdict = session.finish()
    assert isinstance(verdict, Verdict) and verdict.vertical == "sales"  # a real verdict, typed like any other
    assert verdict.next_steps_secured is False and "coach failed" in verdict.reason
    assert verdict.commitment_level == 1 and not any(c.met for c in verdict.criteria.values())
    assert verdict.utterances == CALL
    assert set(verdict.to_json()) >= {"next_steps_secured", "reason", "criteria", "stages", "next_step",
                                      "commitment_level", "utterances"}
    assert [p.bug for p in events.of(Problem)] == [True]
    assert events[-1] == Finished(verdict, "complete")
    with Store.open(tmp_path) as store:
        [row] = store.list_calls()
        assert row.utterance_count == len(CALL)
        stored = store.get_call(row.id)
    assert stored.verdict is not None and stored.verdict.reason == verdict.reason


def test_a_working_coach_publishes_the_checklist_as_it_changes() -> None:
    events = Events()
    session = CallSession(Coach(WHEN, "sales"), on_event=events.append)
    for u in CALL:
        session.add(u, u.end + 0.3)
    assert events.of(StateChanged) and not events.of(Problem)
    assert session.state.next_step is not None
    verdict = session.finish()
    assert verdict.next_steps_secured is True
    assert session.finish() is verdict  # computed once
    assert events.of(Finished)[0].verdict is verdict
