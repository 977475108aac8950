"""The speaker attribution of a mono recording, end to end but for the transcriber: voices, the rep, the summary.

copilot.asr.recording calls ``voice_turns`` before transcribing (the turns to transcribe, each with a voice and a
confidence) and ``decide_rep`` after (which voice is the rep, and how that was decided); ``summary`` is what the
transcript's meta says about it, so the coach and the verdict can say how sure the attribution is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from copilot.diarize.encoder import VoiceEncoder, normalised
from copilot.diarize.profile import VoiceProfile, VoiceProfileStore
from copilot.diarize.roles import rep_by_profile, rep_by_talk
from copilot.diarize.voices import SAMPLE_RATE, Turn, VoiceSplit, split_voices, turns

log = logging.getLogger(__name__)

DOUBTFUL_BELOW = 0.7
MIN_ENROL_SPAN_S = 1.0


@dataclass(frozen=True)
class VoiceTurns:
    """The turns to transcribe and the two voices' centres."""

    turns: tuple[Turn, ...]
    centres: np.ndarray


def voice_turns(audio: np.ndarray, spans: Sequence[tuple[float, float]],
                encoder: VoiceEncoder | None = None) -> VoiceTurns | None:
    """Turns by voice for a mono channel; None when two voices cannot be found (too little speech).
    Raises ModelError when the speaker model is missing or altered."""
    split: VoiceSplit | None = split_voices(audio, spans, encoder or VoiceEncoder())
    if split is None:
        return None
    return VoiceTurns(tuple(turns(split.pieces)), split.centres)


@dataclass(frozen=True)
class RepDecision:
    """The rep's voice (0 or 1) and how it was decided: "profile" or "talk"."""

    voice: int
    how: str


def decide_rep(centres: np.ndarray, spoken: Sequence[tuple[int, str]], profile: VoiceProfile | None) -> RepDecision:
    """The rep's voice from the stored profile when it clearly matches one voice, else from who proposes and asks
    more in ``spoken`` ((voice, text) in time order)."""
    if profile is not None:
        voice = rep_by_profile(centres, profile.embedding)
        if voice is not None:
            return RepDecision(voice, "profile")
        log.info("the stored voice profile matches neither voice clearly; deciding the rep by who proposes and asks")
    texts: list[list[str]] = [[], []]
    for voice, text in spoken:
        texts[voice].append(text)
    first = spoken[0][0] if spoken else 0
    return RepDecision(rep_by_talk(texts, first), "talk")


def summary(method: str, rep: str | None, spoken: Sequence[tuple[float, float]], note: str | None = None
            ) -> dict[str, Any]:
    """``meta["speaker_attribution"]``: the method, how the rep was found, the speaking-time-weighted confidence
    and the share of speech whose speaker is doubtful (below 0.7); ``spoken`` is (seconds, confidence)."""
    total = sum(seconds for seconds, _ in spoken)
    if total > 0:
        confidence = sum(seconds * c for seconds, c in spoken) / total
        doubtful = sum(seconds for seconds, c in spoken if c < DOUBTFUL_BELOW) / total
    else:
        confidence, doubtful = (1.0, 0.0) if method == "voice" else (0.5, 1.0)
    result: dict[str, Any] = {"method": method, "rep": rep, "confidence": round(confidence, 3),
                              "doubtful_share": round(doubtful, 3)}
    if note:
        result["note"] = note
    return result


def voice_of(audio: np.ndarray, spans: Sequence[tuple[float, float]], encoder: VoiceEncoder | None = None
             ) -> tuple[np.ndarray, float] | None:
    """One speaker's mean embedding over the spans of a second or more, and the seconds it rests on."""
    spans = [(s, e) for s, e in spans if e - s >= MIN_ENROL_SPAN_S]
    if not spans:
        return None
    partials = (encoder or VoiceEncoder()).embed_many(
        [audio[int(s * SAMPLE_RATE):int(e * SAMPLE_RATE)] for s, e in spans])
    seconds = np.array([e - s for s, e in spans])
    mean = (seconds[:, None] * np.stack([p.mean for p in partials])).sum(axis=0)
    return normalised(mean), float(seconds.sum())


def enrol_from_channel(store: VoiceProfileStore, audio: np.ndarray, spans: Sequence[tuple[float, float]]) -> None:
    """Blend the rep's microphone speech into the stored profile; a missing model or unwritable folder is logged,
    never fatal to the analysis it rides on."""
    from copilot.errors import CopilotError

    try:
        found = voice_of(audio, spans)
        if found is not None:
            store.update(*found)
            log.info("voice profile updated from %.0f s of the rep's microphone", found[1])
    except CopilotError as exc:
        log.warning("the rep's voice profile was not updated: %s", exc)
