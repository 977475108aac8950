"""What the recap and the action plan need from a call: pains with their numbers, timeline drivers, materials
promised, dependencies and risks — read from the transcript by structure, not by example phrases.

The method's recap plays back each pain *with the number the other party gave* ("reconciliation takes two days a
month") and the event that drives their timeline ("before the March audit"); the mutual action plan lists what
each side will deliver and what could block it. Each finding is a clause of one utterance:

* a **pain** is a statement of the other party (not a question, not a hypothetical) that holds a quantity — a
  number with a unit of time, money, percent or count — and a word of cost or trouble, and whose number the rep
  did not say first (an echo of the rep's claim is not their pain);
* a **driver** is a clause of the other party, or of the rep's summary, with a timeline anchor ("before", "in time
  for", "deadline") followed by an event or a date, not by "anything" or "then";
* a **material** is a commitment frame ("I'll", "let me") or a request ("can you", "send me") around a verb of
  delivery and its object; its owner is who will deliver it and its due date what was said (resolved against the
  call's date), else the next meeting when it is brought there;
* a **dependency** or a **risk** is a clause with one of their cues (``vocabulary.json``), plus the verdict's
  objections as risks.

All vocabulary lives in ``vocabulary.json`` beside this module; nothing here names a phrase of one call.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from importlib import resources
from typing import Any

from copilot.coach.state import Verdict
from copilot.coach.text import normalize
from copilot.coach.timex import find_times, resolve
from copilot.session.utterance import Utterance

REP = "rep"


@dataclass(frozen=True)
class Finding:
    """One clause heard: ``quote`` as said, ``text`` as the rep writes it back to them ("your team spends…")."""

    text: str
    quote: str
    t: float
    speaker: str


@dataclass(frozen=True)
class Promise:
    """Material one side said it would deliver; ``owner`` is "rep" or "prospect" (the other party)."""

    what: str
    owner: str
    due: datetime | date | None
    due_said: str
    t: float
    quote: str


@dataclass(frozen=True)
class Heard:
    pains: tuple[Finding, ...] = ()
    drivers: tuple[Finding, ...] = ()
    materials: tuple[Promise, ...] = ()
    dependencies: tuple[Finding, ...] = ()
    risks: tuple[Finding, ...] = ()


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    """The word lists (``vocabulary.json``), read once."""
    text = resources.files("copilot.actionplan").joinpath("vocabulary.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    v = vocabulary()
    number = rf"(?:\$?\d[\d,.]*(?:k|m|%)?|{_alt(v['number_words'])})"
    unit = rf"(?:{_alt(v['units'])})s?\b"
    return {
        "quantity": re.compile(rf"(?<![\w$]){number}(?:[\s-]+{number})*[\s-]+(?:(?:an?|per|of|their|the|a)\s+)?"
                               rf"(?:\w+\s+)?{unit}|\$\d|\d\s*%|\b\d[\d,.]*k\b"),
        "problem": re.compile(rf"\b(?:{_alt(v['problem'])})\b"),
        "hypothetical": re.compile(rf"\b(?:{_alt(v['hypothetical'])})\b"),
        "anchor": re.compile(rf"\b(?:{_alt(v['driver_anchors'])})\s+(?P<rest>[\w' -]+)"),
        "commit": re.compile(rf"(?:^|\b)(?P<frame>{_alt(v['commit_frames'])})\s+(?:\w+\s+)?"
                             rf"(?P<verb>{_alt(v['deliver_verbs'])})\b(?P<rest>.*)"),
        "request": re.compile(rf"(?:^|\b)(?P<frame>{_alt(v['request_frames'])})\s+(?:\w+\s+)?"
                              rf"(?P<verb>{_alt(v['deliver_verbs'])})\s+(?P<rest>(?:me|us)\b.*)"),
        "imperative": re.compile(rf"^(?P<verb>{_alt(v['deliver_verbs'])})\s+(?P<rest>(?:me|us)\b.*)"),
        "dependency": re.compile(rf"\b(?:{_alt(v['dependency_cues'])})\b"),
        "risk": re.compile(rf"\b(?:{_alt(v['risk_cues'])})\b"),
        "lead": re.compile(rf"^(?:(?:{_alt(v['lead_fillers'])})\b[\s,]*)+"),
        "second": re.compile(rf"\b(?:{_alt(v['second_person'])})\b"),
    }


def _low(text: str) -> str:
    return " ".join(text.replace("’", "'").lower().split())


def clauses(text: str) -> list[str]:
    """Sentences, then their coordinated parts (", and", ";"), as said; each is one claim."""
    out: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        for part in re.split(r"[;:]\s+|,\s+(?:and|but|so)\s+|\s+-\s+", sentence):
            part = part.strip(" ,.!?\"'")
            if part:
                out.append(part)
    return out


def _trim(clause: str) -> str:
    """Drop the lead-in fillers ("Honestly, maybe add that …") and tidy the ends."""
    text = " ".join(clause.replace("’", "'").split())
    m = _patterns()["lead"].match(text.lower())
    cut = text[m.end():] if m is not None else text
    cut = cut.strip(" ,.!?\"'")
    return cut[:1].upper() + cut[1:] if cut else cut


def to_second_person(clause: str) -> str:
    """The other party's words as the rep writes them back: "our response time" → "your response time"."""
    swaps: dict[str, str] = vocabulary()["pronouns"]
    words = clause.split(" ")
    out: list[str] = []
    prev = ""
    for word in words:
        core = word.strip(",.;:!?\"")
        low = core.lower().replace("’", "'")
        repl = None
        if low in ("am", "was"):
            repl = swaps[low] if prev == "i" else None
        elif low in swaps:
            repl = swaps[low]
        if repl is not None:
            if core[:1].isupper() and not out:
                repl = repl[:1].upper() + repl[1:]
            word = word.replace(core, repl, 1)
        out.append(word)
        prev = low
    text = " ".join(out)
    return text[:1].upper() + text[1:] if text else text


