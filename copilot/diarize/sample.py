"""The rep's own voice, taken from the microphone of a live call to keep their voice profile fresh.

On a call with its two sides on separate devices, every final the microphone gives is the rep speaking (echoes of
the other side are dropped before this sees them). Up to a minute of it is kept in memory while the call runs and
blended into the profile when the call ends, so a mono recording analysed later can tell which voice is the rep's.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from copilot.diarize.attribute import enrol_from_channel
from copilot.diarize.profile import VoiceProfileStore

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
KEEP_SECONDS = 60.0


class VoiceSample:
    """Pieces of one speaker's speech, up to ``keep_seconds``; ``add`` is called from the live worker."""

    def __init__(self, speaker: str = "rep", keep_seconds: float = KEEP_SECONDS) -> None:
        self.speaker = speaker
        self.keep_seconds = keep_seconds
        self._pieces: list[np.ndarray] = []
        self._seconds = 0.0
        self._lock = threading.Lock()

    @property
    def seconds(self) -> float:
        return self._seconds

    def add(self, speaker: str, audio: np.ndarray) -> None:
        """Keep a final's audio when it is this speaker's and there is room left."""
        if speaker != self.speaker:
            return
        with self._lock:
            if self._seconds >= self.keep_seconds:
                return
            piece = np.array(audio, dtype=np.float32).reshape(-1)  # a copy: the pipeline may reuse its buffer
            self._pieces.append(piece)
            self._seconds += piece.shape[0] / SAMPLE_RATE

    def enrol(self, store: VoiceProfileStore) -> bool:
        """Blend what was kept into the stored profile; True when there was speech to blend (failures are logged
        by ``enrol_from_channel`` and never end the call)."""
        with self._lock:
            pieces = list(self._pieces)
        if not pieces:
            return False
        spans: list[tuple[float, float]] = []
        at = 0
        for piece in pieces:
            spans.append((at / SAMPLE_RATE, (at + piece.shape[0]) / SAMPLE_RATE))
            at += piece.shape[0]
        enrol_from_channel(store, np.concatenate(pieces), spans)
        return True
