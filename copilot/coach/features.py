"""What one utterance says, on its own: the acts the close tracker reasons about.

Kept apart from the tracker so the per-utterance reading (phrases, times, question form) can be tested
and cached by itself; the tracker only combines these facts across turns (who said it, after what).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from copilot.coach.playbook import Playbook
from copilot.coach.text import Normalized, normalize
from copilot.coach.timex import TimeMention, find_times, is_past_context

_QUESTION_START = {"is", "are", "does", "do", "did", "would", "could", "can", "should", "shall", "what",
                   "when", "where", "which", "who", "whos", "how", "isnt", "doesnt", "wouldnt", "whats", "hows",
                   "whens", "wanna"}
# ambiguous starters: questions only when a pronoun follows ("will that work" vs "will do")
_QUESTION_MAYBE = {"will", "want", "have", "has", "may", "might", "any", "dont", "shall"}
_PRONOUNS = {"you", "that", "it", "this", "they", "we", "he", "she", "i", "me", "there", "anyone", "anything", "either",
             "of", "ya", "your"}
_SEND_VERB = re.compile(r" (?:send|sending|sent|email|emailing|forward|share|sharing|pull|pulling|put together|"
                        r"get (?:\S+ ){0,4}(?:over|to you|to me|across)|text|shoot|pass|drop|mail|set you up|"
                        r"keep you posted|post)(?= )")
_ACTION_STOP = {"|", "where", "so", "which", "if", "because", "once", "as", "when", "or", "then", "but", "that",
                "does", "would", "is", "are", "and", "to", "for", "by", "at", "on", "next", "this", "tomorrow",
                "today", "tonight", "before", "after", "within", "in", "i", "ill", "we", "well", "you", "can", "could",
                "should", "will", "it", "them", "those"}
_LEFT_STOP = _ACTION_STOP | {
    "a", "an", "the", "our", "your", "their", "my", "his", "her", "get", "have", "do", "be", "set", "up", "book",
    "schedule", "suggest", "propose", "recommend", "like", "love", "want", "need", "into", "onto", "of", "about", "was",
    "its", "thats", "whats", "what", "how", "id", "lets", "me", "us", "him", "this", "these", "some", "any", "1",
    "run", "put", "bring", "doing", "having", "with", "just", "also", "really", "maybe", "yes",
    "yeah", "okay", "ok", "great", "sure", "so", "then", "here", "there", "heres", "step", "would", "wed", "could",
    "see", "show", "line", "push", "send", "pull", "got", "ive", "im", "were", "been", "go",
}  # "you and priya": kept when followed by a name-like word (not a verb)

_TRAIL_STOP = {"a", "an", "the", "from", "with", "of", "for", "to", "and", "or", "using", "your", "our", "their", "my",
               "on", "in", "at", "by", "about", "into", "some", "any", "this", "that", "these", "those"}


@dataclass(frozen=True)
class Features:
    """Everything the tracker needs from one utterance's text."""

    norm: Normalized
    times: tuple[TimeMention, ...]
    step_times: tuple[TimeMention, ...]          # specific, future, said as part of a next step
    vague_times: tuple[TimeMention, ...]
    action: str | None                           # a specific action phrase, when one is put forward
    vague_action: bool
    info_action: bool
    proposal: bool                               # phrased as a proposal or a commitment
    commit: bool
    pledge: bool
    trigger: str | None
    accept: bool
    hedge: bool
    settled_after_hedge: bool                    # a yes comes after the last hedge
    defer: bool                                  # "I'll let you know": no answer yet
    decline: bool
    time_decline: bool
    retract: bool
    exit: bool
    deflect: bool
    ack_request: bool
    question: bool
    invite_now: bool
    invite_later: bool
    invite_accepted: bool
    summarize: bool
    confirm: bool
    objection: str | None
    weak: tuple[str, str] | None                 # (kind, try)
    signals: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (kind, strength)
    now_offer: bool = False                      # "right now, or at 4" (an alternative slot)
    or_between_times: bool = False
    vague_step_times: tuple[TimeMention, ...] = ()  # vague times said of a next step ("the plan ... sometime")
    choice: bool = False                         # asks the other side to choose ("which works better")

    @property
    def padded(self) -> str:
        return f" {self.norm.text} "