def _numbers_said(text: str) -> set[str]:
    """The numbers in a text, as digits ("forty percent" and "40%" meet)."""
    return {re.sub(r"(?<=\d)(?:st|nd|rd|th)$", "", t) for t in normalize(text).tokens if t[:1].isdigit()}


def find_pains(utterances: tuple[Utterance, ...] | list[Utterance],
               summaries: frozenset[int] | set[int] = frozenset()) -> list[Finding]:
    """The other party's pains with their numbers; then the rep's summary's (already "your …"), unless its numbers
    were heard from them already."""
    p = _patterns()
    rep_numbers: set[str] = set()
    found: list[Finding] = []
    for u in utterances:
        if u.speaker == REP:
            rep_numbers |= _numbers_said(u.text)
            continue
        for clause in clauses(u.text):
            low = _low(clause)
            if clause.rstrip().endswith("?") or not p["quantity"].search(low) or not p["problem"].search(low):
                continue
            if p["hypothetical"].search(low):
                continue
            said = _numbers_said(clause)
            if said and said <= rep_numbers:
                continue  # the rep's number played back, not their pain
            quote = _trim(clause)
            found.append(Finding(_written_back(quote), quote, u.start, u.speaker))
    covered = set().union(*(_numbers_said(f.quote) for f in found)) if found else set()
    for i in sorted(summaries):
        u = utterances[i]
        for clause in clauses(u.text) if u.speaker == REP else ():
            low = _low(clause)
            said = _numbers_said(clause)
            # the rep's summary is the pains played back: a quantity is enough, no word of trouble needed
            if p["quantity"].search(low) and not clause.rstrip().endswith("?") \
                    and not (said and said <= covered):
                quote = _trim(clause)
                found.append(Finding(quote, quote, u.start, u.speaker))
                covered |= said
    return found


def _written_back(quote: str) -> str:
    return quote if _patterns()["second"].search(_low(quote)) else to_second_person(quote)


def find_drivers(utterances: tuple[Utterance, ...] | list[Utterance], summaries: set[int]) -> list[Finding]:
    """Timeline drivers from the other party, and from the rep's own summary (``summaries``: its utterance indexes)."""
    p = _patterns()
    not_after = tuple(vocabulary()["driver_not_after"])
    found: list[Finding] = []
    for i, u in enumerate(utterances):
        if u.speaker == REP and i not in summaries:
            continue
        for clause in clauses(u.text):
            low = _low(clause)
            m = p["anchor"].search(low)
            if m is None or clause.rstrip().endswith("?"):
                continue
            rest = m.group("rest").strip()
            if not rest or any(rest == w or rest.startswith(w + " ") for w in not_after):
                continue
            quote = _trim(clause)
            text = quote if u.speaker == REP else _written_back(quote)
            found.append(Finding(text, quote, u.start, u.speaker))
    return found


def _object(rest: str) -> str:
    """The thing delivered: the words after the verb up to a time, a recipient or a new clause."""
    v = vocabulary()
    words = rest.split()
    particles = set(v["deliver_particles"])
    while words and words[0].strip(",.") in particles:
        words = words[1:]
    text = " " + " ".join(words) + " "
    cut = min((text.find(s) for s in v["object_stops"] if text.find(s) >= 0), default=len(text))
    return " ".join(text[:cut].split()[:10]).strip(" ,.!?")


def _due(clause: str, call_date: datetime | None) -> tuple[datetime | date | None, str]:
    toks = normalize(clause).tokens
    for m in find_times(toks):
        if not m.specific:
            continue
        if call_date is None:
            return None, m.text
        when = resolve(m, call_date)
        if when is None:
            continue
        if m.eod and when.time() == time(0, 0):
            when = when.replace(hour=17)
        has_time = m.hour is not None or m.eod or m.part is not None
        return (when if has_time else when.date()), m.text
    return None, ""


