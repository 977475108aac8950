"""Offline voice-activity segmentation of a whole channel into utterance-sized pieces.

Silero (the ONNX model faster-whisper ships) finds speech; pieces of one speaker separated by a short
pause, with no speech from the other side in between, are merged into one turn so Whisper sees whole
sentences and the coach sees whole utterances. Pure functions on arrays: testable without a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Segment:
    """A span of speech on one channel, in seconds."""

    channel: int
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class SegmenterOptions:
    threshold: float = 0.5
    min_silence_ms: int = 300
    speech_pad_ms: int = 200
    min_speech_ms: int = 120  # a band-limited "Great." is ~220 ms of Silero speech
    merge_gap_s: float = 1.0
    max_turn_s: float = 28.0


VAD_WINDOW = 512  # samples per Silero window at 16 kHz
VAD_CONTEXT = 64  # samples of the previous window each window sees
VAD_BATCH = 1_000  # windows per model call (0.03 GB of model activations; 10 000, faster-whisper's batch, takes 0.13 GB)


def speech_spans(audio: np.ndarray, options: SegmenterOptions = SegmenterOptions()) -> list[tuple[float, float]]:
    """Silero speech spans (seconds) of one 16 kHz channel.

    faster-whisper's ``get_speech_timestamps`` copies the whole channel twice (padded, then with context) before
    running the model; on an hour-long call that is 0.5 GB per channel. Here the model runs block by block on
    the same windows with the same state, so the spans are the same and memory stays at one block.
    """
    from faster_whisper.vad import VadOptions

    if audio.size < SAMPLE_RATE // 10 or not np.any(audio):
        return []
    vad = VadOptions(threshold=options.threshold, min_silence_duration_ms=options.min_silence_ms,
                     speech_pad_ms=options.speech_pad_ms, min_speech_duration_ms=options.min_speech_ms,
                     max_speech_duration_s=options.max_turn_s)
    stamps = _timestamps(speech_probabilities(audio), audio.shape[0], vad)
    return [(start / SAMPLE_RATE, end / SAMPLE_RATE) for start, end in stamps]


def speech_probabilities(audio: np.ndarray) -> np.ndarray:
    """Silero's speech probability for each 512-sample window of ``audio`` (zero-padded to whole windows, plus
    one), computed in blocks: exactly what faster-whisper's ``SileroVADModel`` gives for the whole channel."""
    from faster_whisper.vad import get_vad_model

    session = get_vad_model().session
    n = audio.shape[0]
    windows = n // VAD_WINDOW + 1  # faster-whisper pads to a whole window, a full one when none is missing
    h = np.zeros((1, 1, 128), dtype=np.float32)
    c = np.zeros((1, 1, 128), dtype=np.float32)
    out: list[np.ndarray] = []
    for first in range(0, windows, VAD_BATCH):
        count = min(VAD_BATCH, windows - first)
        start = first * VAD_WINDOW - VAD_CONTEXT
        batch = np.zeros((count + 1) * VAD_WINDOW, dtype=np.float32)  # the previous window's tail, then the windows
        lo, hi = max(start, 0), min(start + batch.shape[0] - (VAD_WINDOW - VAD_CONTEXT), n)
        if hi > lo:
            batch[lo - start: hi - start] = audio[lo:hi]
        if first + count == windows:
            # faster-whisper zeroes the last window's last 64 samples (its context view writes into the audio)
            end = (windows - first) * VAD_WINDOW + VAD_CONTEXT
            batch[end - VAD_CONTEXT: end] = 0.0
        body = batch[: count * VAD_WINDOW + VAD_CONTEXT]
        frames = np.lib.stride_tricks.as_strided(
            body, shape=(count, VAD_WINDOW + VAD_CONTEXT), strides=(VAD_WINDOW * 4, 4)).copy()
        if first == 0:
            frames[0, :VAD_CONTEXT] = 0.0
        probs, h, c = session.run(None, {"input": frames, "h": h, "c": c})
        out.append(np.asarray(probs, dtype=np.float32).reshape(-1))
    return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


