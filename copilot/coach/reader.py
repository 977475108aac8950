"""One utterance read into dialogue acts (``copilot.coach.acts``): the only place that looks at its words.

The rules here are grammar, not examples: an act is signalled by the playbook's words for it, and then
checked against the utterance's shape — polarity ("that doesn't work" is no yes), order ("let me check…
yeah, that works" settles into a yes), time ("let me show you the dashboard on Tuesday at 2" is a step, "let me
show you the dashboard" is not), and whether anything beyond a word of assent was said. A learned reader (``copilot.coach.learned``) may refine
the reading of an utterance the rules leave open; the rules stay in charge of polarity.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from copilot.coach.acts import Act, Reading, StepSpec, Trigger
from copilot.coach.playbook import Playbook
from copilot.coach.steps import find_steps, sends_information
from copilot.coach.text import Normalized, normalize, tok_at
from copilot.coach.timex import TimeMention, find_times, is_past_context

_QUESTION_START = {"is", "are", "does", "do", "did", "would", "could", "can", "should", "shall", "what", "when",
                   "where", "which", "who", "whos", "how", "isnt", "doesnt", "wouldnt", "whats", "hows", "whens",
                   "wanna", "arent", "dont", "didnt", "cant", "couldnt", "wont"}
_QUESTION_MAYBE = {"will", "want", "have", "has", "may", "might", "any", "shall"}
_PRONOUNS = {"you", "that", "it", "this", "they", "we", "he", "she", "i", "me", "there", "anyone", "anything",
             "either", "of", "your"}
_MID_QUESTION = re.compile(
    r" (?:would you|could you|can you|can we|could we|should we|should i|would it|would that|does that|does it|"
    r"does (?:\S+ ){1,4}work|do you|is that|is it|are you|will you|will that|did you|how about|how does|"
    r"want me to|which (?:one|works|is better|would)|what time|when (?:could|can|would|do|does|will|are|is)|"
    r"sound (?:good|ok|okay|right|alright))(?= |$)")
_NEGATION = {"not", "dont", "doesnt", "cant", "wont", "isnt", "arent", "wasnt", "didnt", "couldnt", "wouldnt",
             "shouldnt", "never", "no", "nothing", "neither", "nor"}
_GENERAL_WORDS = {"thanks", "thank", "cheers", "much", "very", "bye", "then", "there", "see", "talk", "speak", "plan",
                  "deal", "done", "fine", "sounds", "works", "work", "perfect", "brilliant", "lovely", "awesome",
                  "excellent", "cool", "nice", "smart", "sense", "makes", "totally", "definitely", "absolutely",
                  "course", "problem", "worries", "please", "appreciate", "helpful", "happy", "glad", "hear",
                  "yep", "yup", "okay", "alright", "gotcha", "got", "understood", "ready", "set", "booked", "locked"}
_STOPWORDS = {"a", "an", "the", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for", "with", "by", "from",
              "is", "are", "was", "be", "it", "that", "this", "i", "you", "we", "they", "he", "she", "me", "us", "my",
              "your", "our", "ill", "well", "id", "im", "its", "thats", "do", "does", "can", "could", "would", "will",
              "just", "yeah", "ok", "okay", "um", "uh", "like", "then", "there", "what", "if", "not", "no", "yes", "|",
              "get", "go", "have", "about", "up", "some", "all", "any", "how", "when", "lets", "let", "sure", "right",
              "great", "good", "know", "think", "really", "one", "also", "maybe", "hows", "whats", "whens", "wheres",
              "whos", "theres", "heres"}


def is_question(norm: Normalized) -> bool:
    """Asked as a question: a question mark when punctuation is there, else the question's shape."""
    if norm.question_mark:
        return True
    if _MID_QUESTION.search(f" {norm.text} "):
        return True
    toks = norm.tokens
    if not toks:
        return False
    starts = [0] + [i + 1 for i, t in enumerate(toks) if t == "|" and i + 1 < len(toks)]
    for s in starts:
        first = toks[s]
        k = s
        if first in ("so", "and", "okay", "ok", "then", "but", "well", "great", "sure", "also", "now", "right",
                     "perfect", "cool") and s + 1 < len(toks):
            k = s + 1
            first = toks[k]
        if first in _QUESTION_START:
            return True
        if first in _QUESTION_MAYBE and k + 1 < len(toks) and toks[k + 1] in _PRONOUNS:
            return True
    return toks[-1] in ("right", "correct") and len(toks) > 4  # "…, right?" (a trailing "yeah" is an answer)


