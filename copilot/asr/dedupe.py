"""The rep on loudspeakers: the other party's voice leaks into the microphone and must not become the rep's.

Two layers, both measured on ../shared/calls_speakers (benchmarks/live_latency.py):

1. ``EchoGate`` — per 30 ms microphone frame, before the endpointer: the frame is the other party's
   echo when the system channel is active, the microphone's level envelope over the last 0.3 s follows
   the system channel's (correlation of dB envelopes in 10 ms slots, best delay 0–200 ms), and the
   microphone is not louder than the system audio. The rep talking over the other party breaks the
   correlation, so double talk still reaches the transcriber; a leaked line never opens a rep turn.
2. ``DuplicateFilter`` — per final line, a backstop: a rep line whose words mostly repeat an other-party
   line said at the same time is dropped.

Full acoustic echo cancellation would also clean double talk; it needs a native library (speexdsp /
WebRTC APM) that has no maintained wheel here, and the gate alone already removes the duplicates.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections import deque

import numpy as np

from copilot.session.utterance import PROSPECT, REP, Utterance

SAMPLE_RATE = 16_000
SLOT = 0.01
SLOT_SAMPLES = 160


class EnergyTrack:
    """Level in dBFS per 10 ms slot of call time, for the last ``capacity`` slots."""

    def __init__(self, capacity: int = 6000) -> None:
        self._db = np.full(capacity, -100.0)
        self._ids = np.full(capacity, -1, dtype=np.int64)
        self._cap = capacity
        self._rest = np.zeros(0, dtype=np.float32)
        self._rest_t = 0.0
        self.covered_until = float("-inf")

    def add(self, t: float, samples: np.ndarray) -> None:
        if self._rest.size and abs(t - (self._rest_t + self._rest.size / SAMPLE_RATE)) < 0.002:
            samples = np.concatenate([self._rest, samples])
            t = self._rest_t
        n = samples.shape[0] // SLOT_SAMPLES
        if n:
            chunks = samples[: n * SLOT_SAMPLES].reshape(n, SLOT_SAMPLES).astype(np.float64)
            db = 10.0 * np.log10(np.mean(chunks * chunks, axis=1) + 1e-10)
            first = round(t / SLOT)
            ids = np.arange(first, first + n)
            self._db[ids % self._cap] = np.maximum(db, -100.0)
            self._ids[ids % self._cap] = ids
            self.covered_until = max(self.covered_until, (first + n) * SLOT)
        self._rest = np.array(samples[n * SLOT_SAMPLES:], dtype=np.float32)
        self._rest_t = t + n * SLOT

    def get(self, first: int, last: int) -> np.ndarray:
        """dB for slots ``first`` ≤ id < ``last``; −100 where nothing is known."""
        ids = np.arange(first, last)
        out = self._db[ids % self._cap].copy()
        out[self._ids[ids % self._cap] != ids] = -100.0
        return out


class EchoGate:
    """Is this microphone frame the other party leaking from the loudspeakers? (see the module doc)

    ``reference`` is fed by the system-audio channel; the gate is called for every microphone frame, in
    time order, once the reference covers that time (the pipeline waits a little for it).
    """

    def __init__(self, window: float = 0.3, max_delay: float = 0.2, min_corr: float = 0.6,
                 level_margin_db: float = 0.0, active_db: float = -50.0) -> None:
        self.window = round(window / SLOT)
        self.max_delay = round(max_delay / SLOT)
        self.min_corr = min_corr
        self.level_margin_db = level_margin_db
        self.active_db = active_db
        self._ref = EnergyTrack()
        self._mic = EnergyTrack()
        self._lock = threading.Lock()
        self.frames = 0
        self.echo_frames = 0

    def reference(self, t: float, samples: np.ndarray) -> None:
        with self._lock:
            self._ref.add(t, samples)

    @property
    def covered_until(self) -> float:
        with self._lock:
            return self._ref.covered_until

    def __call__(self, t: float, samples: np.ndarray) -> bool:
        with self._lock:
            self._mic.add(t, samples)
            end = round(t / SLOT) + samples.shape[0] // SLOT_SAMPLES
            self.frames += 1
            mic = self._mic.get(end - self.window, end)
            ref_all = self._ref.get(end - self.window - self.max_delay, end)
        mic_now = mic[-3:]
        if mic_now.max() < self.active_db or ref_all[-3 - self.max_delay:].max() < self.active_db:
            return False
        n = self.window
        # All delays at once: row d is the reference envelope shifted by d slots.
        lagged = np.lib.stride_tricks.sliding_window_view(ref_all, n)[::-1]
        a = mic - mic.mean()
        b = lagged - lagged.mean(axis=1, keepdims=True)
        den = np.sqrt(np.dot(a, a) * np.einsum("ij,ij->i", b, b))
        r = np.where(den > 1e-9, b @ a / np.maximum(den, 1e-9), 0.0)
        best_d = int(np.argmax(r))
        best_r = float(r[best_d])
        total = ref_all.shape[0]
        if best_r < self.min_corr:
            return False
        ref_now = ref_all[total - 3 - best_d: total - best_d]
        louder = _power_db(mic_now) - _power_db(ref_now)
        echo = louder <= self.level_margin_db
        if echo:
            self.echo_frames += 1
        return echo


FRAME = 480  # 30 ms, the live endpointer's frame


def echo_mask(mic: np.ndarray, system: np.ndarray, gate: EchoGate | None = None) -> np.ndarray:
    """For a whole recording: which 30 ms frames of the microphone are the other party's voice leaking in.

    The same gate as the live path, fed the way the live pipeline feeds it (system audio first), so a stereo
    file recorded with the rep on loudspeakers is read the way the live call would have been.
    """
    gate = gate or EchoGate()
    n = min(mic.shape[0], system.shape[0]) // FRAME
    mask = np.zeros(n, dtype=bool)
    for k in range(n):
        t = k * FRAME / SAMPLE_RATE
        gate.reference(t, system[k * FRAME:(k + 1) * FRAME])
        mask[k] = gate(t, mic[k * FRAME:(k + 1) * FRAME])
    return mask


def without_echo(mic: np.ndarray, system: np.ndarray) -> np.ndarray:
    """The microphone channel with the other party's leaked voice silenced (frames flagged by ``echo_mask``,
    widened by two frames either side so the gate's attack and release do not leave fragments)."""
    mask = echo_mask(mic, system)
    if not mask.any():
        return mic
    wide = mask.copy()
    for shift in (1, 2):
        wide[shift:] |= mask[:-shift]
        wide[:-shift] |= mask[shift:]
    out = np.array(mic, dtype=np.float32, copy=True)
    for k in np.flatnonzero(wide):
        out[k * FRAME:(k + 1) * FRAME] = 0.0
    return out