def _timestamps(probs: np.ndarray, length: int, vad: Any) -> list[tuple[int, int]]:
    """Speech (start, end) samples from the window probabilities: faster-whisper 1.2's ``get_speech_timestamps``
    after its model call, line for line (it takes no probabilities of its own)."""
    window = VAD_WINDOW
    threshold = float(np.float32(vad.threshold))  # compared as faster-whisper compares: in float32
    neg = vad.neg_threshold if vad.neg_threshold is not None else max(vad.threshold - 0.15, 0.01)
    neg_threshold = float(np.float32(neg))
    min_speech = SAMPLE_RATE * vad.min_speech_duration_ms / 1000
    pad = SAMPLE_RATE * vad.speech_pad_ms / 1000
    max_speech = SAMPLE_RATE * vad.max_speech_duration_s - window - 2 * pad
    min_silence = SAMPLE_RATE * vad.min_silence_duration_ms / 1000
    min_silence_at_max_speech = SAMPLE_RATE * 98 / 1000

    triggered = False
    speeches: list[dict[str, float]] = []
    current: dict[str, float] = {}
    temp_end = 0
    prev_end = next_start = 0
    for i, prob in enumerate(probs.tolist()):
        if prob >= threshold and temp_end:
            temp_end = 0
            if next_start < prev_end:
                next_start = window * i
        if prob >= threshold and not triggered:
            triggered = True
            current["start"] = window * i
            continue
        if triggered and window * i - current["start"] > max_speech:
            if prev_end:
                current["end"] = prev_end
                speeches.append(current)
                current = {}
                if next_start < prev_end:
                    triggered = False
                else:
                    current["start"] = next_start
                prev_end = next_start = temp_end = 0
            else:
                current["end"] = window * i
                speeches.append(current)
                current = {}
                prev_end = next_start = temp_end = 0
                triggered = False
                continue
        if prob < neg_threshold and triggered:
            if not temp_end:
                temp_end = window * i
            if window * i - temp_end > min_silence_at_max_speech:
                prev_end = temp_end
            if window * i - temp_end < min_silence:
                continue
            current["end"] = temp_end
            if current["end"] - current["start"] > min_speech:
                speeches.append(current)
            current = {}
            prev_end = next_start = temp_end = 0
            triggered = False
            continue
    if current and length - current["start"] > min_speech:
        current["end"] = length
        speeches.append(current)
    for i, speech in enumerate(speeches):
        if i == 0:
            speech["start"] = int(max(0, speech["start"] - pad))
        if i != len(speeches) - 1:
            silence = speeches[i + 1]["start"] - speech["end"]
            if silence < 2 * pad:
                speech["end"] += int(silence // 2)
                speeches[i + 1]["start"] = int(max(0, speeches[i + 1]["start"] - silence // 2))
            else:
                speech["end"] = int(min(length, speech["end"] + pad))
                speeches[i + 1]["start"] = int(max(0, speeches[i + 1]["start"] - pad))
        else:
            speech["end"] = int(min(length, speech["end"] + pad))
    return [(int(s["start"]), int(s["end"])) for s in speeches]


def merge_turns(spans_by_channel: Sequence[Sequence[tuple[float, float]]],
                options: SegmenterOptions = SegmenterOptions()) -> list[Segment]:
    """Merge each channel's spans into turns; a turn ends at a long pause, a cap, or when the other side speaks."""
    turns: list[Segment] = []
    for channel, spans in enumerate(spans_by_channel):
        others = [s for c, other in enumerate(spans_by_channel) if c != channel for s in other]
        current: list[float] | None = None
        for start, end in sorted(spans):
            if current is not None:
                gap = start - current[1]
                interrupted = any(o_start < start and o_end > current[1] for o_start, o_end in others)
                too_long = end - current[0] > options.max_turn_s
                if gap <= options.merge_gap_s and not interrupted and not too_long:
                    current[1] = end
                    continue
                turns.append(Segment(channel, current[0], current[1]))
            current = [start, end]
        if current is not None:
            turns.append(Segment(channel, current[0], current[1]))
    turns.sort(key=lambda s: (s.start, s.channel))
    return turns


def cut(audio: np.ndarray, segment: Segment) -> np.ndarray:
    """The samples of a segment."""
    return audio[int(segment.start * SAMPLE_RATE): int(np.ceil(segment.end * SAMPLE_RATE))]
