"""The pattern across calls, on hand-made verdicts where the right numbers are known."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from store_helpers import make_verdict, utterances

from copilot.store import Store
from copilot.store.patterns import pattern
from copilot.store.records import CallSummary


def row(call_id: int, day: int, secured: bool, *, missed=(), skipped=(), level=3, vertical="sales",
        status="complete") -> CallSummary:
    v = make_verdict(secured, missed=missed, skipped=skipped, level=level)
    return CallSummary(id=call_id, started_at=f"2026-11-{day:02d}T10:00:00", source="hand-made", vertical=vertical,
                       status=status, next_steps_secured=secured, commitment_level=level, utterance_count=2,
                       reason=v.reason, criteria={k: c.met for k, c in v.criteria.items()},
                       stages={k: s.met for k, s in v.stages.items()})


CALLS = [  # newest first, as list_calls gives them
    row(5, 5, False, missed=("acknowledged",), skipped=("lock",), level=3),
    row(4, 4, False, missed=("acknowledged", "specific_time_or_trigger"), skipped=("lock", "confirm"), level=2,
        vertical="recruiting"),
    row(3, 3, True, level=5),
    row(2, 2, False, missed=("specific_action", "specific_time_or_trigger", "acknowledged"),
        skipped=("summarize", "propose", "lock"), level=1),
    row(1, 1, False, missed=("specific_time_or_trigger",), skipped=("confirm",), level=2, vertical="recruiting"),
]


def test_share_without_commitment_and_sentence() -> None:
    p = pattern(CALLS)
    assert (p["calls"], p["secured"], p["without_commitment"]) == (5, 1, 4)
    assert p["share_without_commitment"] == 0.8
    assert p["share_sentence"] == "Ends calls without commitment 80% of the time (4 of 5 calls)."
    assert p["sentences"][0] == p["share_sentence"]


def test_criterion_missed_most_and_stage_skipped_most() -> None:
    p = pattern(CALLS)
    assert p["criteria_missed"] == {"specific_action": 1, "specific_time_or_trigger": 3, "acknowledged": 3}
    # a tie goes to the earlier criterion in the method's order
    assert p["criterion_missed_most"] == {"name": "specific_time_or_trigger", "missed": 3, "share": 0.6}
    assert p["stages_skipped"] == {"summarize": 1, "confirm": 2, "propose": 1, "lock": 3}
    assert p["stage_skipped_most"] == {"name": "lock", "missed": 3, "share": 0.6}


def test_commitment_over_time_is_oldest_first() -> None:
    p = pattern(CALLS)
    assert [pt["level"] for pt in p["commitment_over_time"]] == [2, 1, 5, 2, 3]
    assert [pt["id"] for pt in p["commitment_over_time"]] == [1, 2, 3, 4, 5]
    assert p["average_commitment_level"] == 2.6


def test_per_vertical() -> None:
    p = pattern(CALLS)
    assert set(p["per_vertical"]) == {"sales", "recruiting"}
    sales, recruiting = p["per_vertical"]["sales"], p["per_vertical"]["recruiting"]
    assert (sales["calls"], sales["without_commitment"], sales["share_without_commitment"]) == (3, 2, 0.667)
    assert sales["criterion_missed_most"]["name"] == "acknowledged"
    assert (recruiting["calls"], recruiting["share_without_commitment"]) == (2, 1.0)
    assert recruiting["criterion_missed_most"] == {"name": "specific_time_or_trigger", "missed": 2, "share": 1.0}
    assert recruiting["sentence"] == "Ends calls without commitment 100% of the time (2 of 2 calls)."


def test_the_habit_to_work_on() -> None:
    p = pattern(CALLS)
    assert p["habit_detail"]["kind"] == "criterion" and p["habit_detail"]["name"] == "specific_time_or_trigger"
    assert "date and time" in p["habit"] and "3 of 5 calls" in p["habit"] and "Try:" in p["habit"]
    assert p["sentences"][-1] == p["habit"]
    # every criterion met but Lock skipped: the habit is the stage
    only_stage = pattern([row(1, 1, True, skipped=("lock",)), row(2, 2, True, skipped=("lock", "confirm"))])
    assert only_stage["habit_detail"]["name"] == "lock" and only_stage["habit_detail"]["kind"] == "stage"
    assert only_stage["share_sentence"] == "Every call ended with a secured next step (2 of 2 calls)."
    assert pattern([row(1, 1, True)])["habit"] is None


def test_interrupted_calls_are_not_counted() -> None:
    calls = [row(9, 9, False, missed=("acknowledged",), status="interrupted"), *CALLS]
    p = pattern(calls)
    assert p["calls"] == 5 and p["interrupted"] == 1 and p["share_without_commitment"] == 0.8
    assert any("1 interrupted call not counted" in s for s in p["sentences"])


def test_no_calls() -> None:
    p = pattern([])
    assert p["calls"] == 0 and p["share_without_commitment"] == 0.0 and p["habit"] is None
    assert p["criterion_missed_most"] is None and p["per_vertical"] == {} and p["commitment_over_time"] == []


def test_calls_with_full_verdicts_work_too() -> None:
    """A call may carry its verdict and no flags (a stored call opened whole): the same numbers come out."""
    full = [replace(c, criteria={}, stages={},
                    verdict=make_verdict(c.next_steps_secured,
                                         missed=tuple(k for k, met in c.criteria.items() if not met),
                                         skipped=tuple(k for k, met in c.stages.items() if not met)))
            for c in CALLS]
    assert {k: v for k, v in pattern(full).items()} == pattern(CALLS)


def test_store_pattern_matches_the_pure_function(home: Path) -> None:
    with Store.open(home) as store:
        for c in reversed(CALLS):
            missed = tuple(k for k, met in c.criteria.items() if not met)
            skipped = tuple(k for k, met in c.stages.items() if not met)
            store.save_call(utterances(2), make_verdict(c.next_steps_secured, missed=missed, skipped=skipped,
                                                        level=c.commitment_level or 1),
                            started_at=c.started_at, source="hand-made", vertical=c.vertical)
        p = store.pattern()
        assert p["share_without_commitment"] == 0.8
        assert p["criterion_missed_most"]["name"] == "specific_time_or_trigger"
        assert p["stage_skipped_most"]["name"] == "lock"
        last2 = store.pattern(last=2)
        assert (last2["calls"], last2["without_commitment"]) == (2, 2)
        assert last2["criterion_missed_most"]["name"] == "acknowledged"
