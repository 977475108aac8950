"""A next step recognised by its structure, not by membership of a noun list.

People name the same step many ways: "a demo with your VP", "forty-five minutes with you, your lead and our
specialist to go through the rollout", "I'll call you the moment the lender replies with our counter-offer",
"I'll have the written quote over to you by Friday", "let's book you in for Saturday at eleven". What makes each
a *specific* action is its shape:

- a **meeting** — an event word ("review", "call", "session") or a length ("forty-five minutes") made concrete by
  attendees ("with you and Priya"), a purpose ("to go through the rollout"), a length, or a kind ("security
  review"); a bare "call" or "chat" is a vague follow-up;
- a **deliverable** — a piece of work with an owner ("I'll draft the counter-offer"), not general information
  ("I'll send some info" is information);
- a **call-back** with something to it (a time, a trigger, or what it brings: "with an update");
- a **booking** ("book you in", "pencil it in") and a **visit** ("swing by the house", "send a tech out").

The words that signal each shape (event words, production verbs, what counts as mere information, …) are the
playbook's vocabulary; how they combine is this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.coach.acts import StepSpec
from copilot.coach.playbook import Playbook
from copilot.coach.text import tok_at, words_of

_LENGTH = re.compile(
    r" (?:(?:a |an |another )?(?:quick |short |solid |full |good |extra )?(?:(\d+)(?: (?:or|to) \d+)?|a|an|half an|"
    r"a half|one|an extra|a couple of|couple of|a few|few|3 quarters of an|three quarters of an) ?(?:-| )?"
    r"(minutes|minute|mins|min|hours|hour|hr|hrs))(?= )")
_NP_STOP = {"|", "and", "to", "for", "at", "on", "about", "so", "where", "who", "which", "that", "this", "next",
            "tomorrow", "today", "tonight", "or", "if", "when", "then", "but", "because", "with", "by", "from",
            "would", "could", "can", "will", "is", "are", "she", "he", "they", "we", "i", "you", "ill", "well",
            "shell", "hell", "theyll", "does", "do", "before", "after", "within", "right", "ok", "okay"}
_ATTENDEE_LEAD = {"with", "and", "plus", "including", "between"}
_PERSON_STARTS = {"you", "your", "our", "my", "the", "him", "her", "them", "us", "both", "everyone", "all",
                  "whoever", "someone", "somebody", "one", "a", "an"}
_STOP = {"|", "so", "which", "if", "because", "once", "as", "when", "or", "then", "but", "that", "does", "would",
         "is", "are", "and", "to", "for", "by", "at", "on", "next", "this", "tomorrow", "today", "tonight", "before",
         "after", "within", "in", "i", "ill", "we", "well", "you", "can", "could", "should", "will", "it", "them",
         "those", "how", "what", "work", "works", "sound", "sounds", "okay", "ok", "yeah", "right", "from", "where"}
_TRAIL = {"a", "an", "the", "from", "with", "of", "for", "to", "and", "or", "your", "our", "their", "my", "on", "in",
          "at", "by", "about", "some", "any", "this", "that", "these", "those", "um", "uh", "just", "like", "really"}
_LEFT_SKIP = {"a", "an", "the", "our", "your", "their", "my", "his", "her", "this", "that", "another", "one", "quick",
              "short", "proper", "formal", "first", "second", "next", "final", "little", "brief", "30", "45", "60",
              "15", "20", "minute", "hour"}
_LEFT_STOP = _STOP | _LEFT_SKIP | {"get", "have", "do", "be", "set", "up", "book", "schedule", "suggest", "propose",
                                   "like", "want", "need", "into", "onto", "of", "about", "was", "its", "thats", "whats",
                                   "id", "lets", "me", "us", "him", "her", "some", "any", "run", "put", "bring", "with",
                                   "just", "also", "really", "maybe", "yes", "here", "there", "heres", "step", "wed",
                                   "see", "show", "go", "got", "ive", "im", "were", "been", "pencil", "hold", "reserve",
                                   "arrange", "line", "lock", "grab", "organise", "organize", "sort", "fit", "plan"}


_LEAD_DROP = {"a", "an", "the", "to", "with", "on", "in", "re", "do", "have", "run", "hold", "set", "up", "schedule",
              "book", "arrange", "get", "organise", "organize", "put", "another", "some", "proper", "quick", "our",
              "basically", "like", "just", "really", "actually", "is", "be", "maybe", "probably", "then", "so", "and",
              "what", "if", "we", "i", "got", "getting", "having", "doing", "lets", "ill", "well", "id", "wed"}
_REFERENCE = re.compile(r" (?:do|book|schedule|set up|lock in|pencil in|tackle) (?:it|that|this|them|those)"
                        r"(?= )")
_VERB_BEFORE = {"i", "ill", "we", "well", "you", "youll", "to", "can", "could", "will", "would", "should", "please",
                "and", "or", "|", "just", "then", "so", "shell", "hell", "theyll", "she", "he", "they", "lets", "must",
                "might", "may", "gonna", "wanna", "id", "wed", "she", "dont", "not"}
_PARTICLES = {"over", "you", "across", "ready", "done", "sent", "drafted", "finished", "back", "sorted", "fixed",
              "signed", "inbox", "hands", "desk", "me", "us", "set", "installed", "working", "delivered", "replaced",
              "swapped"}
_PRODUCE_FRAME = {"ill", "well", "i", "will", "we", "youll", "you", "shell", "hell", "theyll", "she", "he", "they",
                  "get", "have", "the", "your", "a", "an", "our", "that", "this", "my", "over", "to", "across",
                  "ready", "done", "sent", "drafted", "finished", "back", "sorted", "fixed", "signed", "in", "inbox",
                  "hands", "on", "desk", "from", "me", "us", "set", "installed", "working", "delivered", "replaced",
                  "swapped"}
_PRONOUN_OBJECTS = {"it", "that", "this", "those", "these", "them"}
_NEXT_FRAME = re.compile(
    r" (?:next|last|final|1st|only) (?:step|steps|stage|round|thing)(?: left| remaining| to do)?(?: for \S+| from here| then)?"
    r" (?:is|s|would be|will be|should be|is going to be|id say is|i think is|really is|is really|probably is)"
    r"(?: really| probably| basically| just| simply)?(?= )")
_FRONTED = re.compile(r" for (?:the|your|our|this|that) ((?:[a-z]+ ){1,3})(?:i was thinking|im thinking|how about|what about"
                      r"|lets say|can we do|could we do|shall we say|would|does|is|i have|ive got)(?= )")
_ACTIVITY = re.compile(r" ([a-z]+(?:ing|ion|ment|al|ance|up|over|out)) (?:usually |normally |typically )?"
                       r"(?:takes|lasts|runs) (?:about |around |roughly |maybe |like |only |just )?")

# words before an event word that do not make it concrete ("a quick call", "a phone call", "a follow up chat")
_PLAIN_KINDS = {"phone", "video", "zoom", "teams", "follow", "catch", "check", "touch", "quick", "short", "little",
                "brief", "friendly", "casual", "informal", "another", "proper", "conference", "online", "virtual",
                "good", "great", "bad", "nice", "fine", "right", "wrong", "tough", "hard", "easy", "big", "small",
                "long", "same", "last", "first", "next", "other", "every", "each", "most", "many", "all", "some",
                "any", "this", "that", "these", "those", "real", "actual", "whole", "usual", "normal", "regular",
                "weekly", "daily", "monthly", "annual", "yearly", "recurring", "standing", "internal", "own", "helpful",
                "useful", "productive", "fruitful", "interesting", "lovely", "wonderful", "brilliant", "awesome"}


@dataclass(frozen=True)
class _Candidate:
    spec: StepSpec
    score: int


def _span(padded: str, m: re.Match[str]) -> tuple[int, int]:
    return tok_at(padded, m.start()), tok_at(padded, max(m.start(), m.end() - 1)) + 1


_UNIT_WORDS = frozenset({"minutes", "minute", "mins", "min", "hour", "hours", "hr", "hrs"})  # a length, not a person


def _is_length_at(toks: tuple[str, ...], k: int) -> bool:
    """A length starts at token ``k`` ("45 minutes", "an hour"), not a count of people ("the 3 leads")."""
    return (toks[k][:1].isdigit() or toks[k] in ("an", "a", "half")) and k + 1 < len(toks) \
        and toks[k + 1] in _UNIT_WORDS


def _attendees(toks: tuple[str, ...], i: int) -> tuple[tuple[str, ...], int]:
    """People named from token ``i`` on ("you and priya from revops", "your lead and our specialist")."""
    people: list[str] = []
    j = i
    while j < len(toks) and len(people) < 5:
        t = toks[j]
        if t in ("and", "plus", "|") and people:
            if t == "|":
                break
            j += 1
            continue
        if t in ("you", "him", "her", "them", "us", "me", "everyone", "both"):
            people.append(t)
            j += 1
            if j < len(toks) and toks[j] in ("both", "all", "guys", "two", "of"):
                j += 1 if toks[j] != "of" else 0
            continue
        if t in ("your", "our", "my", "the", "their", "his") and j + 1 < len(toks) and toks[j + 1] not in _NP_STOP:
            k = j + 1
            words = [t]
            while k < len(toks) and len(words) < 5 and toks[k] not in _NP_STOP and toks[k] not in _UNIT_WORDS \
                    and toks[k] not in ("call", "meeting", "session") and not _is_length_at(toks, k):
                words.append(toks[k])
                k += 1
            if len(words) > 1:
                people.append(" ".join(words))
                j = k
                if j + 1 < len(toks) and toks[j] == "from" and toks[j + 1] not in _STOP:
                    j += 2
                continue
            break
        if people and t not in _STOP and t not in _UNIT_WORDS and t not in ("an", "the") and t.isalpha() and len(t) > 1:
            people.append(t)  # a name after "and"
            j += 1
            continue
        if not people and t.isalpha() and t not in _STOP and t not in _PERSON_STARTS and len(t) > 2 \
                and (i > 0 and toks[i - 1] == "with" or j + 1 < len(toks) and toks[j + 1] in (
                    "and", "from", "|", "to", "on", "about", "at", "next", "so")):
            people.append(t)  # "with priya and ...", "with marcus so we can ..."
            j += 1
            continue
        break
    return tuple(people), j


def _purpose(pb: Playbook, padded: str, toks: tuple[str, ...], from_tok: int) -> tuple[str | None, int]:
    """A purpose right after the step ("to go through the rollout", "about the comp gap", "for the contract")."""
    if from_tok >= len(toks):
        return None, from_tok
    rest = " " + " ".join(toks[from_tok:from_tok + 10]) + " "
    m = pb.find("purpose", rest)
    if m is None or m.start() > 3:  # the purpose follows the step directly ("... to go over the numbers")
        return None, from_tok
    words = rest[m.start():].split()[:7]
    while words and words[-1] in _TRAIL:
        words.pop()
    return (" ".join(words) or None), from_tok + len(words)


def _length(padded: str, a: int, b: int) -> int | None:
    """Minutes of a length said within tokens [a, b) ("thirty minutes", "half an hour", "a 1520 minute call")."""
    window = " " + " ".join(words_of(padded)[max(0, a):b]) + " "
    m = _LENGTH.search(window)
    if not m:
        return None
    unit = m.group(2)
    text = m.group(0)
    if "half" in text:
        minutes = 30
    elif "3 quarters" in text or "three quarters" in text:
        minutes = 45
    elif m.group(1):
        n = int(m.group(1))
        if len(m.group(1)) == 4 and unit.startswith("min"):  # "1520 minute call": ASR for "15-20"
            n = int(m.group(1)[2:])
        minutes = n * (60 if unit.startswith(("hour", "hr")) else 1)
    else:
        minutes = 60 if unit.startswith(("hour", "hr")) else 15
    before = window[:m.start()].split() or list(words_of(padded)[max(0, a - 1):max(0, a)])
    if before[-1:] == ["in"] or minutes > 8 * 60:
        return None  # "in 30 minutes": when, not how long
    return minutes


def _phrase(toks: tuple[str, ...], start: int, end: int, times_at: set[int]) -> tuple[str, int, int]:
    """The words that name the step: the nucleus with up to two kind words before it and what follows it."""
    k = 0
    while start > 0 and k < 2 and toks[start - 1] not in _LEFT_STOP and (start - 1) not in times_at \
            and not toks[start - 1].isdigit():
        start -= 1
        k += 1
    if start > 1 and toks[start - 1] in ("minute", "minutes", "hour", "min") and toks[start - 2].isdigit():
        start -= 2  # "a thirty-minute walkthrough"
    j = end
    extra = 0
    while j < len(toks) and extra < 8 and j not in times_at:
        t = toks[j]
        if t == "with" or (t == "and" and j > 0 and toks[j - 1] in ("you", "me", "us", "him", "her")):
            j += 1
            extra += 1
            continue
        if t == "from" and j + 1 < len(toks) and toks[j + 1] not in _STOP and j > 0 and toks[j - 1] not in _STOP:
            j += 2  # "priya from revops"
            extra += 2
            continue
        if t in _STOP and not (t in ("you", "me", "us", "them") and j > 0 and toks[j - 1] in ("with", "and")):
            break
        if _is_length_at(toks, j) or t in _UNIT_WORDS:
            break  # "… with your vp, forty-five minutes": the length, said after the step, is not its name
        j += 1
        extra += 1
    words = [w for k, w in enumerate(toks[start:j], start) if w != "|" and k not in times_at]  # the time is a slot
    while words and (words[0] in _LEAD_DROP or (words[0] in ("you", "u", "me", "us") and words[1:2] and words[1] in (
            "a", "an", "the", "your", "our", "some"))):
        words = words[1:]  # "get you a written response": the response, not "you a written response"
        start += 1
    while len(words) > 1 and words[-1] in _TRAIL:
        words = words[:-1]
    return " ".join(words), start, start + len(words)


_NP_END = _NP_STOP | {"of", "in", "over", "across", "back", "out", "up", "off", "as", "than", "via"}
_OBJECT_LEAD = {"you", "me", "us", "him", "her", "them", "over", "across", "back", "out", "up", "along"}


def _info_head(pb: Playbook, toks: tuple[str, ...], b: int) -> bool:
    """Is the object from token ``b`` information by its head noun ("the knowledge base article", "our spring market
    guide")? In English the head of a compound is its last word."""
    j = b
    while j < len(toks) and toks[j] in _OBJECT_LEAD:
        j += 1
    np: list[str] = []
    while j < len(toks) and toks[j] not in _NP_END and len(np) < 6:
        np.append(toks[j])
        j += 1
    if len(np) < 2:
        return False  # a bare noun was looked up whole already
    return pb.has("info_nouns", f" {np[-1]} ") or pb.has("info_nouns", " " + " ".join(np[-2:]) + " ")


def sends_information(pb: Playbook, padded: str, toks: tuple[str, ...]) -> bool:
    """Does the utterance promise to send information ("I'll send a short prep note", "I'll email our market
    guide") — something to read, not a piece of work?"""
    return any(_info_head(pb, toks, _span(padded, m)[1]) for m in pb.patterns["produce"].finditer(padded))


_EVENT_POINTERS = {"invite", "invitation", "invites", "hold", "link", "confirmation", "reminder", "slot", "booking"}


def _points_to_event(toks: tuple[str, ...], a: int) -> bool:
    """Does the compound from token ``a`` end in a word that stands for the event itself ("the interview invite",
    "the demo link")? Those name the event, unlike its notes or its recording."""
    j = a
    while j < len(toks) and toks[j] not in _NP_END and j - a < 6:
        j += 1
    return j > a and toks[j - 1] in _EVENT_POINTERS


_THIRD_PERSON = {"he", "she", "they", "hes", "shes", "theyre", "theyll", "team", "it", "someone", "somebody"}


def _someone_elses(toks: tuple[str, ...], a: int) -> bool:
    """Is the verb at token ``a`` someone else's obligation ("the team has to do it", "they need to book that")?"""
    if a < 2 or toks[a - 1] != "to":
        return False
    verb = toks[a - 2]
    if verb in ("has", "needs", "wants", "gets"):
        return True  # third person singular: not either of us on the call
    return verb in ("have", "need", "want", "got") and a >= 3 and toks[a - 3] in _THIRD_PERSON


def find_steps(pb: Playbook, padded: str, toks: tuple[str, ...], time_spans: set[int]) -> list[StepSpec]:
    """Every step the utterance describes, the most concrete first (ties: the earliest)."""
    cands: list[_Candidate] = []
    # 1. an event word, made concrete by its kind, attendees, purpose or length
    for m in pb.patterns["event_nouns"].finditer(padded):
        a, b = _span(padded, m)
        if b < len(toks) and toks[b] in ("me", "you", "us", "him", "her", "them", "or") and toks[a] in (
                "call", "chat", "meet", "screen", "interview", "visit", "tour", "review") and (
                a == 0 or toks[a - 1] in _VERB_BEFORE):
            continue  # "call or text me", "i'll interview him": the verb, not the event
        if b < len(toks) and toks[b] in ("my", "your", "our", "the", "his", "their") and toks[a] in (
                "call", "ring", "phone", "text", "email", "visit", "review") and (a == 0 or toks[a - 1] in (
                "|", "please", "just", "and", "so", "then", "ok", "okay", "or")):
            continue  # "call my mobile", "just review the contract": an imperative, not the event
        if _info_head(pb, toks, a) and not _points_to_event(toks, a):
            continue  # "the meeting notes", "the onboarding checklist guide": the event word only modifies
        vague = pb.has("vague_event_nouns", " " + " ".join(toks[a:b]) + " ")
        people, after = _attendees(toks, b + 1) if b < len(toks) and toks[b] in _ATTENDEE_LEAD else ((), b)
        if not people:
            listed, end = _attendees(toks, b)  # "calibration call you me and ben"
            if len(listed) >= 2:
                people, after = listed, end
        purpose, _ = _purpose(pb, padded, toks, after)
        length = _length(padded, a - 4, b)
        if length is None and people:
            length = _length(padded, after, after + 5)  # "a demo with you and your vp, forty-five minutes"
        left = toks[a - 1] if a > 0 else ""
        kind_word = bool(left) and left not in _LEFT_STOP and left not in _STOP and not left.isdigit() \
            and (a - 1) not in time_spans and left not in _PLAIN_KINDS
        structure = bool(people) + bool(purpose) + bool(length) + kind_word
        specific = (not vague) or structure > 0
        phrase, s, e = _phrase(toks, a, b, time_spans)
        cands.append(_Candidate(StepSpec("meeting" if specific else "vague", phrase, s, e, specific,
                                         length_minutes=length, attendees=people, purpose=purpose),
                                2 * specific + structure))
    # 2. a length with attendees or a purpose and no event word ("forty five minutes with you and your lead")
    for m in _LENGTH.finditer(padded):
        a, b = _span(padded, m)
        if b < len(toks) and toks[b] in ("call", "meeting", "session", "chat"):
            continue  # the event word itself was read above
        skip = b
        while skip < len(toks) and (toks[skip] in ("each", "apiece", "long", "or", "so", "just") or skip in time_spans
                                    or (toks[skip] in ("on", "at") and skip + 1 in time_spans)):
            skip += 1  # "three slots of forty five minutes each with you and ravi", "twenty minutes wednesday at ten"
        if skip + 1 < len(toks) and toks[skip] in ("at", "on", "in", "over") and toks[skip + 1] in (
                "the", "your", "our", "my", "a", "zoom", "teams", "site", "the"):
            skip += 2 if toks[skip + 1] in ("zoom", "teams", "site") else 3  # "half an hour at the property with …"
        people, after = _attendees(toks, skip + 1) if skip < len(toks) and toks[skip] in _ATTENDEE_LEAD else ((), skip)
        purpose, _ = _purpose(pb, padded, toks, after)
        if not people and skip < len(toks) and toks[skip] not in ("to", "for", "on", "about"):
            people, after = _attendees(toks, skip)  # "three quarters of an hour you your lead and our specialist"
            people = people if len(people) >= 2 else ()
        located = skip > b  # "about an hour at your desk"
        if people or purpose or located:
            phrase, s, e = _phrase(toks, a, max(after, b, skip), time_spans)
            cands.append(_Candidate(StepSpec("meeting", phrase, s, e, True, length_minutes=_length(padded, a, b),
                                             attendees=people, purpose=purpose), 2 + bool(people) + bool(purpose)))
    # 3. bringing people together ("get you in front of the hiring manager", "loop in your cto")
    for m in pb.patterns["convene"].finditer(padded):
        a, b = _span(padded, m)
        people, after = _attendees(toks, b)
        purpose, _ = _purpose(pb, padded, toks, after)
        phrase, s, e = _phrase(toks, a, b, time_spans)
        cands.append(_Candidate(StepSpec("meeting", phrase, s, e, True, attendees=people, purpose=purpose),
                                2 + bool(people) + bool(purpose)))
    # 4. a call-back, a booking, a visit
    for name, kind in (("callback_verbs", "callback"), ("booking_verbs", "booking"), ("visit_verbs", "visit")):
        for m in pb.patterns[name].finditer(padded):
            a, b = _span(padded, m)
            purpose, _ = _purpose(pb, padded, toks, b)
            carries = purpose is not None or pb.has("callback_carries", " " + " ".join(toks[b:b + 6]) + " ")
            specific = kind != "callback" or carries
            if kind == "booking" and _someone_elses(toks, a):
                continue  # "finance needs to book that themselves"
            phrase, s, e = _phrase(toks, a, b, time_spans)
            cands.append(_Candidate(StepSpec(kind, phrase, s, e, specific, purpose=purpose),
                                    2 * specific + carries))
    # 5. a deliverable with an owner ("i'll have the quote over to you", "we'll draft the counter offer")
    for m in pb.patterns["produce"].finditer(padded):
        a, b = _span(padded, m)
        inside = [t for t in toks[a:b] if t not in _PRODUCE_FRAME]
        participle = toks[b - 1] in _PARTICLES or toks[b - 1].endswith("ed")  # "i'll have the laptop imaged"
        verb = next((k for k in range(a, b) if toks[k] in ("get", "have", "put")), a)
        if len(inside) >= 1 and participle and any(t in ("the", "your", "a", "an", "our", "my") for t in toks[a:b]) \
                and toks[verb + 1:verb + 2] not in [(p,) for p in _PRONOUN_OBJECTS]:
            # "i'll have the comparable sales analysis in your inbox": the object is inside the frame
            noun = tuple(inside[:-1]) if inside[-1].endswith("ed") else tuple(inside)  # "… guide printed"
            if not pb.has("info_nouns", " " + " ".join(inside) + " ") and not _info_head(pb, noun, 0) \
                    and inside[0] not in _PRONOUN_OBJECTS:
                phrase, s, e = _phrase(toks, a, b, time_spans)
                cands.append(_Candidate(StepSpec("deliverable", phrase, s, e, True, owner="speaker"), 3))
            continue
        obj = " " + " ".join(toks[b:b + 6]) + " "
        head = next((t for t in toks[b:b + 4] if t not in ("you", "me", "us", "him", "her", "them", "over", "across",
                                                         "the", "a", "an", "your", "our", "my", "back", "up", "out")),
                    "")
        said = toks[max(a, b - 4):b]
        pronoun = head in _PRONOUN_OBJECTS or any(t in _PRONOUN_OBJECTS for t in said)
        if pronoun and time_spans:
            # "i'll get them to you by tomorrow at noon": the thing asked for, with a deadline
            phrase, s, e = _phrase(toks, a, b, time_spans)
            phrase = re.sub(r"^(?:(?:can|could|would|will|you) )+", "", phrase)  # "can you get me that": "get me that"
            cands.append(_Candidate(StepSpec("deliverable", phrase, s, e, True, owner="speaker", purpose="refers"), 2))
            continue
        if pb.has("info_nouns", obj) or _info_head(pb, toks, b) or not head or head in _STOP or pronoun or head in (
                "something", "anything", "everything") or head[:1].isdigit():
            continue
        phrase, s, e = _phrase(toks, a, b, time_spans)
        cands.append(_Candidate(StepSpec("deliverable", phrase, s, e, True, owner="speaker"), 3))
    # 6b. whatever "the next step is" names ("the next step really is a site survey", "the last stage is ninety
    # minutes: you'll meet Tom", "next step is the photographer and the stager at the condo")
    for m in _NEXT_FRAME.finditer(padded):
        b = _span(padded, m)[1]
        while b < len(toks) and toks[b] in ("a", "an", "the", "to", "for", "that", "um", "uh", "basically", "just"):
            if toks[b] == "to":
                break  # "the next step is to get you in front of…": read by the verb's own shape
            b += 1
        if b >= len(toks) or toks[b] in _STOP or toks[b] == "to":
            continue
        phrase, s0, e0 = _phrase(toks, b, b + 1, time_spans)
        vague = pb.has("vague_step", f" {phrase} ") or pb.has("vague_event_nouns", f" {phrase} ") \
            or toks[b] in ("something", "anything", "whatever", "nothing")
        cands.append(_Candidate(StepSpec("meeting" if not vague else "vague", phrase, s0, e0, not vague,
                                         length_minutes=_length(padded, b, b + 4)), 2 if not vague else 0))
    # 6. a step named before the time it is proposed for ("for the q b r i was thinking the 21st at 10")
    for m in _FRONTED.finditer(padded):
        a = tok_at(padded, m.start(1))
        words = m.group(1).split()
        if words and not any(w in _STOP for w in words):
            cands.append(_Candidate(StepSpec("meeting", " ".join(words), a, a + len(words), True), 2))
    # 7. an activity described by how long it takes ("reimaging takes about two hours")
    for m in _ACTIVITY.finditer(padded):
        a = tok_at(padded, m.start(1))
        if _length(padded, a + 1, a + 6) is not None and toks[a] not in _STOP:
            cands.append(_Candidate(StepSpec("activity", toks[a], a, a + 1, True,
                                             length_minutes=_length(padded, a + 1, a + 6)), 2))
    # 8. a reference to a step named before ("can we do it tomorrow at 8", "let's book that")
    if not cands:
        for m in _REFERENCE.finditer(padded):
            a, b = _span(padded, m)
            if _someone_elses(toks, a):
                continue  # "our it team has to do it": who does it, not a step put forward
            cands.append(_Candidate(StepSpec("reference", " ".join(toks[a:b]), a, b, True), 1))
    return [c.spec for c in sorted(cands, key=lambda c: (-c.score, c.spec.start))]