_MID_QUESTION = re.compile(
    r" (?:would you|could you|can you|can we|could we|should we|should i|would it|would that|does that|does it|"
    r"does (?:\S+ ){1,4}work|do you|is that|is it|are you|will you|will that|did you|would (?:\S+ ){1,4}be worth|"
    r"would \d+ minutes|any of those|either of those|which (?:one|works|is better|would)|what time|"
    r"when (?:could|can|would|do|does|will|are|is)|how about|how does|want me to|sound (?:good|right))(?= |$)"
)


def _is_question(norm: Normalized) -> bool:
    if norm.question_mark:
        return True
    if _MID_QUESTION.search(f" {norm.text} "):
        return True
    toks = norm.tokens
    if not toks:
        return False
    # look at the start of each sentence; ASR text has none, so the start of the utterance
    starts = [0] + [i + 1 for i, t in enumerate(toks) if t == "|" and i + 1 < len(toks)]
    for s in starts:
        first = toks[s]
        if first in ("so", "and", "okay", "ok", "then", "but", "well", "great", "sure", "also", "now") and s + 1 < len(toks):
            first = toks[s + 1]
        if first in _QUESTION_START:
            return True
        k = s + (1 if toks[s] != first else 0)
        if first in _QUESTION_MAYBE and k + 1 < len(toks) and toks[k + 1] in _PRONOUNS:
            return True
    tail = toks[-2:]
    return tail in (("sound", "right"), ("right",)) or toks[-1:] == ("right",)


def _action_text(norm: Normalized, m: re.Match[str], times: tuple[TimeMention, ...]) -> str:
    """The action phrase around a match: the matched words and a few that follow ("... with you and priya")."""
    padded = f" {norm.text} "
    start_tok = padded[: m.start() + 1].count(" ") - 1
    end_tok = padded[: m.end()].count(" ")
    toks = norm.tokens
    start_tok = max(0, min(start_tok, len(toks) - 1))
    end_tok = max(start_tok + 1, min(end_tok, len(toks)))
    time_starts = {t.start for t in times}
    time_ends = {t.end for t in times}
    # a word or two of what kind of step it is ("admin training", "written root-cause report")
    k = 0
    while start_tok > 0 and k < 2 and toks[start_tok - 1] not in _LEFT_STOP and start_tok not in time_ends \
            and not toks[start_tok - 1].isdigit() or (start_tok > 0 and k < 2 and toks[start_tok - 1].isdigit()
                                                       and toks[start_tok].startswith("minute")):
        start_tok -= 1
        k += 1
    j = end_tok
    extra = 0
    while j < len(toks) and extra < 7 and j not in time_starts:
        t = toks[j]
        after_with = toks[j - 1] in ("with", "and", "from") if j > 0 else False
        if after_with and t in ("you", "him", "her", "them", "us", "me", "your", "our", "their"):
            j += 1
            extra += 1
            continue
        if t in _ACTION_STOP and not (t in ("with",)):
            if t == "and" and j + 1 < len(toks) and toks[j + 1] not in _ACTION_STOP and extra and toks[j - 1] in (
                "you", "me", "us", "him", "her"
            ):
                j += 1
                extra += 1
                continue
            break
        j += 1
        extra += 1
    words = [w for w in toks[start_tok:j] if w != "|"]
    while words and words[0] in ("re", "a", "an", "the", "to", "with", "on", "in"):
        words = words[1:]
    while len(words) > 1 and words[-1] in _TRAIL_STOP:
        words = words[:-1]  # "with you and priya from" (the word cap fell mid-phrase): end on a content word
    return " ".join(words).strip()


# words that make a sentence about meeting again, even with no named action ("let's talk sometime next month")
_SCHEDULING = re.compile(r" (?:meet|meeting|talk|speak|call|chat|schedule|book|get together|regroup|reconvene|sync|"
                         r"reconnect|revisit|pick (?:this|it|that) (?:back )?up|go over|get (?:it|this|that) done|"
                         r"do (?:it|this|that))(?= )")
_STEP_REACH = 8  # tokens between a step phrase and its time, for speech-recognition text with no sentence breaks


def _token_at(padded: str, char: int) -> int:
    """The index of the normalized token that starts at (or contains) ``char`` of the padded text."""
    return max(0, padded[: char + 1].count(" ") - 1)


