"""Speech-recognition text to one canonical form, so every rule sees the same words.

Clean transcripts ("Tuesday at 2 p.m.") and raw ASR output ("um tuesday at two pm") must look the
same to the coach: lowercase, no apostrophes (so "we'll" and "well", "let's" and "lets" meet), number
words as digits, "p.m." as "pm", fillers gone, and the homophones ASR writes for small numbers
("at to", "by for") turned back into numbers where no other reading makes sense.

Sentence punctuation, when present, is kept as a "|" token so phrases do not match across sentences;
raw ASR text has none, and nothing downstream depends on it being there.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from copilot.errors import InputError

_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
         "seventy": 70, "eighty": 80, "ninety": 90}
_ORD_UNITS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19,
}
_ORD_TENS = {"twentieth": 20, "thirtieth": 30}
_LIKE_KEEP_PREV = {"would", "id", "youd", "wed", "theyd", "hed", "shed", "i", "you", "we", "they", "feel", "feels", "look",
                   "looks", "sound", "sounds", "seem", "seems", "something", "dont", "didnt", "really", "more", "exactly",
                   "just", "not", "what", "much", "anything", "people", "he", "she", "wouldnt", "also", "do"}
_LIKE_KEEP_NEXT = {"to", "it", "these", "those", "them", "him", "her"}
_SLANG = {"gonna": "going to", "wanna": "want to", "lemme": "let me", "gotta": "got to", "kinda": "kind of",
          "dunno": "dont know", "gimme": "give me", "ya": "you", "yknow": "you know", "cuz": "because",
          "tmrw": "tomorrow", "tmr": "tomorrow", "tomorow": "tomorrow", "tommorow": "tomorrow", "tommorrow": "tomorrow",
          "okey": "okay", "k": "okay", "alrighty": "alright", "thx": "thanks", "pls": "please", "plz": "please"}
_IS_CONTRACTED = {"tomorrow", "today", "tonight", "morning", "afternoon", "evening", "thirty", "fifteen", "forty", "five",
                  "ten", "eleven", "twelve", "one", "two", "three", "four", "six", "seven", "eight", "nine", "noon",
                  "week", "weekend", "month", "date", "time", "slot", "day", "she", "he", "friday", "monday"}
_FILLERS = {"um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "mm"}
# After these words a homophone of a small number can only be the number ("at to pm", "by for").
_TIME_PREPS = {"at", "by", "around", "until", "till", "til", "from", "before", "after"}
_HOMOPHONES = {"to": "2", "too": "2", "for": "4", "fore": "4", "ate": "8", "won": "1"}
_CLOCKISH = {"pm", "am", "oclock", "30", "15", "45", "00", "thirty", "fifteen", "forty"}
_ORD_SUFFIX = re.compile(r"^(\d{1,2})(st|nd|rd|th)$")
_TOKEN = re.compile(r"\d{1,2}:\d{2}|[^\W_]+(?:['’][^\W_]+)*|[.!?;]")  # letters of any script ("Aïsha", "José")
_MERIDIEM = re.compile(r"\b(\d{1,2}(?::\d{2})?)\s*([ap])\s*\.?\s*m\b\.?")


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }".replace(" ", "")


@dataclass(frozen=True)
class Normalized:
    """The canonical text, its tokens, and whether the speaker asked a question (when punctuation shows it)."""

    text: str
    tokens: tuple[str, ...]
    question_mark: bool


def _words_to_numbers(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        if t in _TENS:
            value = _TENS[t]
            if i + 1 < n and tokens[i + 1] in _UNITS and 0 < _UNITS[tokens[i + 1]] < 10:
                value += _UNITS[tokens[i + 1]]
                i += 1
            elif i + 1 < n and tokens[i + 1] in _ORD_UNITS and _ORD_UNITS[tokens[i + 1]] < 10:
                out.append(_ordinal(value + _ORD_UNITS[tokens[i + 1]]))
                i += 2
                continue
            out.append(str(value))
        elif t in _UNITS and t != "oh":
            out.append(str(_UNITS[t]))
        elif t == "oh" and out and out[-1].isdigit() and i + 1 < n and tokens[i + 1] in _UNITS:
            # "nine oh five" -> 9 05
            out.append("0" + str(_UNITS[tokens[i + 1]]))
            i += 1
        elif t in _ORD_TENS:
            out.append(_ordinal(_ORD_TENS[t]))
        elif t in _ORD_UNITS and t != "second":
            out.append(_ordinal(_ORD_UNITS[t]))
        elif t == "second" and out and out[-1] in ("the", "on", "by") and (i + 1 >= n or tokens[i + 1] in (
            "at", "or", "of", "|", "works", "is", "and", "instead", "then", "would", "could", "work", "please"
        )):
            out.append("2nd")
        else:
            out.append(t)
        i += 1
    return out


_TO_VERBS = {"like", "want", "need", "have", "going", "able", "love", "plan", "planning", "trying", "happy", "ready",
             "used", "wanted", "needed", "hoping", "hope", "try", "supposed", "got", "glad", "easy", "hard", "ought"}
_NOT_AFTER_TO = {"pm", "am", "oclock", "or", "and", "|", "", "thirty", "fifteen", "forty", "people", "of", "weeks", "days",
                 "hours", "minutes", "times", "teams"}


def _fix_homophones(tokens: list[str]) -> list[str]:
    out = list(tokens)
    for i, t in enumerate(out):
        if t in ("2", "two") and i > 0 and out[i - 1] in _TO_VERBS:
            nxt = out[i + 1] if i + 1 < len(out) else ""
            if nxt not in _NOT_AFTER_TO and not nxt[:1].isdigit():
                out[i] = "to"  # "id like two set up a call": ASR wrote the number for "to"
                continue
        if t not in _HOMOPHONES:
            continue
        prev = out[i - 1] if i > 0 else ""
        nxt = out[i + 1] if i + 1 < len(out) else ""
        if prev == "at" and t in ("to", "too", "for", "fore") and nxt not in ("least", "most", "all", "first", "last"):
            out[i] = _HOMOPHONES[t]  # "at to" / "at for" are never English: the numbers were heard
        elif prev in _TIME_PREPS and (nxt in _CLOCKISH or nxt in ("", "|", "or", "and", "works", "today", "tomorrow",
                                                                 "tonight", "then", "on", "is", "would", "please")
                                    or re.fullmatch(r"\d{2}", nxt)) or (nxt in ("pm", "am", "oclock") or (nxt in ("p", "a") and i + 2 < len(out) and out[i + 2] == "m")) \
                and prev not in ("", "|"):
            out[i] = _HOMOPHONES[t]
    return out


def _strip_fillers(tokens: list[str]) -> list[str]:
    # pass 1: backchannels become a yes, hesitation sounds go
    first: list[str] = []
    n = len(tokens)
    i = 0
    while i < n:
        t = tokens[i]
        if t in ("mhm", "mmhm", "mmhmm", "uhhuh"):
            first.append("yeah")  # a spoken "uh-huh" / "mm-hmm" is a yes, not a hedge
        elif t in ("mm", "uh", "um") and i + 1 < n and tokens[i + 1] in ("hmm", "huh", "hm"):
            first.append("yeah")
            i += 1
        elif t not in _FILLERS:
            first.append(t)
        i += 1
    # pass 2: discourse fillers ("you know", "i mean", "like") where they carry no meaning
    out: list[str] = []
    n = len(first)
    i = 0
    while i < n:
        t = first[i]
        prev = out[-1] if out else ""
        nxt = first[i + 1] if i + 1 < n else ""
        if t == "you" and nxt == "know" and prev not in ("do", "did", "if", "let", "would", "dont", "didnt", "to",
                                                         "what", "as"):
            i += 2
            continue
        if t == "i" and nxt == "mean" and prev not in ("what", "thats", "that", "if") and (
                i + 2 >= n or first[i + 2] not in ("it", "that", "what", "to")):
            i += 2
            continue
        if t == "like" and prev not in _LIKE_KEEP_PREV and nxt not in _LIKE_KEEP_NEXT:
            i += 1
            continue
        out.append(t)
        i += 1
    return out


_DETERMINERS = {"a", "an", "the", "some", "one", "two", "three", "our", "your", "my", "this", "that", "another"}
_FRAME_SUBJECTS = {"ill", "well", "i", "we", "im", "were", "id", "wed", "you", "youll"}


def _plain_frame(tokens: list[str]) -> list[str]:
    """"what I'll do is have the laptop imaged" says "I'll have the laptop imaged": the cleft is dropped, so the
    commitment reads the same whichever way it was put."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "what" and i + 1 < len(tokens) and tokens[i + 1] in _FRAME_SUBJECTS:
            for k in range(i + 2, min(i + 6, len(tokens) - 1)):
                if tokens[k] == "do" and tokens[k + 1] == "is":
                    noun = k + 2 < len(tokens) and (tokens[k + 2] in _DETERMINERS or tokens[k + 2].isdigit())
                    out.extend(tokens[i + 1:k + 1] if noun else tokens[i + 1:k])  # "what i'd do is an hour…"
                    i = k + 2
                    if i < len(tokens) and tokens[i] in ("to", "just"):
                        i += 1
                    break
            else:
                out.append(tokens[i])
                i += 1
            continue
        out.append(tokens[i])
        i += 1
    return out


