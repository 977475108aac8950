"""Word error rate per speaker on the shared calls — the issue's bar: ≤10 % overall, ≤25 % on any call."""

from __future__ import annotations

import json

import pytest

from copilot.asr.recording import transcribe_recording
from copilot.asr.wer import wer

pytestmark = pytest.mark.slow


def test_shared_calls_wer(transcriber, shared_dir) -> None:
    pairs = []
    worst = 0.0
    for meta in sorted((shared_dir / "calls").glob("*.json")):
        truth = json.loads(meta.read_text())
        if truth["id"] in ("long_call", "silence_and_noise"):
            continue
        transcript = transcribe_recording(meta.with_suffix(".flac"), transcriber)
        for speaker in ("rep", "prospect"):
            ref = " ".join(u["text"] for u in truth["utterances"] if u["speaker"] == speaker)
            hyp = " ".join(u.text for u in transcript.utterances if u.speaker == speaker)
            pairs.append((ref, hyp))
            worst = max(worst, wer([(ref, hyp)]))
    overall = wer(pairs)
    assert overall <= 0.10, overall
    assert worst <= 0.25, worst


def test_silence_and_noise_transcribes_nothing(transcriber, shared_dir) -> None:
    transcript = transcribe_recording(shared_dir / "calls/silence_and_noise.flac", transcriber)
    assert transcript.utterances == ()
