"""Timestamped 16 kHz frames and the clock they are placed on.

Every source (microphone, system audio, file replay) ends in the same place: mono float32 at 16 kHz,
each chunk stamped with the call-clock time of its first sample. The ``FrameAssembler`` does that on the
consumer thread — mix to mono, resample with soxr's streaming resampler (no block-edge artefacts), and
fill gaps in the device clock with silence so the rep's and the other party's channels stay aligned.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Protocol

import numpy as np

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Frame:
    """A chunk of one speaker's audio: ``samples`` (16 kHz mono float32) starting at call-clock ``t``."""

    speaker: str
    t: float
    samples: np.ndarray

    @property
    def end(self) -> float:
        return self.t + int(self.samples.shape[0]) / SAMPLE_RATE


@dataclass(frozen=True)
class RawBlock:
    """What an audio callback hands over: a copy of the samples and the device time of the first one.

    ``t`` is on the call clock (the source converts its device clock); None when the device gave no time.
    """

    t: float | None
    data: np.ndarray  # (frames, channels) float32
    overflow: bool = False


class CallClock(Protocol):
    """Seconds since the call started; every time in the pipeline is on this clock."""

    def now(self) -> float: ...


class MonotonicClock:
    """Wall-clock call time (``speed`` > 1 for a replay faster than real time)."""

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self._t0 = time.monotonic()

    def now(self) -> float:
        return (time.monotonic() - self._t0) * self.speed

    def restart(self) -> None:
        self._t0 = time.monotonic()


class ManualClock:
    """A clock set by hand: a replay as fast as possible reports how far the audio has got."""

    def __init__(self, t: float = 0.0) -> None:
        self._t = t
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._t

    def advance_to(self, t: float) -> None:
        with self._lock:
            self._t = max(self._t, t)


class FrameAssembler:
    """Turns raw device blocks into aligned 16 kHz frames (consumer thread only, not thread-safe).

    A block whose device time lies more than ``gap_tolerance`` seconds after the end of the audio so far
    means the device delivered nothing for a while (dropped blocks, a loopback that is silent while
    nothing plays): that stretch is filled with zeros so the frame times stay true.
    """

    def __init__(self, speaker: str, in_rate: float, gap_tolerance: float = 0.08) -> None:
        self.speaker = speaker
        self.in_rate = float(in_rate)
        self.gap_tolerance = gap_tolerance
        self._resampler = None
        if round(self.in_rate) != SAMPLE_RATE:
            import soxr

            self._resampler = soxr.ResampleStream(self.in_rate, SAMPLE_RATE, 1, dtype="float32", quality="HQ")
        self._start: float | None = None
        self._in_samples = 0  # input samples consumed, silence fill included
        self._out_samples = 0
        self.filled_seconds = 0.0

    @property
    def position(self) -> float | None:
        """Call-clock time just after the last input sample taken in (None before the first block)."""
        if self._start is None:
            return None
        return self._start + self._in_samples / self.in_rate

    def push(self, block: RawBlock) -> list[Frame]:
        data = block.data
        mono = data if data.ndim == 1 else (data[:, 0] if data.shape[1] == 1 else data.mean(axis=1))
        mono = np.ascontiguousarray(mono, dtype=np.float32)
        pieces: list[np.ndarray] = []
        if self._start is None:
            self._start = block.t if block.t is not None else 0.0
        elif block.t is not None:
            expected = self._start + self._in_samples / self.in_rate
            gap = block.t - expected
            if gap > self.gap_tolerance:
                n = round(gap * self.in_rate)
                pieces.append(np.zeros(n, dtype=np.float32))
                self.filled_seconds += n / self.in_rate
        pieces.append(mono)
        frames = []
        for piece in pieces:
            self._in_samples += piece.shape[0]
            out = piece if self._resampler is None else self._resampler.resample_chunk(piece)
            if out.shape[0]:
                frames.append(self._frame(out))
        return frames

    def flush(self) -> list[Frame]:
        """The resampler's tail at the end of the stream."""
        if self._resampler is None or self._start is None:
            return []
        out = self._resampler.resample_chunk(np.zeros(0, dtype=np.float32), last=True)
        return [self._frame(out)] if out.shape[0] else []

    def fill_to(self, t: float) -> list[Frame]:
        """Silence up to call time ``t`` (a source that went quiet or away), keeping the channel aligned."""
        if self._start is None:
            self._start = t
            return []
        missing = t - (self._start + self._in_samples / self.in_rate)
        if missing <= self.gap_tolerance:
            return []
        return self.push(RawBlock(t, np.zeros((0, 1), dtype=np.float32)))

    def _frame(self, out: np.ndarray) -> Frame:
        assert self._start is not None
        t = self._start + self._out_samples / SAMPLE_RATE
        self._out_samples += out.shape[0]
        out = np.ascontiguousarray(out, dtype=np.float32)
        out.setflags(write=False)
        return Frame(self.speaker, t, out)


def dbfs(samples: np.ndarray) -> float:
    """RMS level in dBFS (−100 for digital silence)."""
    if samples.size == 0:
        return -100.0
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return max(-100.0, 20.0 * math.log10(rms + 1e-10))
