"""A whole recording → a transcript: decode, segment each channel, transcribe each turn.

This is ``copilot analyze``'s path for audio; it uses the same Transcriber as the live pipeline.
Stereo: channel 0 is the rep, channel 1 the other party (and, given a profile store, the rep's microphone
refreshes their stored voice). Mono: one mixed stream, so the two voices are told apart by sound
(copilot.diarize) and the rep is the voice of the stored profile, else the one who proposes and asks more;
only when that cannot be done (no speaker model, too little speech) do turns alternate, and the transcript
says so (``speakers_separated=False``). ``meta["speaker_attribution"]`` says which way it went.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

from copilot.asr.dedupe import DuplicateFilter, without_echo
from copilot.asr.segmenter import Segment, SegmenterOptions, cut, merge_turns, speech_spans
from copilot.asr.transcriber import Transcriber
from copilot.audio.decode import DecodedAudio, load_audio
from copilot.errors import ModelError
from copilot.session.transcript import Transcript
from copilot.session.utterance import PROSPECT, REP, Utterance

if TYPE_CHECKING:
    from copilot.diarize.profile import VoiceProfileStore

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
                         started_at: datetime | None = None, *, voices: VoiceProfileStore | None = None,
                         learn_voice: bool = True) -> Transcript:
    """Transcribe a recording (a path, or audio already decoded); raises InputError for unusable files.

    ``voices``: where the rep's voice profile lives; a mono recording reads it, a stereo one updates it from the
    microphone channel unless ``learn_voice`` is False (an analysis that keeps nothing)."""
    audio = source if isinstance(source, DecodedAudio) else load_audio(source)
    meta = {"duration": audio.duration, "channels": audio.source_channels}
    note = None
    if not audio.stereo:
        by_voice = _transcribe_by_voice(audio, transcriber, progress, voices)
        if isinstance(by_voice, str):
            note = by_voice
        else:
            return Transcript(by_voice[0], started_at or audio.mtime, None, True,
                              {**meta, "speaker_attribution": by_voice[1]})
    mic = rep_channel(audio)
    segments = segment_audio(audio, mic=mic)
    channels = [mic, *audio.channels[1:2]]
    dupes = DuplicateFilter() if audio.stereo else None
    utterances: list[Utterance] = []
    turn = 0
    for segment, text in _transcribed(segments, channels, transcriber, progress):
        speaker = speaker_of(segment, turn, audio.stereo)
        utterance = Utterance(speaker, round(segment.start, 3), round(segment.end, 3), text)
        if dupes is not None:
            if dupes.is_duplicate(utterance):
                log.info("dropped a rep line that repeats the other party: %r", text)
                continue
            dupes.remember(utterance)
        turn += 1
        utterances.append(utterance)
    if audio.stereo:
        if voices is not None and learn_voice:
            from copilot.diarize.attribute import enrol_from_channel

            enrol_from_channel(voices, mic, [(s.start, s.end) for s in segments if s.channel == 0])
        return Transcript(tuple(utterances), started_at or audio.mtime, None, True, meta)
    from copilot.diarize.attribute import summary

    spoken = [(u.end - u.start, 0.5) for u in utterances]
    return Transcript(tuple(utterances), started_at or audio.mtime, None, False,
                      {**meta, "speaker_attribution": summary("turns", None, spoken, note)})


def _transcribed(segments: list[Segment], channels: list[np.ndarray], transcriber: Transcriber,
                 progress: Progress | None) -> list[tuple[Segment, str]]:
    """Each segment's text, in order, leaving out the ones that hold no words; progress after each."""
    total = sum(s.duration for s in segments) or 1.0
    done = 0.0
    if progress:
        progress(0.0, total)
    found = []
    for segment in segments:
        result = transcriber.transcribe(cut(channels[segment.channel], segment))
        done += segment.duration
        if progress:
            progress(done, total)
        if result.text:
            found.append((segment, result.text))
    return found


def _transcribe_by_voice(audio: DecodedAudio, transcriber: Transcriber, progress: Progress | None,
                         voices: VoiceProfileStore | None) -> tuple[tuple[Utterance, ...], dict[str, object]] | str:
    """A mono recording's utterances with speakers told apart by sound, and the attribution summary; or, when that
    cannot be done, the one-line reason (the caller falls back to turn-taking)."""
    from copilot.diarize.attribute import decide_rep, summary, voice_turns

    channel = audio.channels[0]
    try:
        found = voice_turns(channel, speech_spans(channel))
    except ModelError as exc:
        log.warning("%s; speakers are told apart by turn-taking instead", exc)
        return f"turn-taking: {exc}"
    if found is None:
        return "turn-taking: too little speech to tell two voices apart"
    segments = [Segment(0, t.start, t.end) for t in found.turns]
    texts = _transcribed(segments, [channel], transcriber, progress)
    by_start = {t.start: t for t in found.turns}
    spoken = [(by_start[segment.start], text) for segment, text in texts]
    profile = voices.load() if voices is not None else None
    rep = decide_rep(found.centres, [(t.voice, text) for t, text in spoken], profile)
    utterances = tuple(
        Utterance(REP if t.voice == rep.voice else PROSPECT, round(t.start, 3), round(t.end, 3), text,
                  speaker_confidence=min(1.0, max(0.5, round(t.confidence, 3))))
        for t, text in spoken)
    weights = [(u.end - u.start, u.speaker_confidence) for u in utterances]
    return utterances, summary("voice", rep.how, weights)
