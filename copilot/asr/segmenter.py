"""Offline voice-activity segmentation of a whole channel into utterance-sized pieces.

Silero (the ONNX model faster-whisper ships) finds speech; pieces of one speaker separated by a short
pause, with no speech from the other side in between, are merged into one turn so Whisper sees whole
sentences and the coach sees whole utterances. Pure functions on arrays: testable without a model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

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


def speech_spans(audio: np.ndarray, options: SegmenterOptions = SegmenterOptions()) -> list[tuple[float, float]]:
    """Silero speech spans (seconds) of one 16 kHz channel."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if audio.size < SAMPLE_RATE // 10 or not np.any(audio):
        return []
    vad = VadOptions(threshold=options.threshold, min_silence_duration_ms=options.min_silence_ms,
                     speech_pad_ms=options.speech_pad_ms, min_speech_duration_ms=options.min_speech_ms,
                     max_speech_duration_s=options.max_turn_s)
    stamps = get_speech_timestamps(audio, vad)
    return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]


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
