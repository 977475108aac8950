"""The names a call is likely to contain, turned into the speech model's prompt.

Whisper spells a name it does not expect the way it sounds: on the shared calls tiny.en wrote "Priya" as "Pre",
"RevOps" as "Brave Ops", "Deepa" as "DIPA" and "Ruth" as "Bruce". Told the names beforehand, through its
previous-text prompt, it writes them right (55.6 % -> 90.1 % of the names in the shared calls, WER 7.89 % ->
6.92 %: benchmarks/names.py). The terms come from three places, most specific first: this call (the calendar
event's attendees and title), the user's own list in Settings, and the vertical's playbook (product, company and
people names a team expects). The prompt has room for 223 tokens (half of Whisper's 448-token context, minus
one), so the list is deduplicated and cut by whole terms — a name cut in half would teach a wrong spelling.

The prompt is a plain list, "Priya, RevOps, Deepa.". Against a sentence ("A call with Priya, RevOps and
Deepa.") on seven recordings: names 37/42 vs 36/42, WER 7.65 % vs 7.93 %, and with a wrong call's names
WER 8.91 % vs 9.60 % (none: 9.39 %) — so the list.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Callable, Iterable, Sequence

log = logging.getLogger(__name__)

PROMPT_TOKENS = 223  # Whisper: n_text_ctx // 2 - 1 tokens of previous text (faster-whisper's get_prompt)
MAX_TERM_CHARS = 60  # a "term" longer than this is a pasted paragraph, not a name
_SPLIT = re.compile(r"[,;\n\r\t]+")

TokenCounter = Callable[[str], int]


def parse_terms(text: str | None) -> list[str]:
    """Terms from a user's list: separated by commas, semicolons or new lines, blanks dropped."""
    if not text:
        return []
    return [t for t in (" ".join(part.split()) for part in _SPLIT.split(text)) if t]


def merge_terms(*sources: Iterable[str]) -> list[str]:
    """One list, the earlier (more specific) sources first, without repeats.

    Case-insensitive: "acme" and "Acme" are one term, and the first spelling wins. A term whose words all
    appear, in order, inside a longer term already kept ("Dana" after "Dana Lee") adds nothing to the prompt.
    A term over MAX_TERM_CHARS characters is skipped with a log line rather than crowding out real names.
    """
    kept: list[str] = []
    seen: set[str] = set()
    for source in sources:
        for raw in source:
            term = " ".join(str(raw).split()).strip(" .")
            key = term.lower()
            if not term or key in seen:
                continue
            if len(term) > MAX_TERM_CHARS:
                log.info("vocabulary: skipped a term of %d characters (names are shorter)", len(term))
                continue
            if any(_inside(key, other.lower()) for other in kept):
                seen.add(key)
                continue
            kept.append(term)
            seen.add(key)
    # a later longer term makes an earlier shorter one redundant too ("Dana" then "Dana Lee")
    return [t for t in kept if not any(o != t and _inside(t.lower(), o.lower()) for o in kept)]


def _inside(short: str, long: str) -> bool:
    return len(short) < len(long) and re.search(rf"(?<!\w){re.escape(short)}(?!\w)", long) is not None


def prompt_text(terms: Sequence[str], count_tokens: TokenCounter, budget: int = PROMPT_TOKENS,
                form: str = "list") -> str:
    """The prompt for ``terms``: as many whole terms as fit in ``budget`` tokens, in order.

    ``form`` "list" writes "A, B, C."; "sentence" writes "A call with A, B and C." (kept so the measurement
    that chose the list can be repeated: benchmarks/names.py --form sentence).
    """
    if form not in PROMPT_FORMS:
        raise ValueError(f"unknown prompt form {form!r}")
    write = PROMPT_FORMS[form]
    chosen: list[str] = []
    for term in terms:
        candidate = write(chosen + [term])
        if count_tokens(" " + candidate) > budget:
            dropped = len(terms) - len(chosen)
            log.info("vocabulary: %d of %d terms fit Whisper's %d-token prompt; %d left out",
                     len(chosen), len(terms), budget, dropped)
            break
        chosen.append(term)
    return write(chosen) if chosen else ""


def _as_list(terms: Sequence[str]) -> str:
    return ", ".join(terms) + "." if terms else ""


def _as_sentence(terms: Sequence[str]) -> str:
    if len(terms) < 2:
        return f"A call with {terms[0]}." if terms else ""
    return f"A call with {', '.join(terms[:-1])} and {terms[-1]}."


PROMPT_FORMS: dict[str, Callable[[Sequence[str]], str]] = {"list": _as_list, "sentence": _as_sentence}


# Words an invite's title uses for the kind of meeting, not for who or what it is about.
_GENERIC_TITLE_WORDS = frozenset({
    "call", "meeting", "demo", "sync", "intro", "introduction", "review", "check", "checkin", "check-in", "follow",
    "followup", "follow-up", "up", "weekly", "monthly", "quarterly", "kickoff", "kick-off", "catch", "catch-up",
    "discovery", "session", "chat", "interview", "viewing", "onboarding", "renewal", "qbr", "planning", "update",
    "the", "a", "an", "and", "with", "for", "of", "on", "re", "fw", "fwd", "x", "vs", "about", "to", "at", "in",
    "zoom", "teams", "meet", "webex", "tbd", "new", "next", "steps", "first", "second", "final", "round",
})
_TITLE_TOKEN = re.compile(r"[A-Za-z][\w'’&.-]*|[^\sA-Za-z]+")  # a word, or a separator ("<>", "/", ":") that ends a name


def event_terms(title: str | None, attendees: Sequence[str] = ()) -> list[str]:
    """The names a calendar event gives: its attendees' names, then the names in its title.

    A title such as "Acme <> Call Copilot: pricing review with Dana Lee" yields "Acme", "Call Copilot" and
    "Dana Lee": runs of capitalised words, less the words that only say what kind of meeting it is.
    """
    terms = [" ".join(a.split()) for a in attendees if a and a.strip()]
    run: list[str] = []
    for word in _TITLE_TOKEN.findall(title or "") + [""]:
        word = word.rstrip(".")
        if word[:1].isupper() and word.lower() not in _GENERIC_TITLE_WORDS and not any(c.isdigit() for c in word):
            run.append(word)
            continue
        if run:
            terms.append(" ".join(run))
        run = []
    return terms


def model_vocabulary(user_terms: str | None, vertical: str | None = None, extra: Sequence[str] = (),
                     playbook_dir: Path | str | None = None) -> str | None:
    """The terms for the speech model as one comma-separated string, or None when there are none.

    ``extra`` holds this call's own names (the calendar event's attendees and title words) and comes first;
    then the user's Settings list; then the vertical playbook's ``vocabulary`` list. The Transcriber cuts the
    result to Whisper's prompt budget.
    """
    playbook_terms: Sequence[str] = ()
    if vertical:
        from copilot.coach.playbook import load_playbook

        playbook_terms = load_playbook(vertical, playbook_dir).vocabulary
    terms = merge_terms(extra, parse_terms(user_terms), playbook_terms)
    return ", ".join(terms) if terms else None
