"""Decode any recording into 16 kHz mono float32 channels, or say in one line why it cannot be.

Stereo means channel 0 = the rep (microphone), channel 1 = the other party (system audio); a mono
recording is one mixed stream; more than two channels are treated as rep = 0, other party = 1.
One file per participant (Zoom's "separate audio file for each participant", a softphone's two legs) gives
the same two channels: the first file is the rep, the others are mixed into the other party
(``load_participants``). soundfile (libsndfile) reads wav/flac/ogg; PyAV (FFmpeg, already a faster-whisper
dependency) reads mp3/m4a, video files (mp4, mov, mkv, webm: only their audio track is decoded) and anything
else. Resampling is soxr's, the quality the rest of the project uses.

An hour-long call must fit in bounded memory, so a file is decoded block by block, each block resampled by
a streaming resampler and written straight into one float32 buffer per kept channel: the whole signal is
never held twice, at the source rate, or in float64.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import soxr

from copilot.errors import InputError

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
MIN_SECONDS = 0.05
BLOCK_FRAMES = 1 << 16  # source frames per block handed to the resampler (about 1.4–4 s)
SOUNDFILE_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".aiff", ".aif")


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
    mtime = _check_file(path)
    decoded = _decode(path, mix=False)
    channels = decoded.channels
    if len(channels) == 2 and same_signal(channels[0], channels[1]):
        channels = channels[:1]  # "stereo" that is one signal twice is a mono recording, not two speakers
    return DecodedAudio(tuple(channels), decoded.length / SAMPLE_RATE, mtime, decoded.rate, decoded.source_channels)


def load_participants(rep: str | Path, others: Sequence[str | Path]) -> DecodedAudio:
    """One file per participant → the two channels a stereo call has: the rep's file (its channels mixed) on
    channel 0, every other file mixed into channel 1, all aligned from their starts and padded to the longest.

    Two files that carry the same sound are one mixed recording (mono), as with a stereo file's channels.
    """
    paths = [Path(rep), *(Path(p) for p in others)]
    if not others:
        raise InputError(f"{paths[0]}: one file per participant needs the other party's file too")
    seen: dict[Path, Path] = {}
    for path in paths:
        key = path.resolve()
        if key in seen:
            raise InputError(f"{path}: given twice (one file per participant: the rep's first, then the others')")
        seen[key] = path
    mtime = _check_file(paths[0])
    for path in paths[1:]:
        _check_file(path)
    rep_audio = _decode(paths[0], mix=True)
    rep_channel = rep_audio.channels[0]
    other: np.ndarray | None = None
    source_channels = rep_audio.source_channels
    for path in paths[1:]:
        decoded = _decode(path, mix=True)
        source_channels += decoded.source_channels
        voice = decoded.channels[0]
        if other is None:
            other = voice
            continue
        if voice.shape[0] > other.shape[0]:
            other, voice = voice, other
        np.add(other[: voice.shape[0]], voice, out=other[: voice.shape[0]])  # voices add up, as in a room
        del voice
    assert other is not None
    np.clip(other, -1.0, 1.0, out=other)
    length = max(rep_channel.shape[0], other.shape[0])
    if abs(rep_channel.shape[0] - other.shape[0]) > SAMPLE_RATE:
        log.info("participant files differ in length (%.1f s vs %.1f s): aligned from their starts, the shorter "
                 "padded with silence", rep_channel.shape[0] / SAMPLE_RATE, other.shape[0] / SAMPLE_RATE)
    rep_channel, other = _padded(rep_channel, length), _padded(other, length)
    channels: tuple[np.ndarray, ...] = (rep_channel, other)
    if same_signal(rep_channel, other):
        channels = (rep_channel,)
    return DecodedAudio(channels, length / SAMPLE_RATE, mtime, rep_audio.rate, source_channels)


def same_signal(a: np.ndarray, b: np.ndarray, block: int = 1 << 16) -> bool:
    """True when two channels carry the same sound (the difference is 30 dB below the signal).

    Summed block by block in float64, so an hour-long call needs no float64 copy of either channel."""
    n = min(a.shape[0], b.shape[0])
    if n == 0:
        return True
    power_a = power_b = diff = 0.0
    for start in range(0, n, block):
        x = a[start:start + block].astype(np.float64)
        y = b[start:start + block].astype(np.float64)
        power_a += float(np.dot(x, x))
        power_b += float(np.dot(y, y))
        x -= y
        diff += float(np.dot(x, x))
    power = (power_a + power_b) / (2 * n)
    if power == 0.0:
        return True
    return bool(diff / n < power * 1e-3)


def _check_file(path: Path) -> datetime:
    """The file's modification time, after making sure it is a non-empty readable file."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a recording")
    try:
        stat = path.stat()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if stat.st_size == 0:
        raise InputError(f"{path}: the file is empty")
    return datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0)


