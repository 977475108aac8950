"""A whole recording → a transcript: decode, segment each channel, transcribe each turn.

This is ``copilot analyze``'s path for audio; it uses the same Transcriber as the live pipeline.
Stereo: channel 0 is the rep, channel 1 the other party. Mono: one mixed stream, so speakers are told
apart by turn-taking alone and the transcript says so (``speakers_separated=False``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Callable

import numpy as np

from copilot.asr.dedupe import DuplicateFilter, without_echo
from copilot.asr.segmenter import Segment, SegmenterOptions, cut, merge_turns, speech_spans
from copilot.asr.transcriber import Transcriber
from copilot.audio.decode import DecodedAudio, load_audio
from copilot.session.transcript import Transcript
from copilot.session.utterance import PROSPECT, REP, Utterance

log = logging.getLogger(__name__)

Progress = Callable[[float, float], None]  # (seconds of audio done, seconds in all)


def rep_channel(audio: DecodedAudio) -> np.ndarray:
    """The rep's microphone, with the other party's voice that leaked in from loudspeakers silenced (stereo only)."""
    mic = audio.channels[0]
    if not audio.stereo or len(audio.channels) < 2:
        return mic
    return without_echo(mic, audio.channels[1])


def segment_audio(audio: DecodedAudio, options: SegmenterOptions = SegmenterOptions(),
                  mic: np.ndarray | None = None) -> list[Segment]:
    """Speech turns across the recording's channels, in time order."""
    channels = [mic if mic is not None else audio.channels[0], *audio.channels[1:2]]
    spans = [speech_spans(channel, options) for channel in channels]
    return merge_turns(spans, options)


def speaker_of(segment: Segment, index: int, stereo: bool) -> str:
    """Channel 0 is the rep on a stereo call; on a mono call turns alternate, starting with the rep."""
    if stereo:
        return REP if segment.channel == 0 else PROSPECT
    return REP if index % 2 == 0 else PROSPECT


def transcribe_recording(source: str | Path | DecodedAudio, transcriber: Transcriber, progress: Progress | None = None,
                         started_at: datetime | None = None) -> Transcript:
    """Transcribe a recording (a path, or audio already decoded); raises InputError for unusable files."""
    audio = source if isinstance(source, DecodedAudio) else load_audio(source)
    mic = rep_channel(audio)
    segments = segment_audio(audio, mic=mic)
    channels = [mic, *audio.channels[1:2]]
    dupes = DuplicateFilter() if audio.stereo else None
    total = sum(s.duration for s in segments) or 1.0
    done = 0.0
    if progress:
        progress(0.0, total)
    utterances: list[Utterance] = []
    turn = 0
    for segment in segments:
        result = transcriber.transcribe(cut(channels[segment.channel], segment))
        done += segment.duration
        if progress:
            progress(done, total)
        if not result.text:
            continue
        speaker = speaker_of(segment, turn, audio.stereo)
        utterance = Utterance(speaker, round(segment.start, 3), round(segment.end, 3), result.text)
        if dupes is not None:
            if dupes.is_duplicate(utterance):
                log.info("dropped a rep line that repeats the other party: %r", result.text)
                continue
            dupes.remember(utterance)
        turn += 1
        utterances.append(utterance)
    return Transcript(tuple(utterances), started_at or audio.mtime, None, audio.stereo,
                      {"duration": audio.duration, "channels": audio.source_channels})
