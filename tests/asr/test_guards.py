"""The hallucination and loop guards, as plain text rules."""

from __future__ import annotations

from copilot.asr.guards import has_loop, is_hallucination
from copilot.asr.transcriber import collapse_repeats, token_cap, window_seconds


def test_loops_detected() -> None:
    assert has_loop("which is just a warning, which is just a warning, which is just a warning")
    assert has_loop("Thanks. Thanks. Thanks. Thanks.")
    assert has_loop("the the the the")


def test_natural_speech_is_not_a_loop() -> None:
    assert not has_loop("I think, I think we can do Tuesday at two.")
    assert not has_loop("Okay, before we wrap, let me play back what I heard so I don't get it wrong.")
    assert not has_loop("Yes, yes, that works.")


def test_filler_on_doubtful_audio_is_dropped() -> None:
    assert is_hallucination("Thank you.", no_speech_prob=0.5, avg_logprob=-0.4, duration=1.0)
    assert is_hallucination("Thanks for watching!", no_speech_prob=0.3, avg_logprob=-0.3, duration=2.0)
    assert is_hallucination("", no_speech_prob=0.0, avg_logprob=0.0, duration=1.0)


def test_confident_short_reply_is_kept() -> None:
    # "Thanks." is a real line on a call when the model is sure of it.
    assert not is_hallucination("Thanks.", no_speech_prob=0.02, avg_logprob=-0.2, duration=0.8)
    assert not is_hallucination("Great.", no_speech_prob=0.05, avg_logprob=-0.3, duration=0.5)


def test_window_and_cap() -> None:
    assert window_seconds(1.0) == 10.0
    assert window_seconds(12.2) == 15.0
    assert window_seconds(40) == 30.0
    assert token_cap(2.0) == 22


def test_collapse_repeats() -> None:
    assert collapse_repeats("which is just a warning which is just a warning") == "which is just a warning"
    assert collapse_repeats("Tuesday works for me.") == "Tuesday works for me."
