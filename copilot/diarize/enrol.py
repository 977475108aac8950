"""Enrolling the rep's voice on purpose: from a recording of them speaking, or from the microphone.

(The other way in is automatic: each stereo recording analysed refreshes the profile from its microphone
channel, see attribute.enrol_from_channel.) An enrolment replaces the profile; it needs a few seconds of speech,
and says in one line when it did not get them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from copilot.diarize.attribute import voice_of
from copilot.diarize.profile import VoiceProfile, VoiceProfileStore
from copilot.errors import DeviceError, InputError, UsageError

SAMPLE_RATE = 16_000
MIN_SPEECH_S = 5.0
MIN_RECORD_S, MAX_RECORD_S = 5, 300


def enrol_audio(store: VoiceProfileStore, audio: np.ndarray, source: str) -> VoiceProfile:
    """Make the profile from 16 kHz audio of the rep alone (InputError when it holds too little speech)."""
    from copilot.asr.segmenter import speech_spans

    found = voice_of(audio, speech_spans(audio))
    heard = found[1] if found is not None else 0.0
    if found is None or heard < MIN_SPEECH_S:
        raise InputError(f"{source}: only {heard:.0f} s of speech in pieces of a second or more; "
                         f"enrolling needs at least {MIN_SPEECH_S:.0f} s of the rep speaking")
    return store.save(*found)


def enrol_file(store: VoiceProfileStore, path: Path) -> VoiceProfile:
    """From a recording of the rep (a stereo file's channel 0, the microphone, is the rep)."""
    from copilot.audio.decode import load_audio

    return enrol_audio(store, load_audio(path).channels[0], str(path))


def record_microphone(seconds: int, device: str | int | None = None) -> np.ndarray:
    """``seconds`` of the microphone at 16 kHz mono (DeviceError when it cannot be opened)."""
    from copilot.audio.devices import load_sounddevice

    if not MIN_RECORD_S <= seconds <= MAX_RECORD_S:
        raise UsageError(f"--seconds must be between {MIN_RECORD_S} and {MAX_RECORD_S}")
    sd = load_sounddevice()
    try:
        recorded = sd.rec(int(seconds * SAMPLE_RATE), samplerate=SAMPLE_RATE, channels=1, dtype="float32",
                          device=device)
        sd.wait()
    except Exception as exc:  # PortAudio raises its own error type, and ValueError for an unknown device
        raise DeviceError(f"cannot record from the microphone: {str(exc).splitlines()[0] if str(exc) else exc!r}"
                          ) from None
    return np.asarray(recorded, dtype=np.float32).reshape(-1)
