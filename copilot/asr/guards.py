"""Guards against Whisper's two failure modes on a call: text invented on silence/noise, and loops.

Whisper says "Thank you." or "Thanks for watching!" to silence, and a too-short encoder window makes
it repeat itself ("…which is just a warning, which is just a warning…"). These checks are pure text
and score functions so they can be tested without a model.
"""

from __future__ import annotations

import re
import zlib

# What Whisper emits on silence/noise (RESEARCH.md); only trusted on short or doubtful segments.
FILLER_LINES = frozenset({
    "you", "thank you", "thanks", "thank you very much", "thanks for watching", "thank you for watching",
    "thanks for watching and see you next time", "please subscribe", "bye", "okay", "so", "oh", "uh", "um",
    "hmm", "mm", "the end", "subtitles by the amara org community", "i", "a", "and", "the", "yeah", "music",
})
_WORD = re.compile(r"[a-z0-9']+")


def normalize(text: str) -> str:
    """Lowercase words only: the form the guards compare."""
    return " ".join(_WORD.findall(text.lower()))


def compression_ratio(text: str) -> float:
    """Whisper's own loop signal: repetitive text compresses well (> 2.4 is suspicious)."""
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


def has_loop(text: str, max_ngram: int = 8) -> bool:
    """True when a phrase of 2+ words repeats back to back, or one word repeats 4+ times running.

    Catches short loops ("Thanks. Thanks.") as well as long ones, which compression ratio misses on
    short text.
    """
    words = normalize(text).split()
    n_words = len(words)
    if n_words < 2:
        return False
    run = 1
    for i in range(1, n_words):
        run = run + 1 if words[i] == words[i - 1] else 1
        if run >= 4:
            return True
    for n in range(2, min(max_ngram, n_words // 2) + 1):
        for i in range(0, n_words - 2 * n + 1):
            if words[i:i + n] == words[i + n:i + 2 * n]:
                # "I think, I think" style repeats of 2 words happen in speech; demand 3 copies for n == 2.
                if n == 2 and words[i + n:i + 2 * n] != words[i + 2 * n:i + 3 * n]:
                    continue
                return True
    if compression_ratio(text) > 2.4 and n_words > 12:
        return True
    return False


def is_hallucination(text: str, *, no_speech_prob: float, avg_logprob: float, duration: float) -> bool:
    """Decide whether decoded text is more likely invented than heard."""
    norm = normalize(text)
    if not norm:
        return True
    if no_speech_prob > 0.6 and avg_logprob < -0.7:
        return True
    if avg_logprob < -1.2:
        return True
    if norm in FILLER_LINES and (no_speech_prob > 0.2 or avg_logprob < -0.6 or duration < 0.4):
        return True
    return False
