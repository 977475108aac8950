"""Two voices in a stereo test call mixed to mono: grouped, cut where they change, summarised."""

from __future__ import annotations

import numpy as np
import pytest

from copilot.asr.segmenter import speech_spans
from copilot.diarize.attribute import summary
from copilot.diarize.changes import best_labels, runs
from copilot.diarize.cluster import group_two
from copilot.diarize.voices import Piece, split_voices, turns


def frame_truth(utterances: list[dict], seconds: float) -> np.ndarray:
    truth = np.full(int(seconds * 100) + 1, -1)
    for u in utterances:
        truth[int(u["start"] * 100):int(u["end"] * 100)] = 0 if u["speaker"] == "rep" else 1
    return truth


def attributed_share(pieces: tuple[Piece, ...], truth: np.ndarray) -> float:
    guess = np.full(len(truth), -1)
    for p in pieces:
        guess[int(p.start * 100):int(p.end * 100)] = p.voice
    scored = (truth >= 0) & (guess >= 0)
    same = float(np.mean(truth[scored] == guess[scored]))
    return max(same, 1 - same)  # voices are unnamed at this stage


@pytest.mark.parametrize("name", ["sales-04", "cs-04"])
def test_a_mixed_call_is_attributed_by_voice(calls, encoder, name) -> None:
    call = calls(name)
    audio = call.mono.channels[0]
    split = split_voices(audio, speech_spans(audio), encoder)
    assert split is not None
    assert attributed_share(split.pieces, frame_truth(call.utterances, call.mono.duration)) >= 0.9
    assert all(0.5 <= p.confidence <= 1.0 for p in split.pieces)


def _speech_only(wav: np.ndarray) -> np.ndarray:
    """The utterance from its first to its last voiced sample (its own leading and trailing pauses cut)."""
    spans = speech_spans(wav)
    return wav[int(max(0.0, spans[0][0] - 0.05) * 16000):int((spans[-1][1] - 0.15) * 16000)]


def test_a_change_of_speaker_inside_one_segment_is_cut_there(calls, encoder) -> None:
    call = calls("recruiting-02")
    rep = next(u for u in call.utterances if u["speaker"] == "rep" and u["end"] - u["start"] > 3)
    other = next(u for u in call.utterances if u["speaker"] == "prospect" and u["end"] - u["start"] > 3)
    first = _speech_only(call.stereo.channels[0][int(rep["start"] * 16000):int(rep["end"] * 16000)])
    second = _speech_only(call.stereo.channels[1][int(other["start"] * 16000):int(other["end"] * 16000)])
    joined = np.concatenate([first, second])  # no pause: one VAD segment holding both voices
    change = len(first) / 16000
    total = len(joined) / 16000
    # the two voices' other utterances give the grouping its centres
    context = [call.stereo.channels[0 if u["speaker"] == "rep" else 1][int(u["start"] * 16000):int(u["end"] * 16000)]
               for u in call.utterances if u is not rep and u is not other]
    gap = np.zeros(8000, np.float32)
    audio = np.concatenate([joined, gap] + [np.concatenate([c, gap]) for c in context]).astype(np.float32)
    spans = [(0.0, total)]
    at = total + 0.5
    for c in context:
        spans.append((at, at + len(c) / 16000))
        at += len(c) / 16000 + 0.5
    split = split_voices(audio, spans, encoder)
    assert split is not None
    inside = [p for p in split.pieces if p.end <= total + 1e-6]
    assert len(inside) == 2, inside
    assert inside[0].voice != inside[1].voice
    assert abs(inside[0].end - change) < 0.3


def test_half_a_second_never_forms_a_voice_of_its_own() -> None:
    rng = np.random.default_rng(0)
    a, b, odd = (v / np.linalg.norm(v) for v in rng.normal(size=(3, 256)))
    embeddings = np.stack([a, a, b, b, odd]) + rng.normal(scale=0.01, size=(5, 256))
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    grouping = group_two(embeddings.astype(np.float32), np.array([3.0, 2.0, 4.0, 2.5, 0.5]))
    assert grouping is not None
    assert grouping.labels[0] == grouping.labels[1] != grouping.labels[2] == grouping.labels[3]
    assert grouping.confidence[4] < grouping.confidence[:4].min()


def test_one_stray_window_is_no_change_of_speaker() -> None:
    sims = np.array([[0.9, 0.6]] * 4 + [[0.6, 0.9]] + [[0.9, 0.6]] * 4 + [[0.6, 0.9]] * 4)
    found = runs(best_labels(sims))
    assert [(lo, hi, label) for lo, hi, label in found] == [(0, 9, 0), (9, 13, 1)]


def test_neighbouring_pieces_of_one_voice_become_one_turn() -> None:
    pieces = [Piece(0, 2, 0, 1.0), Piece(2.5, 3, 0, 0.6), Piece(3.2, 5, 1, 0.9), Piece(7, 8, 1, 0.9)]
    found = turns(pieces)
    assert [(t.start, t.end, t.voice) for t in found] == [(0, 3, 0), (3.2, 5, 1), (7, 8, 1)]
    assert found[0].confidence == pytest.approx((2 * 1.0 + 0.5 * 0.6) / 2.5)


def test_the_summary_weights_confidence_by_speaking_time() -> None:
    result = summary("voice", "talk", [(9.0, 1.0), (1.0, 0.6)])
    assert result == {"method": "voice", "rep": "talk", "confidence": 0.96, "doubtful_share": 0.1}
