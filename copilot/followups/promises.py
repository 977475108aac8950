"""The materials the rep promised on the call: what, and by when.

A promise is the rep's own sending frame said as a commitment ("I'll send…", "let me send over…", "I'll have …
over to you"), the rep's yes to the other side's request ("could you send me the pricing by Friday?" — "sure,
will do"), or the other side's yes to the rep's offer ("want me to send the case study?" — "yes please"). The
coach's reading of each utterance (``copilot.coach.reader``) decides what the frame cannot: whether it is asked,
negated, a yes or a no. The frame is read here rather than from the coach's SEND_INFO act because a follow-up
needs *what* is sent, in the words that were said, and the coach's act covers only information nouns, not "the
security questionnaire answers". When it is due comes from ``copilot.coach.timex`` ("by end of day" → 17:00 that
day, "tomorrow morning" → 9:00 the next day). The invite,
the recap and meeting links are not materials: the invite is sent on the call, the recap is its own follow-up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from copilot.coach.acts import Act, Reading
from copilot.coach.playbook import Playbook
from copilot.coach.reader import read
from copilot.coach.text import normalize
from copilot.coach.timex import MONTHS, WEEKDAYS, TimeMention, find_times, is_past_context, resolve
from copilot.session.utterance import Utterance

END_OF_DAY = time(17, 0)  # "end of day" in the method's examples is the end of the working day

_COMMIT = (r"(?P<frame>i'll|i will|we'll|we will|i'm going to|we're going to|i'm gonna|we're gonna|let me|i can|"
           r"we can|i'll make sure (?:to|i)|happy to|shall i|should i|want me to|can i|i could|"
           r"can you|could you|would you|will you|please)")
_REQUESTS = {"can you", "could you", "would you", "will you", "please"}  # the other side is asked to send
_VERB = (r"(?P<verb>send|e-?mail|forward|share|mail|shoot|drop|pass along|put together|pull together|draft|"
         r"write up|prepare|get|have)")
_PROMISE = re.compile(rf"\b{_COMMIT}\s+(?:just\s+|also\s+|quickly\s+|then\s+|definitely\s+)?{_VERB}\b(?P<rest>[^.?!;]*)",
                      re.IGNORECASE)
_LEADS = {"you", "u", "me", "us", "him", "her", "them", "over", "across", "along", "out", "through", "back", "off"}
_NP_STOPS = {"by", "before", "on", "at", "tomorrow", "today", "tonight", "this", "next", "later", "first", "asap",
             "so", "when", "once", "after", "as", "right", "in", "within", "to", "over", "across", "that", "which",
             "who", "if", "then", "but", "because", "now", "shortly", "straight", "afterwards", "and", "or", "end",
             "sometime", "either", "ahead", "too", "as", "soon", "early", "first", "thing", "from", "tomorrows"}
_DETERMINERS = {"the", "a", "an", "some", "our", "my", "this", "that", "these", "those", "your", "any"}
_TRAILING = {"of", "for", "with", "the", "a", "an", "and", "your", "our", "um", "uh"}
_PRONOUNS = {"it", "that", "this", "them", "those", "these", "something", "anything", "everything", "stuff", "what"}
_NOT_MATERIALS = re.compile(r"\b(?:invite|invitation|recap|summary|notes|link|calendar hold|hold|reminder|"
                            r"confirmation|email|e-mail|message|text)s?$", re.IGNORECASE)
_CONTINUE_AND = _DETERMINERS - {"this", "that"}


@dataclass(frozen=True)
class Promise:
    """Something the rep will send: ``item`` as said ("the case study"), ``due`` (local time) and ``said``
    ("by end of day"; None when no time was said)."""

    item: str
    due: datetime
    said: str | None
    utterance: int


def promises(utterances: Sequence[Utterance], started_at: datetime, ended_at: datetime,
             playbook: Playbook) -> tuple[Promise, ...]:
    """Every piece of material the rep committed to send, once each (the first time it was promised)."""
    readings = [read(u.text, playbook) for u in utterances]
    found: list[Promise] = []
    seen: set[str] = set()
    for i, (u, r) in enumerate(zip(utterances, readings)):
        source = _committed_text(i, utterances, readings)
        if source is None:
            continue
        item = _item(utterances[source].text, requested=utterances[source].speaker != "rep")
        if item is None or item.lower() in seen:
            continue
        said_at = started_at + timedelta(seconds=max(0.0, u.end))
        mention = _deadline(utterances[source].text) or _deadline(u.text)
        due, said = _due(mention, said_at, ended_at)
        seen.add(item.lower())
        found.append(Promise(item, due, said, i))
    return tuple(found)


def _committed_text(i: int, utterances: Sequence[Utterance], readings: Sequence[Reading]) -> int | None:
    """The index of the utterance that says what is promised, when utterance ``i`` settles a promise by the rep."""
    u, r = utterances[i], readings[i]
    if u.speaker == "rep" and _item(u.text) is not None and not r.negated and not r.has(Act.DECLINE):
        if not r.has(Act.ASK):
            return i  # "I'll send the case study by end of day", "let me send over the checklist"
        answer = _next_from(i, utterances, "prospect")  # "want me to send you the case study?" — their yes settles it
        if answer is not None and readings[answer].has(Act.ACCEPT) and not readings[answer].has(Act.DECLINE):
            return i
        return None
    if u.speaker == "prospect" and _item(u.text, requested=True) is not None and r.has(Act.ASK) and not r.negated:
        answer = _next_from(i, utterances, "rep")  # "could you send me the pricing?" — "sure, will do"
        if answer is not None and readings[answer].has(Act.ACCEPT) and not readings[answer].has(Act.ASK) \
                and not readings[answer].has(Act.DECLINE):
            return i
    return None


def _next_from(i: int, utterances: Sequence[Utterance], speaker: str) -> int | None:
    """The next utterance of ``speaker`` if it comes before the other side speaks twice (an answer, not a later turn)."""
    for j in range(i + 1, min(len(utterances), i + 3)):
        if utterances[j].speaker == speaker:
            return j
    return None


def _item(text: str, requested: bool = False) -> str | None:
    """The object of the sending verb ("the case study"), or None when it is only a pronoun or not materials.

    ``requested``: the sender is the one asked ("could you send me…"); otherwise the speaker ("I'll send…")."""
    for m in _PROMISE.finditer(text.replace("’", "'")):
        if (m.group("frame").lower() in _REQUESTS) != requested:
            continue
        verb = m.group("verb").lower()
        rest = m.group("rest")
        words = [w.strip(",:\"") for w in rest.split()]
        if verb == "get" and (not words or words[0].lower() not in ("you", "u", "him", "her", "them", "me", "us")):
            continue  # "I'll get started" is no promise; "I'll get you the quote" is
        if verb == "have" and not re.search(r"\b(?:over|to you|across|in your inbox|on your desk)\b", rest, re.I):
            continue
        k = 0
        while k < len(words) and words[k].lower() in _LEADS:
            k += 1
        np: list[str] = []
        for j in range(k, len(words)):
            w = words[j]
            low = w.lower()
            if not w or (low in _NP_STOPS and not (low == "and" and j + 1 < len(words)
                                                   and words[j + 1].lower() in _CONTINUE_AND)):
                break
            np.append(w)
            if rest.split()[j].endswith(",") or len(np) >= 8:
                break
        while np and np[-1].lower() in _TRAILING:
            np.pop()
        if not np or (len(np) == 1 and np[0].lower() in _PRONOUNS) or np[0].lower() in _PRONOUNS:
            continue
        if np[0].lower() in _DETERMINERS - {"your"}:
            np[0] = "the"
        elif np[0].lower() != "your":
            np.insert(0, "the")
        item = " ".join(np)
        if _NOT_MATERIALS.search(item):
            continue
        return item
    return None


def _deadline(text: str) -> TimeMention | None:
    """The first specific, future time said in ``text`` (a deadline or a day/time), if any."""
    toks = normalize(text).tokens
    for m in find_times(toks):
        if m.specific and not is_past_context(toks, m):
            return m
    return None


def _due(mention: TimeMention | None, said_at: datetime, ended_at: datetime) -> tuple[datetime, str | None]:
    """When the promise is due, and how it was said. No time said: the end of the call's day (17:00), or two hours
    after a call that ends later than that. A time already past when the call ends is due at the call's end."""
    end_of_call_day = datetime.combine(ended_at.date(), END_OF_DAY)
    fallback = end_of_call_day if end_of_call_day > ended_at else ended_at + timedelta(hours=2)
    if mention is None:
        return fallback, None
    if mention.kind == "sameday":
        return fallback, _spoken(mention)
    when = resolve(mention, said_at)
    if when is None:
        return fallback, None
    if mention.kind != "duration" and mention.hour is None and not mention.eod and mention.part is None:
        when = datetime.combine(when.date(), END_OF_DAY)  # "by Friday": the end of that working day
    return max(when, ended_at), _spoken(mention)


def _spoken(m: TimeMention) -> str:
    """The time as said, readable: "by end of day", "tomorrow morning", "by Friday at 5pm"."""
    words = []
    for w in m.text.split():
        if w in WEEKDAYS or w in MONTHS:
            w = w.capitalize()
        words.append(w)
    text = re.sub(r"(\d) ([ap]m)\b", r"\1\2", " ".join(words))
    if (m.kind == "deadline" or m.by) and not text.startswith(("by ", "before ", "until ", "within ")):
        text = f"by {text}"
    return text
