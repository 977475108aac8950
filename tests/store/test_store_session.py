"""The journal under the real CallSession: every final is durable before it is shown; a full disk is
reported and the call goes on. The coach is a stand-in here: it is not what is under test."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from store_helpers import make_verdict

from copilot.call import events
from copilot.call.session import CallSession
from copilot.coach.state import CloseState, Verdict
from copilot.session.utterance import Utterance
from copilot.store import CallJournal, Store


class CountingCoach:
    """Counts utterances; its verdict says so (and carries the utterances, like the real one)."""

    def __init__(self) -> None:
        self.said: list[Utterance] = []

    @property
    def state(self) -> CloseState:
        return CloseState(criteria={}, stages={}, next_step=None, next_steps_secured=False, commitment_level=1,
                          utterance_count=len(self.said))

    def feed(self, utterance: Utterance) -> CloseState:
        self.said.append(utterance)
        return self.state

    @property
    def vertical(self) -> str:
        return "sales"

    def verdict(self) -> Verdict:
        return replace(make_verdict(False, missed=("acknowledged",), level=1), utterances=tuple(self.said))


def test_each_final_is_on_disk_before_it_is_shown(home: Path) -> None:
    journal = CallJournal.start(home, started_at="2026-11-21T09:00:00", source="live")
    shown: list[str] = []

    def on_event(event: Any) -> None:
        if isinstance(event, events.Transcribed) and event.utterance.final:
            assert event.utterance.text in journal.path.read_text(encoding="utf-8")  # durable first
            shown.append(event.utterance.text)

    session = CallSession(CountingCoach(), on_event, journal)
    for i in range(5):
        session.add(Utterance("rep" if i % 2 else "prospect", i, i + 0.5, f"final {i}"), emitted_at=i + 0.6)
    session.finish("complete")
    assert shown == [f"final {i}" for i in range(5)]
    with Store.open(home) as store:
        (row,) = store.list_calls()
        assert row.utterance_count == 5 and row.status == "complete"


def test_a_full_disk_is_reported_and_the_call_goes_on(home: Path, tiny_disk) -> None:
    Store.open(home).close()
    tiny_disk(home / "journal")
    journal = CallJournal.start(home, started_at="2026-11-21T09:00:00", source="live")
    problems: list[str] = []
    shown: list[str] = []

    def on_event(event: Any) -> None:
        if isinstance(event, events.Problem):
            problems.append(event.message)
        elif isinstance(event, events.Transcribed):
            shown.append(event.utterance.text)

    session = CallSession(CountingCoach(), on_event, journal)
    for i in range(40):
        session.add(Utterance("rep", float(i), i + 0.5, f"{i} " + "y" * 4000), emitted_at=i + 0.6)
    verdict = session.finish("complete")
    assert len(shown) == 40 and len(verdict.utterances) == 40  # nothing stopped
    assert len(problems) == 1 and "in memory" in problems[0] and "space" in problems[0].lower()
    with Store.open(home) as store:  # the history gets every line the session holds, not just the journaled ones
        (row,) = store.list_calls()
        assert row.utterance_count == 40 and row.status == "complete"