@lru_cache(maxsize=4096)
def normalize(text: str) -> Normalized:
    """The canonical form of one utterance's text (cached: the same text always gives the same answer)."""
    if not isinstance(text, str):
        text = str(text)
    s = text.lower().replace("’", "'").replace("‘", "'").replace("—", " | ").replace("–", " - ")
    s = s.replace("...", " | ").replace("…", " | ")
    s = re.sub(r"\b(dr|mr|mrs|ms|prof|st)\.(?=\s)", r"\1", s)  # "Dr. Okafor": a title, not the end of a sentence
    question = "?" in s
    s = _MERIDIEM.sub(lambda m: f"{m.group(1)} {m.group(2)}m ", s)
    s = re.sub(r"\b([ap])\.\s?m\.?(?=\W|$)", r"\1m", s)
    s = re.sub(r"(\d)(am|pm)\b", r"\1 \2", s)
    s = re.sub(r"\be\.?o\.?d\b\.?", "eod", s)
    s = s.replace("o'clock", "oclock").replace("o clock", "oclock")
    s = re.sub(r"(\d),(\d{3})", r"\1\2", s)
    raw = _TOKEN.findall(s)
    tokens: list[str] = []
    for tok in raw:
        if tok in ".!?;":
            if tokens and tokens[-1] != "|":
                tokens.append("|")
            continue
        base = tok[:-2] if tok[-2:] in ("'s", "’s") else None
        if base is not None and (_weekdayish(base) or base in _IS_CONTRACTED):
            tokens.extend([base, "is"])  # "tuesday's fine", "thirty's better", "tomorrow's tricky": the verb is heard
            continue
        tok = tok.replace("'", "").replace("’", "")
        if tok in _SLANG:
            tokens.extend(_SLANG[tok].split())
            continue
        m = _ORD_SUFFIX.match(tok)
        if m:
            tok = _ordinal(int(m.group(1)))
        tokens.append(tok)
    tokens = _strip_fillers(tokens)
    tokens = _words_to_numbers(tokens)
    tokens = _fix_homophones(tokens)
    tokens = _plain_frame(tokens)
    # "2 p m" -> "2 pm"
    joined: list[str] = []
    for t in tokens:
        if t == "m" and len(joined) >= 2 and joined[-1] in ("p", "a") and re.fullmatch(r"\d{1,2}(?::\d{2})?", joined[-2]):
            joined[-1] += "m"
            continue
        joined.append(t)
    tokens = joined
    # "2 30 pm" / "at 2 30" -> "2:30"
    merged: list[str] = []
    for i, t in enumerate(tokens):
        if (
            merged
            and re.fullmatch(r"[0-5]\d", t)
            and re.fullmatch(r"1[0-2]|[1-9]", merged[-1])
            and (len(merged) == 1
                 or merged[-2] in _TIME_PREPS | {"or", "|", "tomorrow", "today", "tonight", "the"}
                 or (i + 1 < len(tokens) and tokens[i + 1] in ("pm", "am", "oclock", "today", "tomorrow", "tonight",
                                                               "works", "or", "|", "is", "on", "then"))
                 or i + 1 == len(tokens)
                 or _weekdayish(merged[-2] if len(merged) >= 2 else ""))
        ):
            merged[-1] = f"{merged[-1]}:{t}"
            continue
        merged.append(t)
    while merged and merged[-1] == "|":
        merged.pop()
    while merged and merged[0] == "|":
        merged.pop(0)
    return Normalized(" ".join(merged), tuple(merged), question)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekdayish(tok: str) -> bool:
    return tok.rstrip("s") in _WEEKDAYS or tok in _WEEKDAYS


