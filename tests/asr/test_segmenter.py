"""Turn merging is pure: pauses merge, the other side speaking splits, long turns are capped."""

from __future__ import annotations

from copilot.asr.segmenter import SegmenterOptions, merge_turns


def test_short_pause_merges() -> None:
    turns = merge_turns([[(0.0, 2.0), (2.5, 4.0)], []])
    assert [(t.channel, t.start, t.end) for t in turns] == [(0, 0.0, 4.0)]


def test_other_side_between_splits() -> None:
    turns = merge_turns([[(0.0, 2.0), (2.9, 4.0)], [(2.1, 2.8)]])
    assert [(t.channel, t.start, t.end) for t in turns] == [(0, 0.0, 2.0), (1, 2.1, 2.8), (0, 2.9, 4.0)]


def test_long_pause_splits() -> None:
    turns = merge_turns([[(0.0, 2.0), (4.0, 5.0)]])
    assert len(turns) == 2


def test_cap_on_turn_length() -> None:
    spans = [(i * 5.0, i * 5.0 + 4.5) for i in range(10)]
    turns = merge_turns([spans], SegmenterOptions(max_turn_s=12.0))
    assert all(t.duration <= 12.0 for t in turns)
    assert sum(t.duration for t in turns) == sum(e - s for s, e in spans) + 0.5 * (10 - len(turns))
