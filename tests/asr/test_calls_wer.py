"""Word error rate per speaker on the suite's own calls — the issue's bar: ≤10 % overall, ≤25 % on any call.

The same measurement over all twenty calls of ../shared is a benchmark (benchmarks/), not a test.
"""

from __future__ import annotations

import json

import pytest

from copilot.asr.recording import transcribe_recording
from copilot.asr.wer import wer

pytestmark = pytest.mark.slow


def test_calls_wer(transcriber, testdata) -> None:
    pairs = []
    worst = 0.0
    metas = sorted(m for m in (testdata / "calls").glob("*.json") if json.loads(m.read_text())["utterances"])
    assert len(metas) == 4
    for meta in metas:
        truth = json.loads(meta.read_text())
        transcript = transcribe_recording(meta.with_suffix(".flac"), transcriber)
        for speaker in ("rep", "prospect"):
            ref = " ".join(u["text"] for u in truth["utterances"] if u["speaker"] == speaker)
            hyp = " ".join(u.text for u in transcript.utterances if u.speaker == speaker)
            pairs.append((ref, hyp))
            worst = max(worst, wer([(ref, hyp)]))
    overall = wer(pairs)
    assert overall <= 0.10, overall
    assert worst <= 0.25, worst


def test_silence_and_noise_transcribes_nothing(transcriber, testdata) -> None:
    transcript = transcribe_recording(testdata / "calls/silence_and_noise.flac", transcriber)
    assert transcript.utterances == ()
