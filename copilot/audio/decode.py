"""Decode any recording into 16 kHz mono float32 channels, or say in one line why it cannot be.

Stereo means channel 0 = the rep (microphone), channel 1 = the other party (system audio); a mono
recording is one mixed stream; more than two channels are treated as rep = 0, other party = 1.
soundfile (libsndfile) reads wav/flac/ogg; PyAV (FFmpeg, already a faster-whisper dependency) reads
mp3/m4a and anything else. Resampling is soxr's, the quality the rest of the project uses.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import soxr

from copilot.errors import InputError

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
MIN_SECONDS = 0.05


@dataclass(frozen=True)
class DecodedAudio:
    """The recording's channels at 16 kHz (at most two kept), its length and when it was made."""

    channels: tuple[np.ndarray, ...]
    duration: float
    mtime: datetime
    source_rate: int
    source_channels: int

    @property
    def stereo(self) -> bool:
        return len(self.channels) >= 2


def load_audio(path: str | Path) -> DecodedAudio:
    """Read ``path`` into float32 16 kHz channels; InputError for anything unusable."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a recording")
    try:
        size = path.stat().st_size
        mtime = datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if size == 0:
        raise InputError(f"{path}: the file is empty")
    data, rate = _read(path)
    if data.ndim == 1:
        data = data[:, None]
    if data.shape[0] < int(MIN_SECONDS * rate):
        raise InputError(f"{path}: the recording holds no audio (zero length)")
    if not np.isfinite(data).all():
        data = np.nan_to_num(data, nan=0.0, posinf=0.0, neginf=0.0)
    source_channels = data.shape[1]
    kept = data[:, :2]
    if rate != SAMPLE_RATE:
        kept = soxr.resample(kept, rate, SAMPLE_RATE, quality="HQ")
    kept = np.clip(kept.astype(np.float32, copy=False), -1.0, 1.0)
    if kept.shape[1] == 2 and same_signal(kept[:, 0], kept[:, 1]):
        kept = kept[:, :1]  # "stereo" that is one signal twice is a mono recording, not two speakers
    channels = tuple(np.ascontiguousarray(kept[:, i]) for i in range(kept.shape[1]))
    return DecodedAudio(channels, kept.shape[0] / SAMPLE_RATE, mtime, rate, source_channels)


def same_signal(a: np.ndarray, b: np.ndarray) -> bool:
    """True when two channels carry the same sound (the difference is 30 dB below the signal)."""
    power = float(np.mean(a.astype(np.float64) ** 2) + np.mean(b.astype(np.float64) ** 2)) / 2
    if power == 0.0:
        return True
    diff = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return diff < power * 1e-3


def _read(path: Path) -> tuple[np.ndarray, int]:
    import soundfile as sf

    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
        return data, int(rate)
    except sf.LibsndfileError as exc:
        reason = str(exc)
        if "unknown format" not in reason.lower() and "format not recognised" not in reason.lower():
            # libsndfile knew the format but the content is broken (truncated FLAC, bad header).
            if path.suffix.lower() in (".wav", ".flac", ".ogg", ".oga", ".aiff", ".aif"):
                raise InputError(f"{path}: corrupt or truncated audio ({_short(reason)})") from None
    except (RuntimeError, ValueError) as exc:
        raise InputError(f"{path}: corrupt or truncated audio ({_short(str(exc))})") from None
    return _read_with_av(path)


def _read_with_av(path: Path) -> tuple[np.ndarray, int]:
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise InputError(f"{path}: no audio stream in this file")
            stream = container.streams.audio[0]
            rate = int(stream.codec_context.sample_rate or stream.rate or 0)
            chunks: list[np.ndarray] = []
            for frame in container.decode(stream):
                arr = frame.to_ndarray()
                layout_channels = len(frame.layout.channels)
                if frame.format.is_planar:
                    arr = arr.reshape(layout_channels, -1).T
                else:
                    arr = arr.reshape(-1, layout_channels)
                chunks.append(_to_float(arr))
                rate = int(frame.sample_rate or rate)
    except InputError:
        raise
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise InputError(f"{path}: not a readable recording ({_short(str(exc))})") from None
    if not chunks or rate <= 0:
        raise InputError(f"{path}: the recording holds no audio (zero length)")
    width = max(c.shape[1] for c in chunks)
    chunks = [c if c.shape[1] == width else np.repeat(c[:, :1], width, axis=1) for c in chunks]
    return np.concatenate(chunks, axis=0), rate


def _to_float(arr: np.ndarray) -> np.ndarray:
    if arr.dtype.kind == "f":
        return arr.astype(np.float32, copy=False)
    info = np.iinfo(arr.dtype)
    scale = float(max(abs(info.min), info.max))
    offset = 0.0 if info.min < 0 else (info.max + 1) / 2
    return ((arr.astype(np.float32) - offset) / scale).astype(np.float32)


def _short(reason: str) -> str:
    reason = " ".join(reason.split())
    return reason if len(reason) <= 100 else reason[:97] + "…"