def _power_db(db: np.ndarray) -> float:
    return float(10.0 * np.log10(np.mean(10.0 ** (db / 10.0)) + 1e-10))


_WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class DuplicateFilter:
    """Drops a rep line that repeats an other-party line said over the same stretch of time (thread-safe).

    A leaked line occupies the same time as the original, so most of the rep line must lie inside the
    other party's; a rep answering "Thanks, bye." a second after the other party said it is kept.
    """

    def __init__(self, min_overlap: float = 0.5, threshold: float = 0.6, keep: int = 50) -> None:
        self.min_overlap = min_overlap
        self.threshold = threshold
        self._recent: deque[Utterance] = deque(maxlen=keep)
        self._lock = threading.Lock()
        self.dropped = 0

    def remember(self, utterance: Utterance) -> None:
        if utterance.speaker == PROSPECT:
            with self._lock:
                self._recent.append(utterance)

    def is_duplicate(self, utterance: Utterance) -> bool:
        if utterance.speaker != REP:
            return False
        mine = words(utterance.text)
        if not mine:
            return False
        span = max(utterance.end - utterance.start, 1e-3)
        with self._lock:
            theirs = [u for u in self._recent
                      if min(u.end, utterance.end) - max(u.start, utterance.start) >= self.min_overlap * span]
        if not theirs:
            return False
        other = [w for u in theirs for w in words(u.text)]
        matcher = difflib.SequenceMatcher(None, mine, other, autojunk=False)
        matched = sum(block.size for block in matcher.get_matching_blocks())
        if matched / len(mine) >= self.threshold:
            with self._lock:
                self.dropped += 1
            return True
        return False
