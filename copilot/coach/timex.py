"""Time expressions in speech: find them, say whether they are specific, and resolve them to the calendar.

Why hand-written rules rather than a date library: RESEARCH.md found that ``dateparser.search_dates``
hallucinates times in plain words ("we" -> Wednesday), Recognizers-Text is unmaintained, and every
library still needed a layer of rules for speech ("within 48 hours", "by eod", vague phrases, "4th floor",
a.m./p.m. from business hours). The grammar a close needs is small, so the rules *are* the parser; the
calendar arithmetic uses ``python-dateutil`` (already a dependency). This keeps the coach deterministic
and far under a millisecond per utterance.

Input is text already passed through :func:`copilot.coach.text.normalize` (lowercase, digits, no
apostrophes). A :class:`TimeMention` says what was heard; :func:`resolve` turns it into a datetime
relative to the call's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta  # type: ignore[import-untyped]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")  # never the locale's
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
_MONTH_ABBR = {"jan": 1, "feb": 2, "sept": 9, "sep": 9, "oct": 10, "nov": 11, "dec": 12, "aug": 8}
_PARTS = {"morning": "morning", "afternoon": "afternoon", "evening": "evening", "night": "evening",
          "tonight": "evening", "lunch": "noon", "lunchtime": "noon"}
_CLOCK_PREPS = {"at", "by", "around", "until", "till", "til", "before", "after", "from", "about", "for"}
_UNIT_NOUNS = {
    "minutes", "minute", "mins", "min", "hours", "hour", "hrs", "days", "day", "weeks", "week", "months", "month",
    "years", "year", "percent", "people", "person", "teams", "team", "seats", "seat", "times", "of", "grand", "k",
    "dollars", "bucks", "bedrooms", "bedroom", "reps", "users", "licenses", "fields", "pieces", "sdrs", "listings",
    "homes", "houses", "places", "things", "questions", "items", "tickets", "invoices", "calls", "emails",
    "steps", "floors", "floor", "kids", "others", "more", "less", "max", "tops", "million", "hundred",
    "thousand", "miles", "blocks", "feet", "sessions", "options", "slots", "offers", "agents",
}
_ORD_GUARDS = {
    "floor", "time", "round", "one", "ones", "step", "place", "person", "grade", "percent", "century", "call",
    "thing", "item", "option", "slot", "house", "year", "page", "row", "street", "avenue", "ave", "st", "quarter",
    "half", "priority", "choice", "candidate", "interview", "meeting", "stage", "phase", "draft", "version",
    "level", "line", "listing", "property", "home", "visit", "showing", "week", "month", "day", "party", "parties",
    "largest", "biggest", "best", "most", "generation", "gen", "edition",
}
_DATE_LEADS = {"on", "by", "until", "till", "before", "after", "for", "either", "or", "is", "from", "the", "of",
               "than", "|", "and", "its"} | set(WEEKDAYS)
_VAGUE = [
    "next week", "this week", "early next week", "later this week", "early in the week", "later in the week",
    "end of the month", "end of month", "next month", "this month", "later this month", "early next month",
    "next quarter", "this quarter", "early next quarter", "end of the quarter", "end of quarter", "next year",
    "this year", "the new year", "new year", "soon", "sometime", "some time", "at some point", "later",
    "in a bit", "in a while", "a while", "for a while", "a few days", "few days", "a couple of days",
    "couple of days", "a couple days", "couple days", "a few weeks", "few weeks", "a couple of weeks",
    "couple of weeks", "a couple weeks", "couple weeks", "the next few weeks", "the next couple of weeks",
    "the spring", "the summer", "the fall", "the autumn", "the winter", "in spring", "in the spring",
    "in summer", "in fall", "in winter", "after the holidays", "after the new year", "q1", "q2", "q3", "q4",
    "down the line", "down the road", "whenever", "when things calm down", "once things calm down",
    "when things settle down", "once things settle down", "over the weekend", "this weekend", "next weekend",
    "the weekend", "in the future", "one of these days", "eventually", "the day after", "or the day after",
    "in the coming weeks", "coming weeks", "the coming weeks",
]
_VAGUE_MONTH_CUES = {"in", "early", "late", "mid", "by", "until", "around", "during", "before", "after", "since"}
_PAST_TOKENS = {
    "yesterday", "ago", "since", "went", "was", "did", "signed", "renewed", "expired", "happened", "started",
    "sent", "filled", "had", "hinted", "mentioned", "said", "told", "came", "closed", "launched", "failed",
    "crashed", "broke", "dropped", "noticed", "saw", "tried", "finished", "released", "paid", "bought", "sold",
    "moved", "joined", "left", "met", "spoke", "lost", "missed", "sat", "listed",
}
_FUTURE_ED = {
    "scheduled", "booked", "confirmed", "penciled", "pencilled", "planned", "locked", "invited", "proposed",
    "suggested", "offered", "need", "blocked", "reserved", "tentatively", "interested", "based", "excited",
    "freed", "cleared", "opened", "added",
}


_FUTURE_MARKERS = {"ill", "well", "will", "lets", "going", "gonna", "shall", "youll", "shell", "hell", "theyll", "next",
                   "thinking", "hoping", "wondering", "planning", "saying", "suggesting", "asking"}  # "i was thinking monday at 1": a proposal


@dataclass(frozen=True)
class TimeMention:
    """One time expression in one utterance. Token offsets refer to the normalized tokens.

    ``kind``: "datetime" (a day and/or a clock time), "deadline" ("by eod", "by 4pm"), "duration"
    ("within 48 hours"), "sameday" ("that same day"), "now", "vague" or "past".
    """

    start: int
    end: int
    text: str
    kind: str
    weekday: int | None = None
    rel_day: int | None = None
    day: int | None = None
    month: int | None = None
    hour: int | None = None
    minute: int | None = None
    meridiem: str | None = None
    part: str | None = None
    eod: bool = False
    duration: timedelta | None = None
    approximate: bool = False
    by: bool = False

    @property
    def specific(self) -> bool:
        """Precise enough to put in a calendar (or a firm deadline): not vague, not past, not approximate."""
        return self.kind in ("datetime", "deadline", "duration", "sameday") and not self.approximate

    @property
    def has_day(self) -> bool:
        return self.weekday is not None or self.rel_day is not None or self.day is not None



def _vague_seqs() -> list[tuple[str, ...]]:
    from copilot.coach.text import normalize

    return sorted({tuple(normalize(v).tokens) for v in _VAGUE}, key=len, reverse=True)


_VAGUE_SEQS = _vague_seqs()
_VAGUE_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _seq in _VAGUE_SEQS:
    _VAGUE_BY_FIRST.setdefault(_seq[0], []).append(_seq)


def _wd(tok: str) -> int | None:
    t = tok[:-1] if tok.endswith("s") and tok[:-1] in WEEKDAYS else tok
    return WEEKDAYS.index(t) if t in WEEKDAYS else None


def _month(tok: str) -> int | None:
    if tok in MONTHS:
        return MONTHS.index(tok) + 1
    return _MONTH_ABBR.get(tok)


_ORD = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})$")


class _Comp:
    __slots__ = ("end", "fields", "kind", "start")

    def __init__(self, start: int, end: int, kind: str, **fields: object) -> None:
        self.start, self.end, self.kind, self.fields = start, end, kind, fields


def _clock_at(toks: tuple[str, ...], i: int, prev_clock: bool) -> _Comp | None:
    t = toks[i]
    m = _CLOCK.match(t)
    if t in ("noon", "midday"):
        return _Comp(i, i + 1, "clock", hour=12, minute=0, meridiem="pm")
    if t == "midnight":
        return _Comp(i, i + 1, "clock", hour=0, minute=0, meridiem="am")
    if t in ("half", "quarter") and i + 2 < len(toks) and toks[i + 1] in ("past", "after", "to", "til") \
            and _CLOCK.match(toks[i + 2]) and ":" not in toks[i + 2]:
        h = int(toks[i + 2])
        if not 1 <= h <= 12:
            return None
        mins = 30 if t == "half" else 15
        if toks[i + 1] in ("to", "til"):
            h, mins = (h - 1) or 12, 60 - mins
        return _Comp(i, i + 3, "clock", hour=h, minute=mins)
    if not m:
        return None
    hour = int(m.group(1))
    minute = int(m.group(2)) if m.group(2) else 0
    if hour > 23 or minute > 59:
        return None
    nxt = toks[i + 1] if i + 1 < len(toks) else ""
    prev = toks[i - 1] if i > 0 else ""
    end = i + 1
    meridiem = None
    if nxt in ("am", "pm"):
        meridiem = nxt
        end += 1
    elif nxt == "oclock":
        end += 1
    has_colon = m.group(2) is not None
    if meridiem or nxt == "oclock" or (has_colon and hour <= 23):
        pass
    elif nxt in _UNIT_NOUNS:
        return None
    elif prev in _CLOCK_PREPS and prev != "for" and hour <= 12 and hour >= 1 or prev == "or" and prev_clock and 1 <= hour <= 12 or (_wd(prev) is not None or prev in ("today", "tomorrow", "tonight")) and 1 <= hour <= 12:
        pass
    elif i == 0 and len(toks) <= 8 and 1 <= hour <= 12 and _answers_with(toks, i):
        pass  # an answer that is an hour: "eleven please", "two works" (not "one is enough")
    else:
        return None
    if hour > 12 and meridiem:
        meridiem = None
    if hour == 0 and not has_colon:
        return None
    return _Comp(i, end, "clock", hour=hour, minute=minute, meridiem=meridiem)


def _match_seq(toks: tuple[str, ...], i: int, seq: tuple[str, ...]) -> bool:
    return tuple(toks[i:i + len(seq)]) == seq


def _component(toks: tuple[str, ...], i: int, prev_clock: bool) -> _Comp | None:
    t = toks[i]
    n = len(toks)
    nxt = toks[i + 1] if i + 1 < n else ""
    prev = toks[i - 1] if i > 0 else ""
    # vague phrases first (longest first) so "next week" is not "next" + nothing
    for seq in _VAGUE_BY_FIRST.get(t, ()):
        if _match_seq(toks, i, seq):
            if seq == ("soon",) and (prev == "as" or nxt == "as"):
                return None  # "as soon as": a trigger, not a time
            return _Comp(i, i + len(seq), "vague")
    if t in ("end", "close") and toks[i + 1:i + 3] in (("of", "day"), ("of", "business")):
        return _Comp(i, i + 3, "eod", eod=True)
    if t == "end" and toks[i + 1:i + 4] in (("of", "the", "day"), ("of", "the", "week")):
        if toks[i + 3] == "day":
            return _Comp(i, i + 4, "eod", eod=True)
        return _Comp(i, i + 4, "eow")
    if t == "end" and toks[i + 1:i + 3] == ("of", "week"):
        return _Comp(i, i + 3, "eow")
    if t in ("eod", "cob", "eob"):
        return _Comp(i, i + 1, "eod", eod=True)
    if t in ("within", "in") or (t == "the" and prev in ("within", "in")):
        j = i + 1
        if toks[j:j + 2] == ("the", "next"):
            j += 2
        elif j < n and toks[j] == "next":
            j += 1
        num: float | None = None
        if j < n and toks[j].isdigit():
            num = float(toks[j])
            j += 1
        elif toks[j:j + 1] in (("a",), ("an",), ("one",)):
            num = 1.0
            j += 1
        elif toks[j:j + 2] in (("the", "hour"), ("the", "day")) and t == "within":
            num = 1.0  # "within the hour"
            j += 1
        elif toks[j:j + 3] == ("a", "couple", "of") or toks[j:j + 2] == ("a", "couple"):
            return None
        if num is not None and j < n:
            if toks[j] in ("business", "working") and j + 1 < n:
                j += 1
            unit = toks[j]
            mult = {"minute": 1 / 60, "minutes": 1 / 60, "mins": 1 / 60, "hour": 1, "hours": 1, "day": 24,
                    "days": 24, "week": 168, "weeks": 168}.get(unit)
            if mult is not None and (unit.startswith(("minute", "min", "hour", "day")) or num <= 14):
                if unit.startswith("week") and num >= 1:
                    return _Comp(i, j + 1, "vague")
                after = toks[j + 1:j + 3]
                if after and (after[0] in ("from", "away", "drive", "walk") or (after[0] == "of" and len(after) > 1 and after[1] in (
                        "the", "a", "an", "our", "your", "my", "his", "her", "their", "downtown", "work", "here", "there"))):
                    return None  # "within 25 minutes of the hospital": a distance, not a deadline
                return _Comp(i, j + 1, "duration", duration=timedelta(hours=num * mult))
    if (t in ("same", "that") and toks[i:i + 2] in (("same", "day"),)) or toks[i:i + 3] in (
        ("that", "same", "day"), ("the", "same", "day")
    ):
        k = 2 if t == "same" else 3
        return _Comp(i, i + k, "sameday")
    if toks[i:i + 2] in (("that", "afternoon"), ("that", "evening"), ("that", "morning")) and prev != "in":
        return _Comp(i, i + 2, "sameday")
    if t in ("now",) or toks[i:i + 2] == ("right", "now"):
        k = 2 if t == "right" else 1
        return _Comp(i, i + k, "now")
    if t == "today":
        return _Comp(i, i + 1, "day", rel_day=0)
    if t == "tonight":
        return _Comp(i, i + 1, "day", rel_day=0, part="night")
    if t == "tomorrow":
        return _Comp(i, i + 1, "day", rel_day=1)
    if toks[i:i + 4] == ("the", "day", "after", "tomorrow"):
        return _Comp(i, i + 4, "day", rel_day=2)
    if t == "this" and nxt in ("morning", "afternoon", "evening"):
        return _Comp(i, i + 2, "day", rel_day=0, part=_PARTS[nxt])
    if (t.isdigit() or t in ("a", "an", "few", "couple")) and i + 2 < n and toks[i + 2] == "ago" and toks[i + 1] in (
        "days", "day", "weeks", "week", "months", "month", "years", "year", "hours", "hour"
    ):
        return _Comp(i, i + 3, "past")
    if t == "yesterday" or (t == "last" and (nxt in ("night", "week", "month", "year", "quarter", "time", "fall",
                                                        "spring", "summer", "winter", "weekend")
                                             or _wd(nxt) is not None or _month(nxt) is not None)):
        return _Comp(i, i + (1 if t == "yesterday" else 2), "past")
    if t in ("this", "next", "coming") and _wd(nxt) is not None:
        return _Comp(i, i + 2, "day", weekday=_wd(nxt))
    if toks[i:i + 2] == ("this", "coming") and i + 2 < n and _wd(toks[i + 2]) is not None:
        return _Comp(i, i + 3, "day", weekday=_wd(toks[i + 2]))
    wd = _wd(t)
    if wd is not None:
        return _Comp(i, i + 1, "day", weekday=wd)
    mo = _month(t)
    if mo is not None:
        m2 = _ORD.match(nxt) or (nxt.isdigit() and 1 <= int(nxt) <= 31 and re.match(r"^(\d+)$", nxt))
        if m2:
            return _Comp(i, i + 2, "day", day=int(m2.group(1)), month=mo)
        if nxt == "the" and i + 2 < n and _ORD.match(toks[i + 2]):
            return _Comp(i, i + 3, "day", day=int(_ORD.match(toks[i + 2]).group(1)), month=mo)  # type: ignore[union-attr]
        if t not in ("may", "march") and (prev in _VAGUE_MONTH_CUES or prev in ("|", "")):
            return _Comp(i, i + 1, "vague")
        return None
    m = _ORD.match(t)
    if m:
        d = int(m.group(1))
        clock_next = prev == "the" and i + 2 < n and toks[i + 2] in ("to", "am", "pm", "oclock", "till", "until")
        if not 1 <= d <= 31 or nxt in _ORD_GUARDS or (nxt.isdigit() and not clock_next):
            return None  # "the 1st 1 on maple" is a house; "the 9th 9 to 12" is a morning
        if toks[i + 1:i + 2] == ("of",) and i + 2 < n and _month(toks[i + 2]) is not None:
            return _Comp(i - (1 if prev == "the" else 0), i + 3, "day", day=d, month=_month(toks[i + 2]))
        if prev == "the" or prev in _DATE_LEADS or _wd(prev) is not None:
            start = i - 1 if prev == "the" else i
            return _Comp(start, i + 1, "day", day=d)
        if i == 0 and len(toks) <= 4 and _answers_with(toks, i):
            return _Comp(i, i + 1, "day", day=d)  # an answer that is only a date ("nineteenth", "19th works"),
            # not "first off, sure"
        return None
    m = _SLASH.match(t)
    if m and 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31:
        return _Comp(i, i + 1, "day", month=int(m.group(1)), day=int(m.group(2)))
    if t in ("morning", "afternoon", "evening") and prev in ("in", "the", "tomorrow", "friday", "this") or (
        _wd(prev) is not None and t in ("morning", "afternoon", "evening", "night", "mornings", "afternoons")
    ):
        return _Comp(i, i + 1, "part", part=_PARTS.get(t.rstrip("s"), "morning"))
    if t in ("mornings", "afternoons", "evenings"):
        return _Comp(i, i + 1, "part", part=_PARTS[t[:-1]])
    return _clock_at(toks, i, prev_clock)


_JOINERS = {"at", "on", "the", "by", "in", "around", "about", "from", ",", "this", "after", "before", "until",
            "till", "say"}
_BY_VERBS = {"come", "coming", "came", "stop", "stopping", "swing", "swinging", "drop", "dropping", "pop", "popping",
             "go", "going", "walk", "drive", "run", "head", "stand"}  # "come by thursday" is a visit
_APPROX = {"around", "about", "ish", "roughly", "approximately", "probably", "sometime", "some"}
_HEDGED = {"maybe", "perhaps", "possibly"}


def find_times(tokens: tuple[str, ...]) -> list[TimeMention]:
    """Every time expression in a normalized utterance, left to right."""
    comps: list[_Comp] = []
    i = 0
    n = len(tokens)
    prev_clock = False
    while i < n:
        c = _component(tokens, i, prev_clock)
        if c is None:
            if tokens[i] not in ("or", "and", "at", "|"):
                prev_clock = prev_clock and tokens[i] in _JOINERS
            i += 1
            continue
        comps.append(c)
        prev_clock = c.kind == "clock"
        i = max(c.end, i + 1)
    # group adjacent components into mentions
    mentions: list[TimeMention] = []
    group: list[_Comp] = []

    def flush() -> None:
        if group:
            mentions.append(_build(tokens, group))
            group.clear()

    for c in comps:
        if group:
            gap = tokens[group[-1].end:c.start]
            mergeable = all(g in _JOINERS for g in gap) and len(gap) <= 3
            kinds = {g.kind for g in group}
            if not mergeable or c.kind in ("vague", "past", "duration", "now") or kinds & {"vague", "past", "duration",
                                                                                        "now"} or c.kind == "clock" and "clock" in kinds or c.kind == "day" and any(g.kind == "day" for g in group) and not _compatible_days(group, c):
                flush()
        group.append(c)
    flush()
    return _share_meridiem(tokens, mentions)


def _share_meridiem(tokens: tuple[str, ...], mentions: list[TimeMention]) -> list[TimeMention]:
    """'6:30 or 7:30' are both evening; 'thursday evening ... 7:30' too: alternatives share a half of day."""
    out = list(mentions)
    for k in range(1, len(out)):
        a, b = out[k - 1], out[k]
        if a.hour is None or b.hour is None or b.meridiem or b.part or b.hour > 12:
            continue
        if "or" not in tokens[a.end:b.start] or b.start - a.end > 3:
            continue
        ha = _hour24(a)
        if ha is not None and ha >= 12 and 7 <= b.hour <= 11 and 0 <= b.hour - a.hour % 12 <= 3:
            out[k] = replace(b, meridiem="pm")
    return out


def _compatible_days(group: list[_Comp], c: _Comp) -> bool:
    """'tuesday the 14th' is one day; 'tuesday ... wednesday' are two."""
    have = {k for g in group if g.kind == "day" for k, v in g.fields.items() if v is not None}
    new = {k for k, v in c.fields.items() if v is not None}
    return not (have & new)


def _build(tokens: tuple[str, ...], group: list[_Comp]) -> TimeMention:
    start, end = group[0].start, group[-1].end
    fields: dict[str, object] = {}
    kinds = [g.kind for g in group]
    for g in group:
        for k, v in g.fields.items():
            if v is not None and k not in fields:
                fields[k] = v
    prev = tokens[start - 1] if start > 0 else ""
    prev2 = tokens[start - 2] if start > 1 else ""
    after = tokens[end] if end < len(tokens) else ""
    recurring = any(t.endswith("s") and t[:-1] in WEEKDAYS for t in tokens[start:end])  # "thursdays": a habit
    approximate = recurring or (prev in _APPROX and not (prev == "about" and prev2 in ("how", "what"))) \
        or after == "ish" or prev2 == "probably" or prev == "or" and prev2 in ("today", "tomorrow") \
        or (prev in _HEDGED and "clock" not in kinds)  # "monday-ish, maybe tuesday": a day floated, not a slot
    by = (prev in ("before", "until", "till", "no") or (prev == "by" and prev2 not in _BY_VERBS)
          or (prev == "the" and prev2 == "by"))
    bare_today = kinds == ["day"] and fields.get("rel_day") == 0 and fields.get("part") is None and not by
    if "vague" in kinds or bare_today:
        # a bare "today" is mostly "currently" ("where it would land today"); a slot needs a clock time
        kind = "vague"
    elif "past" in kinds:
        kind = "past"
    elif "duration" in kinds:
        kind = "duration"
    elif "sameday" in kinds:
        kind = "sameday"
    elif "now" in kinds:
        kind = "now"
    elif "eow" in kinds:
        kind = "deadline"
        fields.setdefault("weekday", 4)
        fields["eod"] = True
    elif "eod" in kinds or by and ("clock" in kinds or "day" in kinds):
        kind = "deadline"
    elif "day" in kinds or "clock" in kinds:
        kind = "datetime"
    else:  # a bare part of day ("mornings")
        kind = "vague"
    if kind == "datetime" and "clock" not in kinds and fields.get("weekday") is None and fields.get("day") is None \
            and fields.get("rel_day") is None:
        kind = "vague"
    text = " ".join(tokens[start:end])
    return TimeMention(start=start, end=end, text=text, kind=kind, approximate=bool(approximate), by=by,
                       **fields)  # type: ignore[arg-type]


_GOOD = {"fine", "good", "better", "best", "great", "perfect", "ok", "okay", "easier", "ideal", "works", "suits"}


def _answers_with(toks: tuple[str, ...], i: int) -> bool:
    """Is the number at ``i`` (the utterance's first word) said as the answer to "which time?" — "two works",
    "eleven please", "two is better", "the 19th would work" — and not "one is enough", "first off"?"""
    nxt = toks[i + 1] if i + 1 < len(toks) else ""
    after = toks[i + 2:i + 4]
    if nxt in ("", "|", "please", "then", "works", "sounds", "suits", "yeah", "yes", "ok", "it"):
        return True
    if nxt == "is":
        return bool(after) and after[0] in _GOOD
    if nxt == "would":
        return bool(after) and (after[0] in ("work", "suit") or (after[0] == "be" and len(after) > 1 and after[1] in _GOOD))
    return False


def is_past_context(tokens: tuple[str, ...], mention: TimeMention) -> bool:
    """Does the clause before the mention put it in the past ("we signed ... last tuesday", "since monday")?"""
    if mention.kind == "past":
        return True
    lo = max(0, mention.start - 6)
    window = tokens[lo:mention.start]
    if "|" in window:
        window = window[len(window) - window[::-1].index("|"):]
    after = tokens[mention.end:mention.end + 2]
    if "ago" in after:
        return True
    clause = tokens[max(0, mention.start - (24 if mention.by else 10)):mention.start]
    if "|" in clause:
        clause = clause[len(clause) - clause[::-1].index("|"):]
    if any(w in _FUTURE_MARKERS for w in clause):
        return False  # "we'll have it drafted and sent within two hours": a past participle in a future clause
    for w in window[-5:]:
        if w in _PAST_TOKENS:
            return True
    # "renewed on september 1st", "crashed on monday": a past verb right before the date's preposition
    return len(window) >= 2 and window[-1] in ("on", "at", "in", "since", "back") and window[-2].endswith("ed") \
        and len(window[-2]) > 4 and window[-2] not in _FUTURE_ED and not window[-2].endswith("eed")


def _hour24(m: TimeMention) -> int | None:
    if m.hour is None:
        if m.eod:
            return 17
        return {"morning": 9, "afternoon": 14, "evening": 18, "night": 19, "noon": 12}.get(m.part or "")
    h = m.hour
    if h > 12:
        return h
    if m.meridiem == "pm":
        return h if h == 12 else h + 12
    if m.meridiem == "am":
        return 0 if h == 12 else h
    if m.part in ("afternoon", "evening", "night"):
        return h if h == 12 else h + 12
    if m.part == "morning":
        return h
    # business hours: 7-11 morning, 12 noon, 1-6 afternoon, 8-11 could be evening only when said so
    return h if 7 <= h <= 12 else h + 12


def resolve(m: TimeMention, call_date: datetime, base: datetime | None = None) -> datetime | None:
    """The local datetime a specific mention points at, relative to the call's date.

    ``base`` is a date already established for the same step ("thursday evening" ... "7:30"), used when
    the mention carries a clock time only.
    """
    if m.kind not in ("datetime", "deadline", "duration", "sameday"):
        return None
    if m.kind == "duration":
        return call_date + m.duration if m.duration is not None else None
    if m.kind == "sameday":
        return None
    today = call_date.date()
    d: date | None = None
    if m.rel_day is not None:
        d = today + timedelta(days=m.rel_day)
    elif m.day is not None and m.weekday is not None and m.month is None:
        # "tuesday the 14th": the next 14th that falls on a tuesday (within a year), else the next 14th
        probe = today.replace(day=1)
        for _ in range(13):
            try:
                cand = probe.replace(day=m.day)
            except ValueError:
                cand = None
            if cand is not None and cand >= today and cand.weekday() == m.weekday:
                d = cand
                break
            probe = probe + relativedelta(months=1)
        if d is None:
            return resolve(replace(m, weekday=None), call_date, base)
    elif m.day is not None:
        year, month = today.year, m.month or today.month
        try:
            d = date(year, month, m.day)
        except ValueError:
            d = None
        if d is not None and d < today:
            try:
                d = date(year + 1, month, m.day) if m.month else (date(year, month, 1) + relativedelta(months=1)).replace(
                    day=m.day)
            except ValueError:
                d = None
        if d is None:
            return None
    elif m.weekday is not None:
        ahead = (m.weekday - today.weekday()) % 7 or 7
        d = today + timedelta(days=ahead)
    elif base is not None:
        d = base.date()
    else:
        d = today
    h = _hour24(m)
    if h is None and base is not None and base.date() == d and (base.hour or base.minute):
        return base
    minute = m.minute or 0
    if h is None:
        return datetime.combine(d, time(0, 0))
    return datetime.combine(d, time(h % 24, minute))


def with_part(m: TimeMention, part: str | None) -> TimeMention:
    """The same mention with a part of day inherited from context ("thursday evening" -> "7:30")."""
    if part is None or m.part is not None:
        return m
    return replace(m, part=part)


def describe(m: TimeMention, when: datetime | None) -> str:
    """A short spoken form for prompts: "Tuesday at 2pm"."""
    if when is None:
        return m.text
    day = WEEKDAY_NAMES[when.weekday()]
    if m.hour is None and not m.eod and m.part is None:
        return day
    hour = str(when.hour % 12 or 12)
    minute = "" if when.minute == 0 else f":{when.minute:02d}"
    return f"{day} at {hour}{minute}{'am' if when.hour < 12 else 'pm'}"


def classify(text: str, call_date: datetime) -> tuple[str, datetime | None]:
    """The strongest reading of a phrase on its own: ("specific", when) / ("vague", None) / ("past", None) / ("none", None).

    A helper for tests and tools; the coach itself also weighs who said it and in what context.
    """
    from copilot.coach.text import normalize

    toks = normalize(text).tokens
    mentions = find_times(toks)
    best = "none"
    when: datetime | None = None
    for m in mentions:
        if is_past_context(toks, m):
            best = best if best in ("specific", "vague") else "past"
            continue
        if m.specific:
            r = resolve(m, call_date)
            if best != "specific":
                best, when = "specific", r
        elif m.kind in ("vague", "datetime", "deadline") and best in ("none", "past"):
            best = "vague"
    return best, when