@lru_cache(maxsize=2048)
def phrase_pattern(phrase: str) -> str:
    """A playbook phrase as a regular-expression fragment over padded normalized text (" " + text + " ").

    Plain words match themselves as whole tokens; ``...`` allows up to five words in between;
    ``*`` allows one word; ``(a|b)`` gives alternatives; a trailing ``?`` makes a word optional.
    A phrase that starts with ``re:`` is a raw regular expression (for the rare case that needs one).
    """
    if phrase.startswith("re:"):
        body = phrase[3:]
        # a raw expression never ends inside a word, like every phrase ("works" is no "workshop")
        return f"(?:{body})(?:(?<![a-z0-9])|(?![a-z0-9]))"
    words = re.findall(r"\([^)]*\)\??|\S+", phrase.strip())
    norm: list[str] = []
    run: list[str] = []
    for w in words + ["..."]:  # normalize plain words in runs, so "sounds like a plan" keeps its "like"
        if w in ("...", "*") or w.startswith("(") or w.endswith("?"):
            if run:
                norm.extend(normalize(" ".join(run)).tokens)
                run = []
            norm.append(w)
        else:
            run.append(w)
    norm = norm[:-1]
    parts: list[str] = []
    for word in (w for w in norm if w):
        if word == "...":
            parts.append(r"(?: [^ |]+){0,5}?")
            continue
        if word == "*":
            parts.append(r"(?: [^ |]+)")
            continue
        optional = word.endswith("?") and len(word) > 1
        if optional:
            word = word[:-1]
        if word.startswith("(") and word.endswith(")"):
            alts = [" ".join(normalize(w).tokens) or _norm_word(w) for w in word[1:-1].split("|")]
            frag = "(?:" + "|".join(re.escape(a) for a in alts if a) + ")"
        else:
            frag = re.escape(_norm_word(word))
        parts.append(f"(?: {frag})?" if optional else f" {frag}")
    return "".join(parts) + "(?= )"