def _last(pattern: re.Pattern[str], padded: str) -> re.Match[str] | None:
    found = None
    for found in pattern.finditer(padded):
        pass
    return found


def _negated_near(toks: tuple[str, ...], a: int, b: int) -> bool:
    """A negation just before the span or inside it ("that doesn't work", "not good for me")."""
    return any(t in _NEGATION for t in toks[max(0, a - 3):b])


_PAST_TIME_WORDS = {"week", "month", "year", "time", "night", "quarter", "term", "season", "spring", "summer", "autumn",
                    "fall", "winter", "weekend", "call", "meeting", "session", "visit"}
_PAST_MARKERS = {"had", "did", "was", "been", "went", "showed", "saw", "ran", "ago", "already", "earlier", "yesterday",
                 "previous", "used", "gave", "held", "happened", "went", "liked", "loved", "enjoyed", "attended",
                 "joined", "missed", "finished", "wrapped", "covered", "took", "told", "mentioned", "said", "heard",
                 "done", "completed"}


def _said_in_past(toks: tuple[str, ...], step: StepSpec) -> bool:
    """The step was talked about as something that already happened ("we had a demo last week")."""
    window = toks[max(0, step.start - 4):min(len(toks), step.end + 4)]
    if any(t in ("ill", "well", "lets", "next", "will", "can", "could", "should", "shall", "gonna", "going", "would",
                 "thinking") for t in window + toks[max(0, step.start - 7):step.start]):
        return False  # "the next step would be a demo, since…", "i was thinking the next step is a second screen"
    if any(t in _PAST_MARKERS for t in window) or any(
            a == "last" and (b in _PAST_TIME_WORDS or b.endswith("day")) for a, b in zip(window, window[1:])):
        return True  # "we had a demo last week" ("the last stage is…" is no past)
    # someone else's event ("she has a board meeting on friday"), unless we are in it ("... with you")
    before = toks[max(0, step.start - 4):step.start]
    theirs = any(a in ("he", "she", "they", "hes", "shes", "theyve", "theyre") and b in ("has", "have", "got", "is",
                                                                                         "are", "having")
                 for a, b in zip(before, before[1:]))
    mine = (any(a in ("i", "we", "ive", "weve") and b in ("have", "got", "had") for a, b in zip(before, before[1:]))
            or any(a in ("im", "were") and b in ("in", "at", "on") for a, b in zip(before, before[1:]))) \
        and step.kind == "meeting"  # "i've got another final round on wednesday", "i'm in a workshop": my calendar
    return (theirs or mine) and "you" not in toks[step.end:step.end + 3] and "us" not in toks[step.end:step.end + 3]


_PAUSE = {"hang", "hold", "on", "wait", "a", "sec", "second", "moment", "1", "just", "um", "uh", "bear", "with", "me",
          "let", "see", "there", "minute", "mo", "tick"}
_CHECK = re.compile(r" (?:check|checking|make sure|know if|wondering|ask you|asking) ")
_TAG = re.compile(r" (?:right|correct|yes|yeah|is that it|is that right|is that fair|is that correct|about right|"
                  r"did i miss anything|anything else|have i got that right|did i get that right|fair) $")
_RESTATE_OPEN = {"so", "ok", "okay", "right", "alright", "just", "and"}
_RESTATE_ABOUT = re.compile(r" (?:you|your|youre|youve|youd|the issue|the problem|the main|the big|the sticking|the "
                            r"blocker|the blockers|its really|its mostly|basically) ")


