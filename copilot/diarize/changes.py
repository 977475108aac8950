"""Where the speaker changes inside one stretch of speech, from its window embeddings.

Two people can speak with no pause between them, so one VAD segment may hold both. Each 1.6 s window is scored
against the two voices' centres and the best labelling with few switches is found (Viterbi, two states, a
penalty per switch); a switch becomes a cut at the quietest moment between the two windows.
"""

from __future__ import annotations

import numpy as np

SWITCH_PENALTY = 0.12
MIN_WINDOWS = 2  # a voice must hold at least this many windows in a row to count as a turn
SMOOTH_FRAMES = 10  # 100 ms: a stop consonant is quiet for a moment, a pause for longer


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


def quietest_point(audio: np.ndarray, rate: int, lo: float, hi: float) -> float:
    """The middle (seconds) of the quietest 100 ms between ``lo`` and ``hi``: where one voice stops and the other
    starts there is nearly always a short pause, too short for the VAD to split at."""
    frame = rate // 100
    a, b = int(lo * rate), int(hi * rate)
    n = (b - a) // frame
    if n < SMOOTH_FRAMES:
        return (lo + hi) / 2
    energy = (audio[a:a + n * frame].astype(np.float64).reshape(n, frame) ** 2).mean(axis=1)
    smooth = np.convolve(energy, np.ones(SMOOTH_FRAMES) / SMOOTH_FRAMES, mode="valid")
    return lo + (int(np.argmin(smooth)) + SMOOTH_FRAMES / 2) * frame / rate
