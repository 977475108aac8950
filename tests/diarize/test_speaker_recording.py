"""End to end on the real model: a stereo test call mixed to mono, transcribed with its speakers told apart."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from copilot.asr.recording import transcribe_recording
from copilot.diarize.profile import VoiceProfileStore
from copilot.session.utterance import Utterance

pytestmark = pytest.mark.slow


def _words(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(w, speaker) for speaker, text in pairs for w in re.findall(r"[a-z0-9']+", text.lower())]


def right_speaker_share(reference: list[dict], heard: tuple[Utterance, ...]) -> float:
    """Of the true words the recogniser matched (difflib), the share said by the right speaker."""
    ref = _words([(u["speaker"], u["text"]) for u in reference])
    hyp = _words([(u.speaker, u.text) for u in heard])
    blocks = SequenceMatcher(None, [w for w, _ in ref], [w for w, _ in hyp], autojunk=False).get_matching_blocks()
    pairs = [(ref[b.a + k][1], hyp[b.b + k][1]) for b in blocks for k in range(b.size)]
    assert len(pairs) > 0.6 * len(ref)
    return sum(r == h for r, h in pairs) / len(pairs)


@pytest.mark.parametrize("name", ["sales-04", "recruiting-02"])
def test_a_mono_call_gets_its_speakers_by_voice(calls, transcriber, name) -> None:
    call = calls(name)
    heard = transcribe_recording(call.mono, transcriber)
    assert heard.speakers_separated
    info = heard.meta["speaker_attribution"]
    assert info["method"] == "voice" and info["rep"] == "talk" and 0.7 <= info["confidence"] <= 1.0
    assert right_speaker_share(call.utterances, heard.utterances) >= 0.9
    assert all(0.5 <= u.speaker_confidence <= 1.0 for u in heard.utterances)


def test_a_stereo_call_enrols_the_rep_and_a_mono_call_then_finds_them_by_voice(calls, transcriber,
                                                                             tmp_path: Path) -> None:
    store = VoiceProfileStore(tmp_path)
    transcribe_recording(calls("sales-04").stereo, transcriber, voices=store, learn_voice=False)
    assert store.load() is None  # an analysis that keeps nothing learns nothing
    transcribe_recording(calls("sales-04").stereo, transcriber, voices=store)  # the rep's microphone: channel 0
    assert store.load() is not None
    call = calls("cs-04")
    heard = transcribe_recording(call.mono, transcriber, voices=store)
    assert heard.meta["speaker_attribution"]["rep"] == "profile"
    assert right_speaker_share(call.utterances, heard.utterances) >= 0.9


def test_without_the_speaker_model_turns_alternate_and_the_transcript_says_why(calls, transcriber, tmp_path,
                                                                                monkeypatch) -> None:
    import copilot.diarize.weights as weights

    monkeypatch.setattr(weights, "default_weights_path", lambda: tmp_path / "pretrained.pt")  # not installed
    heard = transcribe_recording(calls("sales-04").mono, transcriber)
    assert not heard.speakers_separated
    info = heard.meta["speaker_attribution"]
    assert info["method"] == "turns" and info["rep"] is None and "./run.sh setup" in info["note"]
    assert heard.utterances and heard.utterances[0].speaker == "rep"  # turns alternate from the rep