def _norm_word(word: str) -> str:
    w = word.lower().replace("'", "").replace("’", "")
    return w


_ORIG_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_KEEP_JOINERS = {"-", "/", "&", "+"}
_SKIP_ORIGINAL = 3  # words of the original (fillers, "like") that may lie between two words of the phrase


def _keys(word: str) -> frozenset[str]:
    simple = word.lower().replace("'", "").replace("’", "")
    return frozenset({simple, " ".join(normalize(word).tokens)})


@lru_cache(maxsize=4096)
def restore_case(phrase: str, text: str) -> str | None:
    """``phrase`` (normalized words taken from ``text``) in the words and casing the speaker's text used.

    The rules read normalized text ("live demo with you and marcus"); exports and the calendar invite show
    what was said ("live demo with you and Marcus", "thirty-minute walkthrough"). Each phrase word is found in
    order among the text's words (fillers the normalizer dropped may lie between); a joiner such as a hyphen
    between two found words is kept, and a capital only there because the word starts a sentence is not.
    None when the phrase cannot be found in the text.
    """
    words = phrase.split()
    if not words:
        return None
    orig = [(m.group(0), m.start(), m.end()) for m in _ORIG_TOKEN.finditer(text)]
    keys = [_keys(o[0]) for o in orig]
    # two spoken words the normalizer made one ("forty-five" -> 45)
    alone = [bool(normalize(o[0]).tokens) for o in orig]  # False for a filler ("uh")
    pair = [" ".join(normalize(f"{orig[j][0]} {orig[j + 1][0]}").tokens) if alone[j] and alone[j + 1] else ""
            for j in range(len(orig) - 1)]

    def hit(w: str, j: int) -> int:
        """How many original words from ``j`` spell ``w`` (0: none)."""
        if w in keys[j]:
            return 1
        return 2 if j < len(pair) and pair[j] == w and any(c.isdigit() for c in w) else 0

    best: list[tuple[int, int] | None] | None = None
    best_score = 0
    for k in range(len(orig)):
        for j0 in range(min(3, len(words))):
            n = hit(words[j0], k)
            if not n:
                continue
            found: list[tuple[int, int] | None] = [None] * j0 + [(k, k + n - 1)]
            pos = k + n
            for w in words[j0 + 1:]:
                at = None
                for j in range(pos, min(len(orig), pos + 1 + _SKIP_ORIGINAL)):
                    m = hit(w, j)
                    if m:
                        at = (j, j + m - 1)
                        break
                found.append(at)
                if at is not None:
                    pos = at[1] + 1
            score = sum(h is not None for h in found)
            if score > best_score:
                best, best_score = found, score
            break
        if best_score == len(words):
            break
    if best is None or best_score * 2 < len(words):
        return None
    out: list[str] = []
    prev_end: int | None = None
    for w, hit_at in zip(words, best):
        if hit_at is None:
            out.append(" " + w)
            prev_end = None
            continue
        start, end = orig[hit_at[0]][1], orig[hit_at[1]][2]
        tok = text[start:end]
        if not out:
            before = text[:start].rstrip()
            if (not before or before[-1] in ".!?") and tok[:1].isupper() and tok[1:] == tok[1:].lower() \
                    and tok.lower().replace("’", "'") not in ("i", "i'm", "i'll", "i'd", "i've"):
                tok = tok[0].lower() + tok[1:]  # a capital that only starts the sentence
            out.append(tok)
        else:
            gap = text[prev_end:start] if prev_end is not None else " "
            out.append((gap if gap in _KEEP_JOINERS else " ") + tok)
        prev_end = end
    return "".join(out).strip()


