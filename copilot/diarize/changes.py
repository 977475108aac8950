"""Where the speaker changes inside one stretch of speech, from its window embeddings.

Two people can speak with no pause between them, so one VAD segment may hold both. Each 1.6 s window is scored
against the two voices' centres and the best labelling with few switches is found (Viterbi, two states, a
penalty per switch); a switch becomes a cut at the quietest 10 ms near the middle of the two windows.
"""

from __future__ import annotations

import numpy as np

SWITCH_PENALTY = 0.12
MIN_WINDOWS = 2  # a voice must hold at least this many windows in a row to count as a turn
SEARCH_S = 0.3  # how far from the estimated change the quietest point is looked for


def best_labels(sims: np.ndarray, penalty: float = SWITCH_PENALTY) -> np.ndarray:
    """The labelling of windows (rows of (n, 2) similarities) that maximises similarity minus switch penalties."""
    n = len(sims)
    score = sims[0].astype(float).copy()
    back = np.zeros((n, 2), dtype=int)
    for t in range(1, n):
        stay, switch = score, score[::-1] - penalty
        back[t] = np.where(stay >= switch, [0, 1], [1, 0])
        score = np.maximum(stay, switch) + sims[t]
    labels = np.zeros(n, dtype=int)
    labels[-1] = int(np.argmax(score))
    for t in range(n - 1, 0, -1):
        labels[t - 1] = back[t, labels[t]]
    return labels


def runs(labels: np.ndarray) -> list[tuple[int, int, int]]:
    """(first, last + 1, label) of each run, with runs shorter than MIN_WINDOWS folded into a neighbour."""
    found: list[list[int]] = []
    for i, label in enumerate(labels.tolist()):
        if found and found[-1][2] == label:
            found[-1][1] = i + 1
        else:
            found.append([i, i + 1, label])
    changed = True
    while changed and len(found) > 1:
        changed = False
        for k, (lo, hi, _) in enumerate(found):
            if hi - lo < MIN_WINDOWS:
                neighbour = k - 1 if k > 0 else k + 1
                found[neighbour][0] = min(found[neighbour][0], lo)
                found[neighbour][1] = max(found[neighbour][1], hi)
                del found[k]
                merged: list[list[int]] = []
                for run in found:
                    if merged and merged[-1][2] == run[2]:
                        merged[-1][1] = run[1]
                    else:
                        merged.append(run)
                found = merged
                changed = True
                break
    return [(lo, hi, label) for lo, hi, label in found]


def quietest_point(audio: np.ndarray, around: float, rate: int, lo: float, hi: float) -> float:
    """The centre (seconds) of the quietest 10 ms frame within SEARCH_S of ``around``, kept inside (lo, hi)."""
    start = max(lo, around - SEARCH_S)
    end = min(hi, around + SEARCH_S)
    a, b = int(start * rate), int(end * rate)
    frame = rate // 100
    if b - a < 2 * frame:
        return around
    chunk = audio[a:b].astype(np.float64)
    n = len(chunk) // frame
    energy = (chunk[:n * frame].reshape(n, frame) ** 2).mean(axis=1)
    return start + (int(np.argmin(energy)) + 0.5) * frame / rate