@dataclass(frozen=True)
class _Decoded:
    channels: list[np.ndarray]
    length: int  # samples at 16 kHz
    rate: int  # the source's sample rate
    source_channels: int


class _Collector:
    """Blocks of source samples → resampled, clipped float32 channels in buffers that grow rarely.

    The buffers are sized from the length the file announces (plus a margin), so a well-formed file is
    written in place once; a file longer than announced grows them by a quarter, one channel at a time.
    ``mix`` averages the file's channels into one (a participant's own file).
    """

    def __init__(self, path: Path, rate: int, source_channels: int, expected_frames: int, mix: bool) -> None:
        if rate <= 0 or source_channels <= 0:
            raise InputError(f"{path}: the recording holds no audio (zero length)")
        self.path = path
        self.rate = rate
        self.source_channels = source_channels
        self.mix = mix
        self.count = 1 if mix else min(2, source_channels)
        expected = int(max(expected_frames, 0) * SAMPLE_RATE / rate)
        capacity = min(int(expected * 1.02) + SAMPLE_RATE, SAMPLE_RATE * 3600 * 12)
        self._buffers = [np.empty(capacity, dtype=np.float32) for _ in range(self.count)]
        self.length = 0
        self._stream_rate = rate
        self._resampler = self._new_resampler(rate)

    def _new_resampler(self, rate: int) -> soxr.ResampleStream | None:
        if rate == SAMPLE_RATE:
            return None
        return soxr.ResampleStream(rate, SAMPLE_RATE, self.count, dtype="float32", quality="HQ")

    def feed(self, block: np.ndarray, rate: int) -> None:
        """One block of source samples, shape (frames, channels), any float or int dtype."""
        if block.shape[0] == 0:
            return
        if rate != self._stream_rate:  # a stream that changes rate midway: flush and follow it
            self._flush()
            self._stream_rate = rate
            self._resampler = self._new_resampler(rate)
        block = _to_float(block)
        if not np.isfinite(block).all():
            block = np.nan_to_num(block, nan=0.0, posinf=0.0, neginf=0.0)
        if self.mix:
            block = block.mean(axis=1, keepdims=True, dtype=np.float32)
        else:
            if block.shape[1] < self.count:
                block = np.repeat(block[:, :1], self.count, axis=1)
            block = block[:, : self.count]
        if self._resampler is not None:
            block = self._resampler.resample_chunk(np.ascontiguousarray(block), last=False)
        self._append(block)

    def _flush(self) -> None:
        if self._resampler is not None:
            self._append(self._resampler.resample_chunk(np.zeros((0, self.count), np.float32), last=True))

    def _append(self, block: np.ndarray) -> None:
        n = block.shape[0]
        if n == 0:
            return
        end = self.length + n
        if end > self._buffers[0].shape[0]:
            capacity = max(end, int(self._buffers[0].shape[0] * 1.25) + SAMPLE_RATE)
            for i, old in enumerate(self._buffers):
                grown = np.empty(capacity, dtype=np.float32)
                grown[: self.length] = old[: self.length]
                self._buffers[i] = grown
                del old
        for i, buffer in enumerate(self._buffers):
            np.clip(block[:, i], -1.0, 1.0, out=buffer[self.length:end])
        self.length = end

    def finish(self) -> _Decoded:
        self._flush()
        if self.length < int(MIN_SECONDS * SAMPLE_RATE):
            raise InputError(f"{self.path}: the recording holds no audio (zero length)")
        channels = [_padded(buffer, self.length) for buffer in self._buffers]
        self._buffers = []
        return _Decoded(channels, self.length, self.rate, self.source_channels)