def find_materials(utterances: tuple[Utterance, ...] | list[Utterance], call_date: datetime | None,
                   meeting_at: datetime | date | None = None) -> list[Promise]:
    p = _patterns()
    v = vocabulary()
    skip = tuple(v["not_materials"])
    back = set(v["back_reference"])
    found: list[Promise] = []
    seen: set[str] = set()
    for u in utterances:
        for clause in clauses(u.text):
            low = _low(clause)
            m, owner, what = None, None, ""
            for name, text in (("commit", low), ("request", low), ("imperative", _low(_trim(clause)))):
                m = p[name].search(text)
                if m is None or (name == "commit" and m.group("frame").startswith("you")):
                    continue
                owner = u.speaker if name == "commit" else (REP if u.speaker != REP else "prospect")
                what = _object(m.group("rest"))
                first = what.split(" ", 1)[0] if what else ""
                if what and first not in back and not any(re.search(rf"\b{re.escape(s)}\b", what) for s in skip):
                    break
                m = None
            if m is None or owner is None:
                continue
            key = " ".join(w for w in what.split() if w not in ("a", "an", "the", "your", "our", "my"))
            if key in seen:
                continue
            seen.add(key)
            due, said = _due(clause, call_date)
            if due is None and m.group("verb").startswith("bring") and meeting_at is not None:
                due, said = meeting_at, "at the meeting"
            owner_role = REP if owner == REP else "prospect"
            theirs = u.speaker != REP and not _patterns()["second"].search(what)
            shown = to_second_person(what) if theirs else what
            shown = shown[:1].lower() + shown[1:]
            found.append(Promise(shown, owner_role, due, said, u.start, _trim(clause)))
    return found


def find_dependencies(utterances: tuple[Utterance, ...] | list[Utterance]) -> list[Finding]:
    p = _patterns()
    found: list[Finding] = []
    for u in utterances:
        if u.speaker == REP:
            continue
        for clause in clauses(u.text):
            low = _low(clause)
            ends_first = re.search(rf"\b(?:{_alt(vocabulary()['dependency_last'])})$", low) is not None
            if (ends_first or p["dependency"].search(low)) and not p["risk"].search(low):
                quote = _trim(clause)
                found.append(Finding(_written_back(quote), quote, u.start, u.speaker))
    return found


def find_risks(verdict: Verdict) -> list[Finding]:
    p = _patterns()
    found: list[Finding] = []
    at: set[float] = set()
    for u in verdict.utterances:
        if u.speaker == REP:
            continue
        for clause in clauses(u.text):
            if p["risk"].search(_low(clause)):
                quote = _trim(clause)
                found.append(Finding(_written_back(quote), quote, u.start, u.speaker))
                at.add(u.start)
    for o in verdict.objections:
        # the clause that says the hesitation: one with a risk word, else the longest ("I think so, but I want to
        # sleep on it over the weekend" → the second)
        parts = [c for c in clauses(o.text) if len(c.split()) >= 3]
        flagged = [c for c in parts if p["risk"].search(_low(c))]
        if o.t not in at and parts:
            quote = _trim(flagged[0] if flagged else max(parts, key=lambda c: len(c.split())))
            found.append(Finding(_written_back(quote), quote, o.t, "prospect"))
            at.add(o.t)
    return sorted(found, key=lambda f: f.t)


def _summary_indexes(verdict: Verdict) -> set[int]:
    stage = verdict.stages.get("summarize")
    return {ev.utterance for ev in (stage.evidence if stage is not None and stage.met else ())}


_GREETING = re.compile(r"\b(?:hi|hello|hey|thanks|thank you|cheers|morning|afternoon|bye)\s*,?\s+([A-Z][a-z]+)\b")
_END_VOCATIVE = re.compile(r",\s+([A-Z][a-z]+)\s*[.!?]*$")


def addressed_name(utterances: tuple[Utterance, ...] | list[Utterance], by: str, exclude: set[str]) -> str | None:
    """The name one side calls the other ("Thanks, Dana." / "Hi Dana,"): the vocative said most often by ``by``
    ("rep" gives the other party's name, "prospect" the rep's), never one of ``exclude`` (people named for the step)."""
    counts: dict[str, int] = {}
    skip = {w.lower() for w in exclude} | set(vocabulary()["lead_fillers"]) | {"you", "sir", "madam", "guys", "all",
                                                                               "everyone", "team", "again"}
    for u in utterances:
        if (u.speaker == REP) != (by == REP):
            continue
        for clause in re.split(r"(?<=[.!?])\s+", u.text):
            for m in (_GREETING.search(clause), _END_VOCATIVE.search(clause)):
                if m is not None and m.group(1).lower() not in skip:
                    counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def heard(verdict: Verdict, call_date: datetime | None = None) -> Heard:
    """Everything the recap and the plan take from the call's transcript (the verdict's utterances)."""
    spoken = verdict.utterances
    step = verdict.next_step
    meeting_at: datetime | date | None = None
    if step is not None and step.when is not None:
        meeting_at = step.when if step.when_has_time else step.when.date()
    return Heard(
        pains=tuple(find_pains(spoken, _summary_indexes(verdict))),
        drivers=tuple(find_drivers(spoken, _summary_indexes(verdict))),
        materials=tuple(find_materials(spoken, call_date, meeting_at)),
        dependencies=tuple(find_dependencies(spoken)),
        risks=tuple(find_risks(verdict)),
    )
