"""Names heard right: the terms given to the speech model, and what the real model does with them.

The fast tests hold the term list to its rules (order, no repeats, cut by whole terms within Whisper's prompt);
the slow ones run the real tiny.en model: a name it misspells on its own comes out right with a vocabulary, on
both decoding paths, while silence, noise and unrelated speech gain no names.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from copilot.asr.vocabulary import (PROMPT_TOKENS, event_terms, merge_terms, model_vocabulary, parse_terms,
                                    prompt_text)
from copilot.errors import InputError

NAMES = "Ruth, Priya, Deepa, RevOps, Outlook, Zendesk, Kenji, Jacqueline"


def words(text: str) -> int:
    return len(text.split())


def test_parse_terms_splits_on_commas_semicolons_and_lines() -> None:
    assert parse_terms(" Dana  Lee, Acme;Zendesk\n\nRevOps ,") == ["Dana Lee", "Acme", "Zendesk", "RevOps"]
    assert parse_terms(None) == [] and parse_terms("  ,; ") == []


def test_merge_keeps_the_most_specific_source_first_without_repeats() -> None:
    calendar = ["Dana Lee", "Acme"]
    settings = ["acme", "Zendesk", "Dana"]
    playbook = ["Zendesk", "Call Copilot"]
    assert merge_terms(calendar, settings, playbook) == ["Dana Lee", "Acme", "Zendesk", "Call Copilot"]
    # a short name said first is dropped once a longer term holds it
    assert merge_terms(["Dana"], ["Dana Lee"]) == ["Dana Lee"]
    # but a name is not "inside" another that merely shares letters
    assert merge_terms(["Ann"], ["Anna Berg"]) == ["Ann", "Anna Berg"]


def test_a_pasted_paragraph_is_not_a_term() -> None:
    assert merge_terms(["x " * 40, "Acme"]) == ["Acme"]


def test_prompt_is_cut_by_whole_terms_to_the_budget() -> None:
    terms = [f"Name{i} Surname{i}" for i in range(100)]
    text = prompt_text(terms, words, budget=9)
    assert text == "Name0 Surname0, Name1 Surname1, Name2 Surname2, Name3 Surname3."
    assert prompt_text([], words) == ""
    assert prompt_text(["Dana Lee", "Acme"], words, form="sentence") == "A call with Dana Lee and Acme."
    with pytest.raises(ValueError):
        prompt_text(["Acme"], words, form="poem")


def test_event_terms_take_attendees_then_the_names_in_the_title() -> None:
    assert event_terms("Acme <> Zendesk: pricing review with Dana Lee", ["Dana Lee", "Omar Haddad"]) == [
        "Dana Lee", "Omar Haddad", "Acme", "Zendesk", "Dana Lee"]
    assert event_terms("Weekly sync / Q3 planning", []) == []
    assert event_terms(None) == []


def test_model_vocabulary_puts_the_call_first_then_settings_then_the_playbook(tmp_path: Path) -> None:
    (tmp_path / "sales.json").write_text(json.dumps({"extends": "common", "vertical": "sales",
                                                     "vocabulary": ["Call Copilot", "Acme"]}))
    got = model_vocabulary("Zendesk, acme", "sales", extra=["Dana Lee"], playbook_dir=tmp_path)
    assert got == "Dana Lee, Zendesk, acme, Call Copilot"
    assert model_vocabulary(None, "sales", playbook_dir=tmp_path) == "Call Copilot, Acme"
    assert model_vocabulary(None, "sales") is None  # the packaged playbooks name no products
    assert model_vocabulary("  ", None) is None


def test_a_playbook_vocabulary_that_is_not_a_list_of_names_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "recruiting.json").write_text(json.dumps({"extends": "common", "vocabulary": "Acme"}))
    with pytest.raises(InputError, match="'vocabulary' must be a list of names"):
        model_vocabulary(None, "recruiting", playbook_dir=tmp_path)


# -- the real model ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def named(transcriber):
    """A Transcriber on the session's model with a vocabulary of its own (the shared fixture stays without one)."""
    from copilot.asr.transcriber import Transcriber

    return Transcriber(transcriber.model, transcriber.model_path, vocabulary=NAMES)


