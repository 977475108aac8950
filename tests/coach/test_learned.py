"""The learned part of the reading: the sentence model is the one the head was trained with, the head reads acts
on utterances it was not trained on, and it only ever adds a hedge, a yes or a goodbye to a short answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from coach_helpers import REPO

from copilot.coach.acts import Act
from copilot.coach.learned.embed import Embedder
from copilot.coach.learned.head import shared_reader
from copilot.coach.learned.refine import ANSWER_PIECES, refine
from copilot.coach.playbook import load_playbook
from copilot.coach.reader import read
from copilot.errors import ModelError

TEST_SET = REPO / "models" / "act_head" / "acts_test.jsonl"
PB = load_playbook("sales")


def test_a_model_file_that_is_not_the_trained_one_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "model.onnx"
    fake.write_bytes(b"not an onnx model")
    with pytest.raises(ModelError, match="not the sentence model the coach was trained with"):
        Embedder.load(fake)


def _f1_and_precision(act: str, threshold: float) -> tuple[float, float]:
    reader = shared_reader()
    rows = [json.loads(line) for line in TEST_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    tp = fp = fn = 0
    for r in rows:
        said = reader.probabilities(r["text"])[act] >= threshold
        want = act in r["acts"]
        tp += said and want
        fp += said and not want
        fn += want and not said
    return 2 * tp / max(1, 2 * tp + fp + fn), tp / max(1, tp + fp)


@pytest.mark.parametrize(("act", "f1_floor"), [("accept", 0.5), ("hedge", 0.5), ("exit", 0.4)])
def test_the_head_reads_its_held_out_utterances(act: str, f1_floor: float) -> None:
    """400 utterances by an author the head never saw; at the threshold the coach uses, it is precise."""
    f1, precision = _f1_and_precision(act, 0.7)
    assert precision >= 0.9, (act, precision)
    assert f1 >= f1_floor, (act, f1)


def test_refine_adds_a_hedge_the_rules_miss_to_an_answer() -> None:
    text = "hmm i doubt it"
    rules = read(text, PB)
    assert not rules.has(Act.HEDGE)
    refined = refine(rules, text, True, shared_reader())
    assert refined.has(Act.HEDGE) and refined.confidence < 1.0


@pytest.mark.parametrize(("text", "answering"), [
    ("hmm i doubt it", False),  # nothing on the table to answer
    ("yes that works for me", True),  # the rules heard the yes already
    ("hmm i doubt it very much given everything we have on this quarter with the audit", True),  # long: the rules'
])
def test_refine_leaves_the_rules_reading_alone_elsewhere(text: str, answering: bool) -> None:
    rules = read(text, PB)
    assert refine(rules, text, answering, shared_reader()) is rules


def test_answer_limit_is_in_word_pieces() -> None:
    assert shared_reader().pieces("hmm i doubt it very much given everything we have") > ANSWER_PIECES
