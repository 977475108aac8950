"""Word error rate the fair way: Whisper writes "6", "ten-thirty" and "e-mail"; a reference may not.

Both sides are lowercased, stripped of punctuation, and numbers are spelled as digits before counting,
so the score measures what was heard, not how it was written. Used by tests and benchmarks.
"""

from __future__ import annotations

import re
from typing import Iterable

_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_NUMBER = {w: i for i, w in enumerate(_UNITS)} | _TENS
_ORDINAL = {"first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th", "sixth": "6th",
            "seventh": "7th", "eighth": "8th", "ninth": "9th", "tenth": "10th", "eleventh": "11th",
            "twelfth": "12th", "thirteenth": "13th", "fourteenth": "14th", "fifteenth": "15th",
            "sixteenth": "16th", "seventeenth": "17th", "eighteenth": "18th", "nineteenth": "19th",
            "twentieth": "20th", "thirtieth": "30th"}
_SPELLING = {"e-mail": "email", "e-mails": "emails", "ok": "okay", "o'clock": "oclock", "percent": "%"}
_TOKEN = re.compile(r"[a-z0-9%']+")


def normalize(text: str) -> list[str]:
    """Lowercase word tokens with spelled-out numbers turned into digits."""
    text = text.lower()
    for a, b in _SPELLING.items():
        text = re.sub(rf"\b{re.escape(a)}\b", b, text)
    text = text.replace("-", " ").replace(",", "")
    text = re.sub(r"(\d):(\d\d)", r"\1 \2", text)
    words = _TOKEN.findall(text)
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i].strip("'")
        if w in _TENS and i + 1 < len(words) and words[i + 1] in _NUMBER and _NUMBER[words[i + 1]] < 10:
            out.append(str(_TENS[w] + _NUMBER[words[i + 1]]))
            i += 2
            continue
        if w in _TENS and i + 1 < len(words) and words[i + 1] in _ORDINAL:
            units = int(_ORDINAL[words[i + 1]][:-2])
            out.append(f"{_TENS[w] + units}{_ORDINAL[words[i + 1]][-2:]}")
            i += 2
            continue
        out.append(str(_NUMBER[w]) if w in _NUMBER else _ORDINAL.get(w, w))
        i += 1
    return [w for w in out if w]


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance in words, reference length) after normalisation."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1], len(ref)


def wer(pairs: Iterable[tuple[str, str]]) -> float:
    """Corpus WER over (reference, hypothesis) pairs: total errors / total reference words."""
    errors = words = 0
    for reference, hypothesis in pairs:
        e, n = word_errors(reference, hypothesis)
        errors += e
        words += n
    return errors / words if words else 0.0