def _vague_step_times(pb: Playbook, norm: Normalized, vague: tuple[TimeMention, ...], info: bool) -> tuple[TimeMention, ...]:
    """The vague times attached to a next step: in the same sentence as, and near, an action or a scheduling
    phrase. "Thanks for making the time today" or a recap's "before the new year" put no step at that time."""
    if not vague:
        return ()
    toks = norm.tokens
    padded = f" {norm.text} "
    spans: list[tuple[int, int]] = []
    names = ["actions", "vague_actions"] + (["info_actions"] if info else [])
    for hit in [x for name in names for x in pb.patterns[name].finditer(padded)] + list(_SCHEDULING.finditer(padded)):
        spans.append((_token_at(padded, hit.start()), _token_at(padded, max(hit.start(), hit.end() - 1)) + 1))
    if not spans:
        return ()
    out = []
    for m in vague:
        if m.rel_day == 0 and m.part is None and m.hour is None:
            continue  # a bare "today" is the present day ("thanks for the time today"), not a slot put off
        if is_past_context(toks, m):
            continue
        for a, b in spans:
            gap = m.start - b if m.start >= b else a - m.end
            lo, hi = min(a, m.start), max(b, m.end)
            if gap <= _STEP_REACH and "|" not in toks[lo:hi]:
                out.append(m)
                break
    return tuple(out)


def _step_times(pb: Playbook, norm: Normalized, times: tuple[TimeMention, ...], context: bool) -> tuple[TimeMention, ...]:
    out = []
    toks = norm.tokens
    for m in times:
        if not m.specific or is_past_context(toks, m):
            continue
        lo = max(0, m.start - 4)
        before = " " + " ".join(toks[lo:m.start]) + " "
        if "|" in before:
            before = " " + before.rsplit("|", 1)[1].strip() + " "
        fact = pb.has("fact_cues", before)
        if fact and not context:
            continue
        if fact and m.start > 0 and toks[m.start - 1] in ("is", "are", "until", "since", "starts", "closes") \
                and not pb.has("propose", f" {norm.text} ") and not pb.has("ack_request", f" {norm.text} ") \
                and not pb.has("actions", before):
            continue  # "month-end close is friday": a fact about the calendar, not a slot ("the demo is friday" is)
        out.append(m)
    return tuple(out)


@lru_cache(maxsize=8192)
def _features_cached(text: str, pb: Playbook) -> Features:
    norm = normalize(text)
    padded = f" {norm.text} "
    times = tuple(find_times(norm.tokens))
    commit = pb.has("commit", padded)
    proposal = pb.has("propose", padded)
    accept = pb.has("accept", padded)
    pledge = pb.has("pledge", padded)
    short = len(norm.tokens) <= 9
    question = _is_question(norm)
    hedge_m = None
    for hedge_m in pb.patterns["hedge"].finditer(padded):
        pass
    # "let me look ... the 10th at 11 works": a yes after the hesitation settles it; "yeah, maybe" does not
    settled = hedge_m is not None and any(a.start() >= hedge_m.end() for a in pb.patterns["accept"].finditer(padded))
    context = commit or proposal or accept or pledge or question or pb.has("actions", padded)
    step_times = _step_times(pb, norm, times, context)
    if not context and not short:
        step_times = ()
    vague_times = tuple(m for m in times if m.kind == "vague" or (m.kind in ("datetime", "deadline") and m.approximate))
    am = pb.find("actions", padded)
    action = _action_text(norm, am, times) if am else None
    info = pb.has("info_actions", padded) and _SEND_VERB.search(padded) is not None
    if not info and am is None and pb.has("requests", padded):
        info = True  # "could you send me three samples": a request for material, not a next step
    if action and info and not re.search(r"(report|analysis|plan|quote|review|proposal|order form|contract|portfolio)",
                                         action):
        # "send the one-pager with the pricing" is information, not a step
        im = pb.find("info_actions", padded)
        if im and am and im.start() <= am.start():
            between = padded[im.end():am.start()].split()
            if len(between) <= 6 and not set(between) & {"and", "ill", "well", "i", "we", "lets", "then", "|", "so",
                                                           "but", "you"}:
                action = None  # "the one-pager for the pilot": the pilot is the topic, sending is the step
    # a call or meeting pinned to a clock time is concrete even without a named purpose
    if action is None and any(t.hour is not None for t in step_times) and re.search(
        r" (?:call|meet|meeting|session|come by|come up|talk|remote|do it|do that|with [a-z]+|see you) ", padded
    ) and not pb.has("vague_actions", padded.replace(" call you ", " ")):
        action = "call at the agreed time"
    trig = pb.find("triggers", padded)
    trigger = None
    if trig is not None:
        toks_after = padded[trig.start():].strip().split()
        trigger = " ".join(toks_after[:12])
    obj = None
    for otype in pb.objection_priority:
        if pb.objections[otype].search(padded):
            obj = otype
            break
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
    now_offer = any(t.kind == "now" for t in times) and any(t.specific for t in times) and " or " in padded
    or_between = False
    st = [t for t in times if t.specific or t.kind == "now"]
    for a, b in pairwise(st):
        if "or" in norm.tokens[a.end:b.start]:
            or_between = True
    vague_step = _vague_step_times(pb, norm, vague_times, info) if vague_times else ()
    return Features(
        norm=norm,
        times=times,
        step_times=step_times,
        vague_times=vague_times,
        action=action or None,
        vague_action=pb.has("vague_actions", padded),
        info_action=info,
        proposal=proposal,
        commit=commit,
        pledge=pledge,
        trigger=trigger,
        accept=accept,
        hedge=hedge_m is not None,
        settled_after_hedge=settled,
        defer=pb.has("defer", padded) and trigger is None and not step_times,
        decline=pb.has("decline", padded),
        time_decline=pb.has("time_decline", padded),
        retract=pb.has("retract", padded),
        exit=pb.has("exit", padded),
        deflect=pb.has("deflect", padded),
        ack_request=pb.has("ack_request", padded),
        question=question,
        invite_now=pb.has("invite_now", padded),
        invite_later=pb.has("invite_later", padded),
        invite_accepted=pb.has("invite_accepted", padded),
        summarize=pb.has("summarize", padded),
        confirm=pb.has("confirm", padded),
        objection=obj,
        weak=weak,
        signals=tuple(signals),
        now_offer=now_offer,
        or_between_times=or_between,
        vague_step_times=vague_step,
        choice=pb.has("choose", padded),
    )


