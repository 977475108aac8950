"""Which of the two voices is the rep: the rep's stored voice when there is one, else who leads the talk.

A rep runs the call: they talk more, ask the questions and put the next steps forward. Each voice scores its
words plus QUESTION_WORDS for every question or proposal (one counts like a sentence). Counting is crude but says
plainly what it rests on, and the result names which way it was decided. On the 21 shared reference
transcripts, questions and proposals alone pick the rep in 17, words alone in 20, the sum in all 21 (the
weight was chosen there, so that figure is not held out).
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

import numpy as np

PROFILE_MIN_SIMILARITY = 0.7  # the profile must sound like one of the voices at least this much
PROFILE_MIN_GAP = 0.04  # and more like it than like the other by this much
QUESTION_WORDS = 5

_PROPOSAL = re.compile(
    r"\b(let's|let me|shall we|how about|what about|why don't we|would you|could we|can we|should we|i'd suggest|"
    r"i suggest|i propose|i'll send|i'll set up|i'll book|i can send|does (?:that|it|\w+day) work|"
    r"are you (?:free|available|open)|next step)\b", re.IGNORECASE)


def talk_score(texts: Iterable[str]) -> int:
    """Words said, plus QUESTION_WORDS for each question asked or proposal made."""
    return sum(len(text.split()) + QUESTION_WORDS * (text.count("?") + len(_PROPOSAL.findall(text)))
               for text in texts)


def rep_by_talk(texts_by_voice: Sequence[Sequence[str]], first_voice: int) -> int:
    """The voice that leads the talk; on a tie, the one who spoke first (reps usually open)."""
    scores = [talk_score(texts) for texts in texts_by_voice]
    if scores[0] == scores[1]:
        return first_voice
    return int(np.argmax(scores))


def rep_by_profile(centres: np.ndarray, profile: np.ndarray) -> int | None:
    """The voice the stored profile matches, or None when it matches neither clearly."""
    sims = centres @ profile
    best = int(np.argmax(sims))
    if sims[best] < PROFILE_MIN_SIMILARITY or sims[best] - sims[1 - best] < PROFILE_MIN_GAP:
        return None
    return best
