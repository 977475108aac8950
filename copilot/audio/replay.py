"""A recording played back as if it were the two live devices.

Channel 0 is the rep's microphone, channel 1 the other party's system audio. A reader thread plays the
role of the audio callback: it hands over a block once the call clock has passed its end (real time ×
``speed``), or as fast as the pipeline takes them (``speed=None``), and everything after that —
resampling, gap filling, endpointing, transcription — is the live path itself.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

from copilot.audio.frames import CallClock, ManualClock, MonotonicClock, RawBlock
from copilot.audio.source import QueuedSource
from copilot.errors import InputError
from copilot.session.utterance import PROSPECT, REP

log = logging.getLogger(__name__)

BLOCK_SECONDS = 0.04  # like a device callback every 40 ms (fewer wake-ups than 10 ms, still well under a frame of latency budget)


class ReplaySource(QueuedSource):
    """One channel of a ``FileReplay``; started and stopped through the replay."""

    def __init__(self, replay: FileReplay, speaker: str, rate: float) -> None:
        super().__init__(speaker, f"{'microphone' if speaker == REP else 'system audio'} (replay of {replay.path.name})")
        self._replay = replay
        self._set_rate(rate)

    def start(self, clock: CallClock) -> None:
        self._replay._source_started(self)

    def stop(self) -> None:
        self._replay.stop()


class FileReplay:
    """Plays ``path`` through one ``ReplaySource`` per speaker; ``clock`` is the call clock to use.

    Constructing it only opens the file header (InputError for a bad file); playback starts when every
    channel source has been started.
    """

    def __init__(self, path: str | Path, speed: float | None = 1.0, block_seconds: float = BLOCK_SECONDS) -> None:
        self.path = Path(path)
        if speed is not None and speed <= 0:
            speed = None
        self.speed = speed
        self._block_seconds = block_seconds
        self._data, self.rate = _open(self.path)
        self.duration = self._data.shape[0] / self.rate
        self.channels = int(self._data.shape[1])
        self.clock: CallClock = MonotonicClock(speed) if speed is not None else ManualClock()
        speakers = [REP, PROSPECT] if self.channels >= 2 else [REP]
        self.sources = [ReplaySource(self, s, self.rate) for s in speakers]
        self._started: set[int] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def mono(self) -> bool:
        return self.channels < 2

    def _source_started(self, source: ReplaySource) -> None:
        with self._lock:
            self._started.add(id(source))
            if len(self._started) == len(self.sources) and self._thread is None:
                if isinstance(self.clock, MonotonicClock):
                    self.clock.restart()
                self._thread = threading.Thread(target=self._play, name="replay", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)

    def _play(self) -> None:
        block = max(1, round(self._block_seconds * self.rate))
        total = self._data.shape[0]
        pos = 0
        try:
            while pos < total and not self._stop.is_set():
                t0 = pos / self.rate
                chunk = self._data[pos:pos + block]
                t1 = t0 + chunk.shape[0] / self.rate
                if self.speed is not None:
                    wait = (t1 - self.clock.now()) / self.speed
                    if wait > 0 and self._stop.wait(wait):
                        break
                for ch, source in enumerate(self.sources):
                    raw = RawBlock(t0, chunk[:, ch:ch + 1].copy())
                    if self.speed is not None:
                        source._deliver(raw)
                    else:
                        while not source._deliver_blocking(raw) and not self._stop.is_set():
                            pass
                if isinstance(self.clock, ManualClock):
                    self.clock.advance_to(t1)
                pos += chunk.shape[0]
        finally:
            for source in self.sources:
                if self.speed is None:
                    while not source._deliver_blocking(None) and not self._stop.is_set():
                        pass
                    if self._stop.is_set():
                        source._end()
                else:
                    source._end()


def _open(path: Path) -> tuple[np.ndarray, int]:
    """The recording at its own rate (so the replay goes through the resampler like a device would)."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a recording")
    try:
        import soundfile

        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except Exception:  # noqa: BLE001 - libsndfile cannot read it: let the general decoder try (mp3, m4a)
        from copilot.audio.decode import load_audio

        decoded = load_audio(path)
        data = np.stack(decoded.channels[:2], axis=1).astype(np.float32)
        rate = 16_000
    if data.shape[0] == 0:
        raise InputError(f"{path}: the recording holds no audio (zero length)")
    return np.ascontiguousarray(data[:, :2]), int(rate)