def features(text: str, pb: Playbook) -> Features:
    """The features of one utterance's text under a playbook (cached; pure)."""
    return _features_cached(text if isinstance(text, str) else str(text), pb)


_OBJECT_WORDS = {"me", "us", "you", "them", "him", "her", "it", "over", "across", "just", "quickly", "along"}
_LEAD_WORDS = {"ill", "well", "i", "we", "will", "lets", "let", "us", "can", "could", "you", "just", "should",
               "to", "and", "so", "then", "maybe", "probably"}


def weak_step_phrase(f: Features, pb: Playbook, kind: str) -> str | None:
    """A short phrase for a vague or send-information step ("send some info", "touch base"), in normalized words.

    Such a step has no action phrase of its own; the sentence it was said in ("40% would be huge, but ... could
    you just send me some info") is no action, so only the words that name the step are kept.
    """
    padded = f.padded
    toks = f.norm.tokens

    def words(a: int, b: int) -> list[str]:
        return [w for w in padded[a:b].split() if w != "|"]

    def info() -> str | None:
        im = pb.find("info_actions", padded)
        if im is None:
            return None
        verb = None
        for vm in _SEND_VERB.finditer(padded):
            if vm.start() == im.start():
                return " ".join(words(im.start(), im.end()))  # the phrase names the sending ("send whatever")
            gap = padded[vm.end():im.start()].split()
            if vm.start() < im.start() and len(gap) <= 4 and "|" not in gap:
                verb = vm
        noun = words(im.start(), im.end())
        if verb is None:
            return None
        middle = [w for w in words(verb.end(), im.start()) if w not in _OBJECT_WORDS]
        head = [w for w in words(verb.start(), verb.end()) if w not in _OBJECT_WORDS] or ["send"]
        return " ".join(head[:1] + head[1:] + middle + noun)

    def request() -> str | None:
        rm = pb.find("requests", padded)
        if rm is None:
            return None
        head = [w for w in words(rm.start(), rm.end()) if w not in _OBJECT_WORDS]
        k = padded[: rm.end()].count(" ") - 1  # the token that follows the match
        tail: list[str] = []
        while k < len(toks) and len(tail) < 4 and toks[k] not in _ACTION_STOP:
            tail.append(toks[k])
            k += 1
        return " ".join(head + tail) if tail else None

    def vague() -> str | None:
        vm = pb.find("vague_actions", padded)
        if vm is None:
            return None
        w = words(vm.start(), vm.end())
        while len(w) > 1 and w[0] in _LEAD_WORDS:
            w = w[1:]
        return " ".join(w) or None

    order = (info, request, vague) if kind == "info" else (vague, info, request)
    for fn in order:
        phrase = fn()
        if phrase:
            return phrase
    return None
