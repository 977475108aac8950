"""Where the learned act reader refines the rules' reading of an utterance, and where it may not.

The rules stay in charge of polarity, times and the structure of a step. The learned reader only adds what the
rules left open in a short answer to a step on the table: a hedge said in words the rules do not know ("hmm, I
doubt it", "I'd rather wait a bit"), a yes, or a goodbye. On the reader's own test utterances
(``models/act_head/acts_test.jsonl``) the threshold below gives a precision of 0.97 for a yes, 0.95 for a hedge
and 1.0 for a goodbye; what it catches is mostly hedges — new ways of saying yes are left to the rules.

Why only there: measured on the held-out endings (``benchmarks/eval_coach.py``), answers are where the reader
changes verdicts; naming steps the rules could not name changed none while costing twice as many encoder runs,
so it was dropped. Short answers only (``ANSWER_PIECES``): the reader runs on about 4 % of utterances, which keeps
the coach's 95th-percentile cost per utterance inside its 5 ms budget.
"""

from __future__ import annotations

from dataclasses import replace

from copilot.coach.acts import Act, Reading
from copilot.coach.learned.head import ActReader

ADD = 0.7           # add an act the rules did not hear
ANSWER_PIECES = 10  # word pieces; a longer answer says enough for the rules to read it


def refine(r: Reading, text: str, answering: bool, reader: ActReader) -> Reading:
    """The rules' reading of one utterance, refined by the learned reader where it is sure.

    ``answering``: the other side has a step on the table that this utterance may answer (only then is a yes the
    rules did not hear worth looking for).
    """
    acts = set(r.acts)
    if not answering or r.accept_strength or r.negated or acts & {Act.HEDGE, Act.DECLINE, Act.RETRACT} \
            or reader.pieces(text) > ANSWER_PIECES:
        return r
    p = reader.probabilities(text)
    strength: int = r.accept_strength
    if p["hedge"] >= ADD:
        acts.add(Act.HEDGE)
    elif p["accept"] >= ADD:
        acts.add(Act.ACCEPT)
        strength = 1
    if p["exit"] >= ADD:
        acts.add(Act.EXIT)
    if acts == set(r.acts):
        return r
    return replace(r, acts=frozenset(acts), accept_strength=strength, confidence=min(r.confidence, 0.8))
