"""The real tiny.en model on real speech, silence and noise."""

from __future__ import annotations

import numpy as np
import pytest

from copilot.asr.wer import wer
from copilot.audio.decode import load_audio

pytestmark = pytest.mark.slow


def test_real_speech(transcriber, testdata) -> None:
    audio = load_audio(testdata / "real_audio/jfk.flac")
    result = transcriber.transcribe(audio.channels[0])
    reference = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country."
    assert wer([(reference, result.text)]) < 0.1
    assert result.window_s == 13.0  # 11 s of speech + 2 s margin, not 30 s of padding


def test_silence_and_noise_give_nothing(transcriber) -> None:
    rng = np.random.default_rng(7)
    for audio in (np.zeros(32000, np.float32), rng.normal(0, 0.01, 48000).astype(np.float32),
                  (0.05 * np.sin(2 * np.pi * 50 * np.arange(32000) / 16000)).astype(np.float32)):
        assert transcriber.transcribe(audio).text == ""


def test_stereo_channels_transcribed_apart(transcriber, testdata) -> None:
    audio = load_audio(testdata / "real_audio/stereo_diarization.flac")
    left = transcriber.transcribe(audio.channels[0]).text
    right = transcriber.transcribe(audio.channels[1]).text
    assert "wizard" in left.lower() and "horizon" in right.lower()