def _padded(channel: np.ndarray, length: int) -> np.ndarray:
    """``channel`` cut or extended with silence to ``length`` samples, in place when it owns its memory."""
    if channel.shape[0] == length:
        return channel
    try:
        channel.resize(length, refcheck=False)  # shrinks or zero-fills without a second copy
        return channel
    except ValueError:
        out = np.zeros(length, dtype=np.float32)
        keep = min(length, channel.shape[0])
        out[:keep] = channel[:keep]
        return out


def _decode(path: Path, mix: bool) -> _Decoded:
    decoded = _decode_with_soundfile(path, mix)
    return decoded if decoded is not None else _decode_with_av(path, mix)


def _decode_with_soundfile(path: Path, mix: bool) -> _Decoded | None:
    """libsndfile's formats; None when it does not know the format (PyAV tries next)."""
    import soundfile as sf

    try:
        with sf.SoundFile(str(path)) as fh:
            collector = _Collector(path, int(fh.samplerate), int(fh.channels), int(fh.frames), mix)
            for block in fh.blocks(blocksize=BLOCK_FRAMES, dtype="float32", always_2d=True):
                collector.feed(block, collector.rate)
            return collector.finish()
    except sf.LibsndfileError as exc:
        reason = str(exc)
        if "unknown format" not in reason.lower() and "format not recognised" not in reason.lower():
            # libsndfile knew the format but the content is broken (truncated FLAC, bad header).
            if path.suffix.lower() in SOUNDFILE_SUFFIXES:
                raise InputError(f"{path}: corrupt or truncated audio ({_short(reason)})") from None
    except (RuntimeError, ValueError) as exc:
        raise InputError(f"{path}: corrupt or truncated audio ({_short(str(exc))})") from None
    return None


def _decode_with_av(path: Path, mix: bool) -> _Decoded:
    """Everything FFmpeg reads; of a video file only the first audio track is decoded (video packets are skipped)."""
    import av

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                if container.streams.video:
                    raise InputError(f"{path}: a video with no sound (no audio track to transcribe)")
                raise InputError(f"{path}: no audio stream in this file")
            stream = container.streams.audio[0]
            rate = int(stream.codec_context.sample_rate or stream.rate or 0)
            collector = _Collector(path, rate, _channel_count(stream), _expected_frames(container, stream, rate), mix)
            pending: list[np.ndarray] = []
            pending_frames = 0
            pending_rate = collector.rate
            for frame in container.decode(stream):
                arr = _frame_array(frame)
                frame_rate = int(frame.sample_rate or pending_rate)
                if pending and (frame_rate != pending_rate or arr.shape[1] != pending[0].shape[1]):
                    collector.feed(np.concatenate(pending, axis=0), pending_rate)
                    pending, pending_frames = [], 0
                pending.append(arr)
                pending_rate = frame_rate
                pending_frames += arr.shape[0]
                if pending_frames >= BLOCK_FRAMES:
                    collector.feed(np.concatenate(pending, axis=0), pending_rate)
                    pending, pending_frames = [], 0
            if pending:
                collector.feed(np.concatenate(pending, axis=0), pending_rate)
            return collector.finish()
    except InputError:
        raise
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise InputError(f"{path}: not a readable recording ({_short(str(exc))})") from None


def _channel_count(stream: Any) -> int:
    layout = getattr(stream.codec_context, "layout", None)
    count = len(layout.channels) if layout is not None else 0
    return int(count or getattr(stream.codec_context, "channels", 0) or 1)


def _expected_frames(container: Any, stream: Any, rate: int) -> int:
    """Source frames the file announces (stream or container duration); 0 when it does not say."""
    seconds = 0.0
    if stream.duration is not None and stream.time_base is not None:
        seconds = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        seconds = container.duration / 1_000_000  # av.time_base
    return int(max(seconds, 0.0) * rate)


def _frame_array(frame: Any) -> np.ndarray:
    """An audio frame as (samples, channels), planar or packed."""
    arr = frame.to_ndarray()
    layout_channels = len(frame.layout.channels) or 1
    if frame.format.is_planar:
        return np.asarray(arr.reshape(layout_channels, -1).T)
    return np.asarray(arr.reshape(-1, layout_channels))


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
