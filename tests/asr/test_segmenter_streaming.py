"""Silero run block by block (bounded memory on hour-long calls) gives faster-whisper's own spans, exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from copilot.asr import segmenter
from copilot.asr.segmenter import SegmenterOptions, speech_probabilities, speech_spans
from copilot.audio.decode import load_audio


def _faster_whisper_spans(audio: np.ndarray, options: SegmenterOptions) -> list[tuple[float, float]]:
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    vad = VadOptions(threshold=options.threshold, min_silence_duration_ms=options.min_silence_ms,
                     speech_pad_ms=options.speech_pad_ms, min_speech_duration_ms=options.min_speech_ms,
                     max_speech_duration_s=options.max_turn_s)
    return [(s["start"] / 16000, s["end"] / 16000) for s in get_speech_timestamps(audio, vad)]


@pytest.mark.parametrize("batch", [segmenter.VAD_BATCH, 97])  # 97 windows: many blocks on a short call
def test_block_by_block_is_faster_whisper_exactly(testdata: Path, monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    from faster_whisper.vad import get_vad_model

    monkeypatch.setattr(segmenter, "VAD_BATCH", batch)
    channel = load_audio(testdata / "calls/cs-04.flac").channels[1]
    # Lengths around a window's edge: faster-whisper pads a full window when none is missing and zeroes the
    # last window's last 64 samples; both are kept.
    for length in (channel.shape[0], channel.shape[0] - 17, channel.shape[0] // 512 * 512,
                   channel.shape[0] // 512 * 512 - 30):
        audio = np.ascontiguousarray(channel[:length])
        whole = get_vad_model()(np.pad(audio, (0, 512 - length % 512))).reshape(-1)
        np.testing.assert_array_equal(speech_probabilities(audio), whole)
        assert speech_spans(audio) == _faster_whisper_spans(audio, SegmenterOptions())
