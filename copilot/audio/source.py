"""The ``AudioSource`` protocol and the queue-backed base every real source shares.

Hardware is injected: the live pipeline only knows this protocol, so a file replay, a microphone, a
PulseAudio monitor and a WASAPI loopback are interchangeable (and a test can replay a file). The audio
callback (or reader thread) only copies the block and enqueues it — a bounded queue, drops counted, never
blocking; mixing, resampling and gap filling happen in ``read`` on the consumer thread.
"""

from __future__ import annotations

import logging
import queue
from typing import Protocol, runtime_checkable

import numpy as np

from copilot.audio.frames import CallClock, Frame, FrameAssembler, RawBlock

log = logging.getLogger(__name__)

QUEUE_BLOCKS = 512  # ~20 s of 40 ms blocks: room for a stalled consumer without unbounded memory
READ_BLOCKS = 16  # at most this many blocks per read(), so a consumer of several sources takes turns


@runtime_checkable
class AudioSource(Protocol):
    """One speaker's audio, as timestamped 16 kHz mono frames on the call clock."""

    speaker: str  # "rep" (microphone) or "prospect" (system audio)
    label: str  # what to call it in messages: "microphone (Built-in)", "system audio (…monitor)"

    def start(self, clock: CallClock) -> None:
        """Open the device and start delivering; DeviceError with a one-line reason when it cannot."""

    def stop(self) -> None:
        """Close the device; idempotent."""

    def read(self, timeout: float) -> list[Frame]:
        """Frames that arrived since the last call, a bounded batch of them (waits up to ``timeout`` s)."""

    @property
    def finished(self) -> bool:
        """True once the source will deliver nothing more (end of file, device gone, stopped)."""

    @property
    def problem(self) -> str | None:
        """Why the source stopped early (device disappeared), else None."""

    @property
    def dropped(self) -> int:
        """Blocks lost because the consumer fell behind."""


_END = None  # queue sentinel: the producer is done


class QueuedSource:
    """Base for sources fed by a callback or reader thread: ``_deliver`` in, ``read`` out."""

    def __init__(self, speaker: str, label: str, max_blocks: int = QUEUE_BLOCKS) -> None:
        self.speaker = speaker
        self.label = label
        self._queue: queue.Queue[RawBlock | None] = queue.Queue(maxsize=max_blocks)
        self._assembler: FrameAssembler | None = None
        self._drops = 0
        self._overflows = 0
        self._ended = False
        self._problem: str | None = None
        self._clock: CallClock | None = None

    # -- producer side (audio callback / reader thread): copy and enqueue, nothing more ---------------
    def _deliver(self, block: RawBlock) -> None:
        try:
            self._queue.put_nowait(block)
        except queue.Full:
            self._drops += 1

    def _deliver_blocking(self, block: RawBlock | None, timeout: float = 0.5) -> bool:
        """For a file replay: back-pressure instead of drops. False if the queue stayed full."""
        try:
            self._queue.put(block, timeout=timeout)
            return True
        except queue.Full:
            return False

    def _end(self, problem: str | None = None) -> None:
        if problem and self._problem is None:
            self._problem = problem
        try:
            self._queue.put_nowait(_END)
        except queue.Full:
            self._ended = True  # read() notices once the queue drains

    # -- consumer side ----------------------------------------------------------------------------------
    def _set_rate(self, rate: float) -> None:
        self._assembler = FrameAssembler(self.speaker, rate)

    def read(self, timeout: float) -> list[Frame]:
        frames: list[Frame] = []
        if self._assembler is None or self._ended:
            return frames
        try:
            block = self._queue.get(timeout=timeout) if timeout > 0 else self._queue.get_nowait()
        except queue.Empty:
            return frames
        taken = 1
        while True:
            if block is _END:
                frames.extend(self._assembler.flush())
                self._ended = True
                break
            if block.overflow:
                self._overflows += 1
            frames.extend(self._assembler.push(block))
            if taken >= READ_BLOCKS:
                break
            try:
                block = self._queue.get_nowait()
            except queue.Empty:
                break
            taken += 1
        return frames

    def fill_to(self, t: float) -> list[Frame]:
        """Silence up to ``t`` when the device delivers nothing (e.g. a loopback while nothing plays)."""
        return self._assembler.fill_to(t) if self._assembler is not None else []

    @property
    def finished(self) -> bool:
        return self._ended

    @property
    def problem(self) -> str | None:
        return self._problem

    @property
    def dropped(self) -> int:
        return self._drops

    @property
    def position(self) -> float | None:
        return self._assembler.position if self._assembler is not None else None


def to_block(indata: np.ndarray) -> np.ndarray:
    """The one allocation allowed in a callback: a copy of the device buffer."""
    return indata.copy()