@lru_cache(maxsize=4)
def _spaces(padded: str) -> tuple[int, ...]:
    """Where the spaces of a padded text are: kept for the few texts being read, so finding the token at a
    character is a binary search, not a count over the text (a pasted hour-long paragraph stays linear)."""
    return tuple(i for i, c in enumerate(padded) if c == " ")


def tok_at(padded: str, char: int) -> int:
    """The index of the token starting at (or containing) character ``char`` of ``" " + text + " "``."""
    return max(0, bisect_right(_spaces(padded), char) - 1)


@lru_cache(maxsize=4)
def words_of(padded: str) -> tuple[str, ...]:
    """``padded.split()``, kept for the few texts being read (the step finder looks at many windows of one text)."""
    return tuple(padded.split())


def compile_phrases(phrases: list[str], where: str) -> re.Pattern[str]:
    """One expression matching any of a list's phrases (a bad one is an InputError naming it)."""
    parts: list[str] = []
    for p in phrases:
        if not isinstance(p, str) or not p.strip():
            continue
        frag = phrase_pattern(p)
        try:
            re.compile(frag)
        except re.error as exc:
            raise InputError(f"playbook {where}: phrase {p!r} is not a valid pattern ({exc})") from None
        parts.append(frag)
    if not parts:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(f"(?:{p})" for p in parts))
