"""Keeping the call's audio, when the user asked for it (off by default: recording may need consent).

Frames arrive per speaker on the call clock; each speaker is written to its own mono FLAC as it comes
(gaps filled with silence, so the two stay aligned), and ``close`` joins them into one stereo FLAC —
channel 0 the rep, channel 1 the other party — that ``copilot analyze`` reads back. A disk that fills
up stops the recording, never the call.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np
import soundfile as sf

from copilot.errors import OutputError
from copilot.session.utterance import PROSPECT, REP

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
_BLOCK = SAMPLE_RATE * 30


class CallRecorder:
    """Writes both sides of a call to ``path`` (stereo FLAC); thread-safe ``write``, one ``close``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._files: dict[str, sf.SoundFile] = {}
        self._written: dict[str, int] = {REP: 0, PROSPECT: 0}
        self.failed: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for speaker in (REP, PROSPECT):
                self._files[speaker] = sf.SoundFile(self._part(speaker), "w", SAMPLE_RATE, 1, "PCM_16", format="FLAC")
        except (OSError, sf.LibsndfileError) as exc:
            self._abandon()
            raise OutputError(f"cannot record the call's audio to {self.path}: {exc}") from None

    def _part(self, speaker: str) -> Path:
        return self.path.with_name(f".{self.path.stem}.{speaker}.part.flac")

    def write(self, speaker: str, t: float, samples: np.ndarray) -> None:
        """Place ``samples`` at call-clock ``t`` on the speaker's channel (silence fills any gap)."""
        with self._lock:
            if self.failed or speaker not in self._files:
                return
            start = int(round(t * SAMPLE_RATE))
            gap = start - self._written[speaker]
            data = np.asarray(samples, dtype=np.float32)
            if gap < 0:  # overlaps what is written: keep only the new part
                data = data[-gap:]
                gap = 0
            try:
                if gap:
                    self._files[speaker].write(np.zeros(gap, np.float32))
                if data.size:
                    self._files[speaker].write(np.clip(data, -1.0, 1.0))
            except (OSError, sf.LibsndfileError) as exc:
                self.failed = f"recording the audio stopped: {exc}"
                log.warning(self.failed)
                return
            self._written[speaker] += gap + data.size

    def close(self) -> Path | None:
        """Join the two channels into the stereo file; returns it, or None when recording failed."""
        with self._lock:
            for f in self._files.values():
                f.close()
            if self.failed:
                self._abandon()
                return None
            try:
                self._join()
            except (OSError, sf.LibsndfileError) as exc:
                self.failed = f"recording the audio stopped: {exc}"
                log.warning(self.failed)
                self._abandon()
                return None
            self._abandon()
            return self.path

    def _join(self) -> None:
        total = max(self._written.values())
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        with sf.SoundFile(self._part(REP)) as rep, sf.SoundFile(self._part(PROSPECT)) as other, \
                sf.SoundFile(tmp, "w", SAMPLE_RATE, 2, "PCM_16", format="FLAC") as out:
            done = 0
            while done < total:
                n = min(_BLOCK, total - done)
                block = np.zeros((n, 2), np.float32)
                a = rep.read(n, dtype="float32")
                b = other.read(n, dtype="float32")
                block[: a.shape[0], 0] = a
                block[: b.shape[0], 1] = b
                out.write(block)
                done += n
        tmp.replace(self.path)

    def _abandon(self) -> None:
        for speaker in (REP, PROSPECT):
            try:
                self._part(speaker).unlink(missing_ok=True)
            except OSError:  # the folder itself is unusable: nothing was written there
                pass