def _restates(toks: tuple[str, ...]) -> bool:
    """Does the rep say the other side's situation back ("so your outlook keeps asking for the password and you've
    reset it once, right?")? An opener, then their situation, at some length."""
    content = [t for t in toks if t != "|"]
    opens = content[:1] != ["just"] or content[1:2] in (["so"], ["to"])  # "just so…", not "just reply…"
    return len(content) >= 8 and content[0] in _RESTATE_OPEN and opens \
        and _RESTATE_ABOUT.search(" " + " ".join(content[:6]) + " ") is not None


def _step_times(toks: tuple[str, ...], times: list[TimeMention]) -> tuple[TimeMention, ...]:
    """Specific future times; "every friday" is a routine, not a slot."""
    return tuple(m for m in times if m.specific and not is_past_context(toks, m)
                 and not (m.start > 0 and toks[m.start - 1] in ("every", "each")))


_REFERENCE_PREPS = {"before", "after", "until", "since", "during", "from", "than", "about", "of", "at", "in",
                    "for", "into", "through", "between", "besides", "despite"}
_FRAGMENT_LEAD = {"so", "ok", "okay", "right", "and", "then", "great", "perfect", "alright", "well", "um", "uh",
                  "yeah", "yes", "cool", "next", "the", "a", "an", "maybe"}


def _governed(pb: Playbook, padded: str, toks: tuple[str, ...], step: StepSpec, question: bool,
              step_times: tuple[TimeMention, ...]) -> bool:
    """Is the step put forward, not just mentioned? A step named by its structure is put forward unless the words
    around it make it something else: a reference to someone's calendar ("before your board review"), a step
    turned away ("we don't need a demo")."""
    lead = toks[step.start - 2:step.start] if step.start > 1 else toks[:step.start]
    if any(t in _REFERENCE_PREPS and t != "for" for t in lead[-2:]) and not (question or step_times) and not (
            lead[-1:] == ("about",) and step.kind != "meeting"):
        return False  # "before your board review": their calendar, not a step
    if step.kind == "meeting" and not step.attendees and not step.purpose and len(step.phrase.split()) <= 4 and (
            toks[step.start:step.start + 1] in (("your",), ("their",)) or lead[-1:] in (("your",), ("their",))) \
            and not any(
            pb.has("future", " " + " ".join(toks[max(0, step.start - 4):step.start]) + " ") for _ in (0,)):
        return False  # "for your friday forecast call": their own meeting
    before = toks[max(0, step.start - 5):step.start]
    return not any(t in ("dont", "no", "not", "without", "never", "doesnt", "cant", "wont", "couldnt") for t in before)


def _answer(pb: Playbook, padded: str, toks: tuple[str, ...], acts: set[Act]) -> tuple[int, bool, int, bool]:
    """How the utterance answers: (strength of its yes, bare, content words beyond the yes, negated)."""
    content = [t for t in toks if t != "|"]
    negated = any(t in _NEGATION for t in content) and content[:2] not in (["no", "problem"], ["no", "worries"])
    explicit = None
    for m in pb.patterns["accept"].finditer(padded):
        ta, tb = tok_at(padded, m.start()), tok_at(padded, m.end() - 1) + 1
        if not _negated_near(toks, ta, tb):
            explicit = m
    assent = None
    for m in pb.patterns["assent"].finditer(padded):
        if not _negated_near(toks, tok_at(padded, m.start()), tok_at(padded, m.end() - 1) + 1):
            assent = m
            break
    rest = pb.patterns["bare_yes"].sub(" ", padded)
    bare = bool(content) and not [t for t in rest.split() if t != "|"]  # nothing beyond assent ("Yeah. Okay.")
    extra = len([t for t in rest.split() if t not in _STOPWORDS and t not in _GENERAL_WORDS and t.isalpha()
                 and len(t) > 2])
    hedge_m = _last(pb.patterns["hedge"], padded)
    yes = explicit if explicit is not None else assent
    if yes is not None:
        acts.add(Act.ACCEPT)
    if hedge_m is not None and not (yes is not None and yes.end() > hedge_m.end() + 1):
        acts.add(Act.HEDGE)  # "yeah, maybe": a hedge; "let me look… yes, the 10th works": settled into a yes
        acts.discard(Act.ACCEPT)
    if Act.DECLINE in acts:
        acts.discard(Act.ACCEPT)  # "yeah, that's not going to happen": a no outranks a yes
    strength = 0 if Act.ACCEPT not in acts else (2 if explicit is not None else 1)
    return strength, bare, extra, negated


