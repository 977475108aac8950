"""Two voices from utterance embeddings: which pieces sound like which, and how clearly.

Only pieces of a second or more shape the two centres (a half-second "yes" is too little sound to trust and
once formed a cluster of its own); shorter ones are then put with the nearer centre. The split starts from the
main axis of variation, weighted by speaking time, and is refined by a few rounds of spherical k-means.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from copilot.diarize.encoder import normalised

MIN_CLUSTER_SECONDS = 1.0
SHARPNESS = 25.0  # confidence = logistic(SHARPNESS x margin): a margin of 0.05 is 0.78, of 0.1 is 0.92
ROUNDS = 10


@dataclass(frozen=True)
class Grouping:
    """Voice (0 or 1) and confidence (0.5-1.0) per piece, and the two voices' centres (2, 256)."""

    labels: np.ndarray
    confidence: np.ndarray
    centres: np.ndarray


def group_two(embeddings: np.ndarray, seconds: np.ndarray) -> Grouping | None:
    """Two groups of unit embeddings; None when fewer than two pieces are long enough to group."""
    long = seconds >= MIN_CLUSTER_SECONDS
    if int(long.sum()) < 2:
        return None
    x, w = embeddings[long], seconds[long]
    labels = _axis_split(x, w)
    if labels.min() == labels.max():
        return None
    for _ in range(ROUNDS):
        centres = _centres(x, w, labels)
        new = np.argmax(x @ centres.T, axis=1)
        if new.min() == new.max() or np.array_equal(new, labels):
            break
        labels = new
    centres = _centres(x, w, labels)
    return assign(embeddings, seconds, centres)


def assign(embeddings: np.ndarray, seconds: np.ndarray, centres: np.ndarray) -> Grouping:
    """Each piece with its nearer centre; confidence from the margin, discounted for pieces under a second."""
    sims = embeddings @ centres.T
    labels = np.argmax(sims, axis=1)
    margin = np.abs(sims[:, 0] - sims[:, 1]) * np.minimum(1.0, seconds / MIN_CLUSTER_SECONDS)
    confidence = 1.0 / (1.0 + np.exp(-SHARPNESS * margin))
    return Grouping(labels.astype(int), confidence.astype(float), centres)


def _axis_split(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Split at the sign of the first principal component of the time-weighted embeddings."""
    mean = (w[:, None] * x).sum(axis=0) / w.sum()
    centred = (x - mean) * np.sqrt(w)[:, None]
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    side: np.ndarray = ((x - mean) @ vt[0] > 0).astype(int)
    return side


def _centres(x: np.ndarray, w: np.ndarray, labels: np.ndarray) -> np.ndarray:
    return np.stack([normalised((w[labels == k, None] * x[labels == k]).sum(axis=0)) for k in (0, 1)])
