"""The plan a conversation builds: next steps, the times offered for them, the items awaiting an answer.

Data and small pure helpers shared by the dialogue tracker (``copilot.coach.dialogue``) and the coach: how a
step is represented as it develops, how a time said now matches a slot offered earlier, which step is the most
concrete, and how a step's time is said back to the rep.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from copilot.coach.acts import Reading, Trigger
from copilot.coach.timex import TimeMention, describe, resolve, with_part

REP = "rep"
PROSPECT = "prospect"


def other(speaker: str) -> str:
    return PROSPECT if speaker == REP else REP


@dataclass
class Slot:
    mention: TimeMention
    when: datetime | None
    utterance: int
    speaker: str


@dataclass
class Step:
    """One next step as it develops: stated, re-timed, answered, maybe taken back."""

    index: int
    kind: str                       # "specific" | "vague" | "info" | "time"
    action: str | None
    proposer: str
    first_utterance: int
    shape: str = ""                 # the step's structure ("meeting", "deliverable", "callback", ...)
    stated_by: str = ""
    stated_at: int = -1
    status: str = "pending"         # pending | accepted | hedged | declined | retracted
    agreed_by: set[str] = field(default_factory=set)
    slots: list[Slot] = field(default_factory=list)
    offered: list[Slot] = field(default_factory=list)
    chosen: Slot | None = None
    vague_time: str | None = None
    trigger: Trigger | None = None
    invite_sent: bool = False
    invite_accepted: bool = False
    action_evidence: list[int] = field(default_factory=list)
    time_evidence: list[int] = field(default_factory=list)
    ack_evidence: list[int] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    topic: set[str] = field(default_factory=set)
    retracted_at: int | None = None
    refused_at: int | None = None
    accepted_at: int | None = None
    ack_confidence: float = 0.0
    length_minutes: int | None = None
    attendees: tuple[str, ...] = ()
    _before_provisional: tuple[str, set[str], int | None, float] | None = None

    @property
    def has_specific_slot(self) -> bool:
        return any(s.mention.specific for s in self.slots)

    @property
    def specific_time(self) -> bool:
        return self.has_specific_slot or (self.trigger is not None and self.trigger.committed)

    def best_slot(self) -> Slot | None:
        if self.chosen is not None:
            return self.chosen
        specific = [s for s in self.slots if s.mention.specific]
        meetings = [s for s in specific if not s.mention.by and s.mention.kind == "datetime"]
        return (meetings or specific)[-1] if specific else None

    @property
    def time_kind(self) -> str | None:
        if self.has_specific_slot and self.trigger is None:
            return "datetime"
        if self.trigger is not None and self.trigger.committed:
            relative = all(s.mention.kind == "duration" for s in self.slots if s.mention.specific)
            # "once it confirms, I'll schedule it within 48 hours": the hours count from the trigger
            return "trigger" if not self.has_specific_slot or self.trigger_first or relative else "datetime"
        return "datetime" if self.has_specific_slot else None

    trigger_first: bool = False

    @property
    def appointment(self) -> bool:
        """A meeting at a time (commitment 4), as opposed to a deliverable by a deadline (3)."""
        slot = self.best_slot()
        if slot is None or self.time_kind != "datetime":
            return False
        m = slot.mention
        return m.kind == "datetime" and not m.by and (m.hour is not None or m.part is not None or m.rel_day is not None
                                                      or m.weekday is not None or m.day is not None)


@dataclass(frozen=True)
class Item:
    """Something one side put on the table that the other side may answer."""

    utterance: int
    step: Step | None       # the step it is about; None for a question or statement of its own
    solicits: bool          # calls for an answer (a proposal, times to choose from, a question)
    asked: bool = False     # asked in so many words ("does that work?", "which is better?")


_SHAPE_RANK = {"meeting": 3, "visit": 3, "callback": 3, "booking": 3, "activity": 3, "reference": 2, "deliverable": 1}
def focal_key(s: Step) -> tuple[bool, bool, bool, int, bool, bool, int]:
    """The most concrete step: a specific action, then with a time, agreed, a meeting over a side deliverable."""
    specific = s.kind == "specific"
    return (specific, specific and s.specific_time, s.status == "accepted", _SHAPE_RANK.get(s.shape, 0),
            s.kind in ("vague", "info"), s.specific_time, -s.index)


def same_slot(a: TimeMention, b: TimeMention) -> bool:
    """Does a mention pick an offered slot? 'wednesday at 10' picks 'wednesday the 15th at 10'."""
    checks = 0
    for x, y in ((a.weekday, b.weekday), (a.day, b.day), (a.rel_day, b.rel_day), (a.hour, b.hour)):
        if x is not None and y is not None:
            if x != y:
                return False
            checks += 1
    if a.minute and b.minute is not None and a.hour is not None and b.hour is not None and a.minute != b.minute:
        return False
    if checks == 0 and a.part and (a.weekday is not None and a.weekday == b.weekday):
        return True
    if checks == 0 and a.weekday is not None and a.weekday == b.weekday:
        return True
    return checks > 0


_NEGATIVE_NEAR = {"out", "busy", "cant", "not", "no", "tough", "rough", "bad", "booked", "away", "packed", "impossible",
                  "doesnt", "wont", "dont", "isnt", "tricky", "hard", "difficult", "awful", "off", "traveling",
                  "travelling", "slammed", "nightmare"}


def side_deadline(m: TimeMention) -> bool:
    """A time for sending something rather than for meeting: "by Friday", "tonight", "this afternoon", "end of day"."""
    return m.by or m.eod or m.kind in ("deadline", "duration", "sameday") or (m.hour is None and m.part is not None)


def negative_mention(toks: tuple[str, ...], m: TimeMention) -> bool:
    """A time said as unavailable ("Kenji's out Thursday afternoon", "Monday mornings are rough")."""
    after = toks[m.end:m.end + 3]
    if "|" in after:
        after = after[:after.index("|")]
    k = m.start - 1
    while k >= 0 and m.start - k <= 3 and toks[k] in ("on", "the", "for", "at", "in", "this", "that", "next"):
        k -= 1  # "a trip booked on the 12th": only little words between
    around = toks[k:k + 1] + after if k >= 0 else after  # "Kenji's out Thursday", "booked on the 12th"
    return any(t in _NEGATIVE_NEAR for t in around)


def detail(m: TimeMention) -> int:
    return sum(x is not None for x in (m.weekday, m.day, m.rel_day, m.hour)) + (m.minute is not None and m.hour is not None)


def matches_any(m: TimeMention, slots: list[Slot]) -> bool:
    return any(same_slot(m, s.mention) for s in slots)


_ACTION_STOP = {"a", "an", "the", "with", "you", "your", "and", "on", "of", "for", "to", "call", "at", "me", "us",
                "our", "my", "ill", "well", "have", "get", "book", "set", "up", "session", "meeting", "quick", "short"}


def same_action(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    wa = {w for w in a.split() if w not in _ACTION_STOP}
    wb = {w for w in b.split() if w not in _ACTION_STOP}
    return bool(wa & wb) or (not wa and not wb)


def spoken_time(step: Step) -> str | None:
    slot = step.best_slot()
    if slot is None:
        return None
    return describe(slot.mention, slot.when)


def times_into(st: Step, call_date: datetime, r: Reading, i: int, speaker: str) -> bool:
    """Add the times an utterance names to a step (they become what is on offer, unless they are a side deadline)."""
    fresh = [m for m in r.times if m.kind != "now"]
    if not fresh:
        return False
    offered = [Slot(m, resolve_for(call_date, m, st), i, speaker) for m in fresh]
    side = all(m.by for m in fresh) and any(not s.mention.by for s in st.offered)
    if not side:
        st.offered = offered
    for m in fresh:
        add_slot(st, call_date, m, i, speaker)
    return True


def pick(call_date: datetime, st: Step, r: Reading) -> Slot | None:
    """The offered slot an answer chooses ("wednesday at 10" picks "wednesday the 15th at 10"), if any."""
    if not r.times:
        return None
    pool = st.offered or st.slots
    best: tuple[int, Slot] | None = None
    for m in r.times:
        for slot in reversed(pool):
            if slot.mention.hour is None and m.hour is not None:
                continue  # "thursday mornings" → "how about thursday at 9:30?" narrows it: a new proposal
            if same_slot(m, slot.mention):
                score = detail(slot.mention) * 2 + (0 if slot.mention.by else 1)
                if best is None or score > best[0]:
                    merged = m if detail(m) > detail(slot.mention) else slot.mention
                    best = (score, Slot(merged, resolve_for(call_date, merged, st), -1, ""))
    return best[1] if best else None


RECENT_SLOTS = 64  # a time is read in the light of the step's recent times; bounded so a pasted monologue stays linear


def resolve_for(call_date: datetime, m: TimeMention, st: Step | None) -> datetime | None:
    """A mention resolved in the light of the step's other times ("thursday evening" … "7:30")."""
    base = None
    part = None
    if st is not None:
        for s in reversed(st.slots[-RECENT_SLOTS:]):
            if s.mention.has_day and base is None:
                base = s.when
            if s.mention.part and part is None and s.mention.hour is None:
                part = s.mention.part
            if base is not None and part is not None:
                break
    if not m.has_day:
        m = with_part(m, part)
    return resolve(m, call_date, base if not m.has_day else None)


def add_slot(st: Step, call_date: datetime, m: TimeMention, i: int, speaker: str, chosen: bool = False) -> None:
    slot = Slot(m, resolve_for(call_date, m, st), i, speaker)
    st.slots.append(slot)
    if chosen:
        st.chosen = slot
    if i not in st.time_evidence:
        st.time_evidence.append(i)
