"""The coach's cost grows with nothing but the utterance: no slowdown over a long call.

Absolute speed (p95 per utterance, the 5 ms budget) is measured by ``benchmarks/eval_coach.py`` on a quiet
machine, not asserted here: shared CI machines are noisy. What is asserted is a ratio measured side by side.
"""

from __future__ import annotations

import time

from coach_helpers import CALL_DATE, HERE, load_jsonl, utterances

from copilot.coach import Coach
from copilot.coach.learned import use_learned
from copilot.coach.reader import read
from copilot.coach.text import normalize
from copilot.session.utterance import Utterance


def test_cost_does_not_grow_over_a_long_call() -> None:
    use_learned(False)  # the rules' own cost; the learned reader's is one embedding per utterance at most
    try:
        rows = load_jsonl(HERE / "heldout" / "heldout_a.jsonl")
        lines = [u for e in rows for u in utterances(e["utterances"])]
        coach = Coach(CALL_DATE)
        early: list[float] = []
        late: list[float] = []
        t = 0.0
        for k in range(1200):
            u = lines[k % len(lines)]
            read.cache_clear()
            normalize.cache_clear()
            c0 = time.thread_time()
            coach.feed(Utterance(u.speaker, t, t + 2.0, u.text + f" {k}"))
            cost = time.thread_time() - c0
            (early if k < 200 else late if k >= 1000 else []).append(cost)
            t += 2.5
        assert sum(late) / len(late) < 3 * sum(early) / len(early) + 1e-3
    finally:
        use_learned(True)
