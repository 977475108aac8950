"""The learned act reader: sentence embedding → one probability per dialogue act.

Trained by ``models/act_head/train.py`` on utterances written for it (never on the held-out endings); the
weights ship as ``act_head.npz`` beside this module. Loading is explicit (``ActReader.load``), once, off the
GUI thread; after that a reading costs one embedding (a few milliseconds) and one small matrix product, and
is cached per text.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from copilot.coach.learned.embed import Embedder, shared_embedder
from copilot.errors import ModelError

log = logging.getLogger(__name__)

HEAD_PATH = Path(__file__).resolve().parent / "act_head.npz"
ACTS = ("propose_step", "vague_step", "send_info", "offer_time", "trigger", "accept", "decline", "hedge", "counter",
        "retract", "question", "answer", "backchannel", "exit", "do_now", "hand_back", "summarize", "confirm",
        "invite_sent", "invite_accepted", "objection", "smalltalk")


class ActReader:
    """``probabilities(text)`` → {act: p}; thread-safe, cached."""

    def __init__(self, embedder: Embedder, weights: np.ndarray, bias: np.ndarray) -> None:
        self._embedder = embedder
        self._w = weights
        self._b = bias
        self._lock = threading.Lock()
        self._cache: dict[str, dict[str, float]] = {}

    @classmethod
    def load(cls) -> ActReader:
        try:
            data = np.load(HEAD_PATH)
        except OSError as exc:
            raise ModelError(f"the coach's act reader {HEAD_PATH} is missing: {exc}") from None
        acts = tuple(str(a) for a in data["acts"])
        if acts != ACTS:
            raise ModelError(f"{HEAD_PATH} was trained for other acts than this coach reads; retrain it")
        return cls(shared_embedder(), data["weights"].astype(np.float32), data["bias"].astype(np.float32))

    def probabilities(self, text: str) -> dict[str, float]:
        with self._lock:
            hit = self._cache.get(text)
        if hit is not None:
            return hit
        x = self._embedder.embed(text)
        p = 1.0 / (1.0 + np.exp(-(x @ self._w + self._b)))
        out = {a: float(v) for a, v in zip(ACTS, p)}
        with self._lock:
            if len(self._cache) > 20_000:
                self._cache.clear()
            self._cache[text] = out
        return out

    def pieces(self, text: str) -> int:
        """How many word pieces the text is (what a reading costs grows with it)."""
        return self._embedder.pieces(text)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()


@lru_cache(maxsize=1)
def shared_reader() -> ActReader:
    """One act reader per process."""
    return ActReader.load()