@lru_cache(maxsize=8192)
def read(text: str, pb: Playbook) -> Reading:
    """The acts of one utterance under a playbook (pure; cached per text)."""
    norm = normalize(text if isinstance(text, str) else str(text))
    toks = norm.tokens
    padded = f" {norm.text} "
    times = find_times(toks)
    step_times = _step_times(toks, times)
    vague_times = tuple(m for m in times if (m.kind == "vague" or (m.kind in ("datetime", "deadline")
                                                                  and m.approximate))
                        and not is_past_context(toks, m) and not (m.rel_day == 0 and m.hour is None and m.part is None))
    time_spans = {k for m in times for k in range(m.start, m.end)}
    acts: set[Act] = set()
    question = is_question(norm)
    if question:
        acts.add(Act.ASK)
    content = [t for t in toks if t != "|"]

    # what is put forward
    steps = find_steps(pb, padded, toks, time_spans)
    # the most concrete step put forward, not one only talked about ("can you get me that by wednesday, I've got
    # the budget meeting thursday": the shortlist asked for, not their meeting)
    step = next((s for s in steps if not _said_in_past(toks, s) and _governed(pb, padded, toks, s, question,
                                                                                 step_times)), steps[0] if steps else None)
    now = pb.has("do_now", padded) and not step_times
    if now:
        acts.add(Act.DO_NOW)
    hand_back = pb.has("hand_back", padded)
    if hand_back:
        acts.add(Act.HAND_BACK)
    trigger_m = pb.find("triggers", padded)
    if step is not None and step.kind == "callback" and not step.specific and (step_times or trigger_m is not None):
        step = replace(step, specific=True)  # "i'll call you the moment they reply" / "... by 4pm"
    if step is not None and (_said_in_past(toks, step) or now or (hand_back and not step_times)
                             or not _governed(pb, padded, toks, step, question, step_times)):
        step = replace(step, future=False)
    if step is not None and step.future:
        acts.add(Act.PROPOSE if step.specific else Act.VAGUE_STEP)
    if pb.has("vague_step", padded) and Act.PROPOSE not in acts and not now:
        acts.add(Act.VAGUE_STEP)
    if pb.has("send_info", padded) or sends_information(pb, padded, toks):
        acts.add(Act.SEND_INFO)
    future = pb.has("future", re.sub(r" lets (?=you |them |him |her |it |me |people |users )", " allows ", padded))
    offered_two = len(step_times) >= 2 and any("or" in toks[a.end:b.start] for a, b in zip(step_times, step_times[1:]))
    lead = [t for t in toks[:step_times[0].start] if t != "|"] if step_times else []
    scheduling = future or question or (step is not None and step.future) or len(content) <= 6 \
        or pb.has("accept", padded) or pb.has("choose", padded) or offered_two \
        or all(t in _FRAGMENT_LEAD or pb.has("assent", f" {t} ") for t in lead)  # "ok so tuesday at ten"
    if not scheduling:
        step_times = ()  # "the report should land monday or tuesday": a fact, not a time put forward
    if step_times:
        acts.add(Act.OFFER_TIMES)
    if pb.has("choose", padded) and (question or len(step_times) >= 2):
        acts.add(Act.CHOICE)
    trigger = None
    if trigger_m is not None:
        words = padded[trigger_m.start():].split()
        committed = pb.has("trigger_response", padded)  # someone commits to what happens then
        trigger = Trigger(" ".join(words[:12]), committed)

    # how it answers
    busy_at = False
    if pb.has("decline", padded):
        acts.add(Act.DECLINE)
    elif pb.has("time_decline", padded) and (times or re.search(
            r" (?:then|that day|that time|that slot|that week|that 1|those|either) ", padded)):
        acts.add(Act.DECLINE)
        busy_at = not re.search(r" (?:then|that day|that time|that slot|that week|that 1|those|either) ", padded)
    strength, bare, extra, negated = _answer(pb, padded, toks, acts)
    if bare:
        acts.add(Act.BACKCHANNEL)
    retract_m = _last(pb.patterns["retract"], padded)
    if retract_m is not None and not any(m.start() >= retract_m.end() for name in ("accept", "assent",
                                                                                  "invite_accepted")
                                         for m in pb.patterns[name].finditer(padded)
                                         if not _negated_near(toks, tok_at(padded, m.start()),
                                                              tok_at(padded, m.end() - 1) + 1)):
        if not all(t in _PAUSE or pb.has("assent", f" {t} ") for t in content):
            acts.add(Act.RETRACT)  # "hang on… yep, accepted" and "ok, hang on" alone are pauses, not take-backs
    if pb.has("exit", padded):
        acts.add(Act.EXIT)
    if pb.has("ack_request", padded) and (question or (len(content) > 3 and not bare)):
        acts.add(Act.ACK_REQUEST)
    if pb.has("confirm", padded) and (question or _CHECK.search(padded)) and not negated \
            and Act.HAND_BACK not in acts:
        acts.add(Act.CONFIRM)  # a check-in is asked ("is this still a priority?"), not "when you're ready to…"
    if pb.has("summarize", padded) or (_restates(toks) and (_TAG.search(padded) or (
            Act.CONFIRM in acts and len(content) >= 14)) and not step_times and step is None
                                       and Act.HAND_BACK not in acts):
        acts.add(Act.SUMMARIZE)
    if pb.has("invite_now", padded):
        acts.add(Act.INVITE_SENT)
    if pb.has("invite_accepted", padded) and not negated:
        acts.add(Act.INVITE_ACCEPTED)
    if pb.has("smalltalk", padded) and Act.PROPOSE not in acts:
        acts.add(Act.SMALL_TALK)
    objection = None
    for otype in pb.objection_priority:
        if pb.objections[otype].search(padded):
            objection = otype
            break
    if objection is not None:
        acts.add(Act.OBJECTION)
    weak = None
    for wk in pb.weak:
        if wk.pattern.search(padded):
            weak = (wk.name, wk.try_)
            break
    signals: list[tuple[str, str]] = []
    for kind, pats in pb.signals.items():
        if pats["weak"].search(padded):
            signals.append((kind, "weak"))
        elif pats["strong"].search(padded):
            signals.append((kind, "strong"))
    commits = re.search(r" (?:ill|i will|we will|im going to|were going to|im gonna) (?!not |never |have to |need to |"
                        r"think |see |check |try |let |get back |talk |ask |be )", padded) is not None \
        and not negated and Act.HEDGE not in acts and objection is None
    in_times = {toks[k] for m in times for k in range(m.start, m.end)}
    topic = frozenset(t for t in content if t not in _STOPWORDS and not t[:1].isdigit() and len(t) > 2
                      and t not in in_times)
    return Reading(
        acts=frozenset(acts),
        step=step,
        times=step_times,
        vague_times=vague_times,
        trigger=trigger,
        objection=objection,
        weak=weak,
        bare_yes=bare and Act.ACCEPT in acts,
        accept_strength=strength,
        extra_words=extra,
        future=future,
        commits=commits,
        assent_first=Act.ACCEPT in acts and pb.has("assent", " " + " ".join(content[:2]) + " "),
        negated=negated,
        busy_at=busy_at,
        topic=topic,
        signals=tuple(signals),
    )