@pytest.mark.slow
def test_the_prompt_stays_within_whisper_limit_with_a_long_list(transcriber) -> None:
    from copilot.asr.transcriber import Transcriber

    many = ", ".join(f"Person{i} Lastname{i}" for i in range(300))
    t = Transcriber(transcriber.model, transcriber.model_path, vocabulary=many)
    assert t.vocabulary_prompt is not None
    assert len(t._tokenizer.encode(" " + t.vocabulary_prompt)) <= PROMPT_TOKENS
    kept = t.vocabulary_prompt.rstrip(".").split(", ")
    t.set_vocabulary("Acme., acme; Dana, Dana Lee")  # repeats and stray full stops do not reach the prompt
    assert t.vocabulary_prompt == "Acme, Dana Lee."
    assert 10 < len(kept) < 300 and kept[-1] == f"Person{len(kept) - 1} Lastname{len(kept) - 1}"  # whole terms


@pytest.mark.slow
def test_a_name_the_model_misspells_comes_out_right_with_a_vocabulary(transcriber, named, testdata) -> None:
    from copilot.audio.decode import load_audio

    rep = load_audio(testdata / "calls/cs-04.flac").channels[0]
    thanks = rep[int(25.7 * 16000):int(29.1 * 16000)]  # "Thanks, Ruth. Enjoy the rest of your week."
    assert "Ruth" not in transcriber.transcribe(thanks).text
    heard = named.transcribe(thanks)
    assert "Ruth" in heard.text and heard.window_s < 30  # the windowed decode
    # a segment over one window is cut at pauses and each piece gets the names; no words are lost on the way
    # (faster-whisper's own path with the names as hotwords wrote one 30 s segment and skipped "early next quarter")
    long = np.concatenate([rep, np.zeros(16000 * 4, np.float32)])[: int(31 * 16000)]
    assert long.shape[0] / 16000 > 29.5
    text = named.transcribe(long).text
    assert "Ruth" in text and "early next quarter" in text


def test_long_audio_is_cut_at_its_pauses_into_pieces_that_fit_a_window() -> None:
    from copilot.asr.transcriber import split_at_pauses

    rng = np.random.default_rng(1)
    audio = rng.normal(0, 0.1, 16000 * 70).astype(np.float32)
    audio[16000 * 24: 16000 * 24 + 3200] = 0.0  # a pause 24 s in
    pieces = split_at_pauses(audio)
    assert np.array_equal(np.concatenate(pieces), audio)
    assert all(p.shape[0] <= 28 * 16000 for p in pieces) and len(pieces) == 3
    assert 24 * 16000 <= pieces[0].shape[0] <= 24 * 16000 + 3200  # cut inside the pause


@pytest.mark.slow
def test_a_vocabulary_puts_no_names_into_silence_noise_or_unrelated_speech(named, testdata) -> None:
    from copilot.asr.recording import transcribe_recording
    from copilot.asr.wer import wer
    from copilot.audio.decode import load_audio

    assert transcribe_recording(testdata / "calls/silence_and_noise.flac", named).utterances == ()
    rng = np.random.default_rng(7)
    for audio in (np.zeros(32000, np.float32), rng.normal(0, 0.01, 48000).astype(np.float32),
                  (0.05 * np.sin(2 * np.pi * 50 * np.arange(32000) / 16000)).astype(np.float32)):
        assert named.transcribe(audio).text == ""
    jfk = named.transcribe(load_audio(testdata / "real_audio/jfk.flac").channels[0]).text
    reference = ("And so my fellow Americans, ask not what your country can do for you, ask what you can do for "
                 "your country.")
    assert wer([(reference, jfk)]) < 0.1
    assert not any(name in jfk for name in parse_terms(NAMES))
