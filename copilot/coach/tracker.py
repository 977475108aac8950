"""The close tracker: combines what each utterance says into next steps, who agreed to them, and when.

Why a small state machine and not a classifier: the method turns on *order and speaker* — a yes only
counts from the other party, after the step was stated, in answer to that step, and only until it is
taken back. Each step remembers who last stated it and how the other side last answered; a response
applies only to the step the other side put forward in the turn just before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from copilot.coach.features import Features
from copilot.coach.timex import TimeMention, describe, resolve, with_part

REP = "rep"
PROSPECT = "prospect"
_RECENT_STEPS = 40


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
    stated_by: str = ""
    stated_at: int = -1
    status: str = "pending"         # pending | accepted | hedged | declined | retracted
    agreed_by: set[str] = field(default_factory=set)
    slots: list[Slot] = field(default_factory=list)
    offered: list[Slot] = field(default_factory=list)
    chosen: Slot | None = None
    vague_time: str | None = None
    trigger: str | None = None
    trigger_utterance: int | None = None
    invite_sent: bool = False
    invite_accepted: bool = False
    action_evidence: list[int] = field(default_factory=list)
    time_evidence: list[int] = field(default_factory=list)
    ack_evidence: list[int] = field(default_factory=list)
    statements: list[int] = field(default_factory=list)
    retracted_at: int | None = None
    refused_at: int | None = None
    accepted_at: int | None = None

    has_specific_slot: bool = False  # kept up to date by the tracker as slots are added

    @property
    def specific_time(self) -> bool:
        return self.has_specific_slot or self.trigger is not None

    @property
    def concreteness(self) -> int:
        return (2 if self.kind == "specific" else 0) + (1 if self.specific_time else 0)

    def best_slot(self) -> Slot | None:
        if self.chosen is not None:
            return self.chosen
        specific = [s for s in self.slots if s.mention.specific]
        meetings = [s for s in specific if not s.mention.by and s.mention.kind == "datetime"]
        return (meetings or specific)[-1] if specific else None

    @property
    def time_kind(self) -> str | None:
        if self.trigger is not None:
            return "trigger"
        return "datetime" if any(s.mention.specific for s in self.slots) else None

    @property
    def appointment(self) -> bool:
        """A meeting at a time (commitment 4), as opposed to a deliverable by a deadline (3)."""
        slot = self.best_slot()
        if slot is None or self.trigger is not None:
            return False
        m = slot.mention
        return m.kind == "datetime" and not m.by and (m.hour is not None or m.part is not None or m.rel_day is not None
                                                      or m.weekday is not None or m.day is not None)


@dataclass
class Tracker:
    """Follows steps across turns. ``speaker`` values are "rep"/"prospect" (or turn-taking stand-ins)."""

    call_date: datetime
    steps: list[Step] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    feats: list[Features] = field(default_factory=list)
    lock_evidence: list[int] = field(default_factory=list)
    propose_evidence: list[int] = field(default_factory=list)
    retractions: list[int] = field(default_factory=list)
    rep_turn_times: int = 0          # specific times offered in the rep's current turn
    rep_turn_slots: list[TimeMention] = field(default_factory=list)  # the meeting times among them
    rep_turn_choice: bool = False    # the rep's current turn asks the other side to choose
    last_mention: tuple[int, str] | None = None  # the latest specific action named, even in passing
    _focal: Step | None = None
    _focal_at: int = -1

    # ------------------------------------------------------------------ turns
    def _prev_turn(self, i: int) -> list[int]:
        """Indices of the other speaker's turn that ended just before the current speaker's turn."""
        s = self.speakers[i]
        j = i - 1
        while j >= 0 and self.speakers[j] == s:
            j -= 1
        out = []
        while j >= 0 and self.speakers[j] != s:
            out.append(j)
            j -= 1
        return out[::-1]

    def _addressed(self, i: int) -> Step | None:
        """The step the other side stated in the turn just before this one (the last one they stated)."""
        prev = set(self._prev_turn(i))
        stated = [st for st in self.recent() if st.stated_at in prev and st.stated_by != self.speakers[i]]
        return max(stated, key=lambda st: (st.stated_at, st.index)) if stated else None

    def current(self) -> Step | None:
        recent = self.recent()
        return max(recent, key=lambda s: (s.stated_at, s.index)) if recent else None

    def current_specific(self) -> Step | None:
        specific = [s for s in self.recent() if s.kind in ("specific", "time")]
        return max(specific, key=lambda s: (s.stated_at, s.index)) if specific else None

    # ------------------------------------------------------------------ main
    def feed(self, i: int, speaker: str, f: Features) -> list[tuple[str, object]]:
        """Update with utterance ``i``; return the events it caused (for coaching)."""
        self.speakers.append(speaker)
        self.feats.append(f)
        if f.action and not f.summarize:
            self.last_mention = (i, f.action)
        events: list[tuple[str, object]] = []
        if i > 0 and self.speakers[i - 1] != speaker and speaker == REP:
            self.rep_turn_times = 0
            self.rep_turn_slots = []
            self.rep_turn_choice = False

        addressed = self._addressed(i)
        if addressed is None and f.step_times and (f.accept or f.hedge or f.decline):
            # an explicit answer naming a time already on the table ("okay fine, tuesday at ten, let's do it")
            open_steps = [s for s in self.recent() if s.stated_by and s.stated_by != speaker and s.slots
                          and any(_matches_any(m, s.slots) for m in f.step_times)]
            if open_steps:
                addressed = max(open_steps, key=lambda s: (s.kind == "specific", s.stated_at, s.index))
        responded = False
        # 1. a retraction takes back the most recent step this speaker had agreed to
        second_thoughts = f.objection in ("think_about_it", "discuss_with_team", "not_ready") and not f.accept \
            and speaker == PROSPECT
        if (f.retract and not (f.accept and f.step_times and not f.decline)) or second_thoughts:
            agreed = [s for s in self.steps if speaker in s.agreed_by and s.status == "accepted"]
            target = max(agreed, key=lambda s: (s.accepted_at or -1, s.index)) if agreed else None
            moved = [m for m in f.step_times if target is not None and not _matches_any(m, target.slots)]
            if target is not None and moved and not second_thoughts:
                # "can we push it to friday at 9?": not taken back, moved - a counter-proposal
                for m in moved:
                    self._add_slot(target, m, i, speaker)
                target.offered = [s for s in target.slots if s.utterance == i]
                target.status, target.agreed_by = "pending", {speaker}
                target.stated_by, target.stated_at = speaker, i
                target.statements.append(i)
                events.append(("counter", target))
                if speaker == REP:
                    self._lock_check(i, f)
                return events
            if target is not None:
                target.status = "retracted"
                target.retracted_at = i
                target.agreed_by.discard(speaker)
                self.retractions.append(i)
                events.append(("retracted", target))
                responded = True
        # 2. a response to what the other side just put forward
        if not responded and addressed is not None:
            responded = self._respond(i, speaker, f, addressed, events)
        countered = any(kind == "counter" for kind, _ in events)
        retracted = [st for kind, st in events if kind == "retracted" and isinstance(st, Step)]
        new_action = f.action is not None and f.proposal and not any(_same_action(st.action, f.action) for st in retracted)
        if retracted and not new_action:
            # taking a step back puts nothing forward - unless a different action is proposed instead
            if speaker == REP:
                self._lock_check(i, f)
            return events
        if speaker == REP:
            self._lock_check(i, f)
        # 3. what this utterance puts forward (a counter-proposal already restated the step it answers)
        if f.invite_now and speaker == REP:
            st = self.current_specific() or self.current()
            if st is not None:
                if f.action and not _same_action(st.action, f.action):
                    self._state(i, speaker, f, addressed, responded, events)
                    st = self.current_specific() or st
                else:
                    self._times_into(st, f, i, speaker, offer=True)
                st.invite_sent = True
                st.stated_by, st.stated_at = speaker, i
                if i not in st.statements:
                    st.statements.append(i)
                if i not in self.lock_evidence:
                    self.lock_evidence.append(i)
                events.append(("invite", st))
        elif not countered or f.action:
            self._state(i, speaker, f, addressed, responded, events)
        return events

    def _respond(self, i: int, speaker: str, f: Features, st: Step, events: list[tuple[str, object]]) -> bool:
        pick = self._pick(st, f)
        if f.exit and pick is None:
            events.append(("left", st))
            return True
        if f.invite_accepted and st.invite_sent and not f.hedge and not f.decline:
            st.invite_accepted = True
            self._accept(st, speaker, i)
            return True
        hedged = (f.hedge and not f.settled_after_hedge) or (
            f.defer and st.kind in ("specific", "time") and speaker == PROSPECT)
        if hedged:
            st.status = "hedged" if st.status != "declined" else st.status
            st.refused_at = i
            st.agreed_by.discard(speaker)
            events.append(("hedged", st))
            return True
        if pick is not None and pick.speaker == "refined" and not f.decline:
            self._add_slot(st, pick.mention, i, speaker)
            st.offered = [st.slots[-1]]
            st.stated_by, st.stated_at = speaker, i
            st.status, st.agreed_by = "pending", {speaker}
            st.statements.append(i)
            events.append(("counter", st))
            return True
        if pick is not None and not _declines_pick(f, pick):
            st.chosen = pick
            self._add_slot(st, pick.mention, i, speaker, chosen=True)
            self._accept(st, speaker, i)
            return True
        # a counter-proposal: new timing from this side, no hedge, no request for information instead
        counter_time = [m for m in f.step_times if not _matches_any(m, st.offered or st.slots)]
        contact_defer = (f.vague_times or f.vague_action) and f.objection == "call_next_week" and not (
            f.accept and not f.decline)
        # "probably sometime next week": an answer about timing, vague, with no hedge or no in it
        asked_when = 0 <= st.stated_at < len(self.feats) and _asks_when(self.feats[st.stated_at])
        vague_answer = bool(f.vague_times) and not f.step_times and not (f.decline or f.hedge or f.defer or f.accept
                                                                       or f.question or f.vague_action) and (
            asked_when or len(f.norm.tokens) <= 6) and st.status != "accepted"
        contact_defer = contact_defer or vague_answer
        if (counter_time or contact_defer) and f.objection != "send_info" and not f.info_action:
            if counter_time and (f.accept and not f.decline and not f.time_decline) and not f.question:
                # "yes - and the 8th works": agreement that also names the time
                for m in counter_time:
                    self._add_slot(st, m, i, speaker, chosen=True)
                self._accept(st, speaker, i)
                return True
            for m in counter_time:
                self._add_slot(st, m, i, speaker)
            if counter_time:
                st.offered = [s for s in st.slots if s.utterance == i]
            if not counter_time and f.vague_times:
                st.vague_time = f.vague_times[0].text
            st.stated_by, st.stated_at = speaker, i
            st.status = "pending"
            st.agreed_by.discard(other(speaker))
            st.agreed_by.add(speaker)
            st.statements.append(i)
            events.append(("counter", st))
            return True
        if f.decline:  # a no outranks a yes ("yeah, that's not going to happen")
            st.status = "declined"
            st.refused_at = i
            st.agreed_by.discard(speaker)
            events.append(("declined", st))
            return True
        if f.accept and (not f.question or _accept_first(f)):
            self._accept(st, speaker, i)
            return True
        return False

    def _accept(self, st: Step, speaker: str, i: int) -> None:
        if st.status != "accepted":
            st.accepted_at = i
        st.status = "accepted"
        st.agreed_by.add(speaker)
        if st.stated_by:
            st.agreed_by.add(st.stated_by)
        st.ack_evidence.append(i)

    def _pick(self, st: Step, f: Features) -> Slot | None:
        if not f.step_times:
            return None
        pool = st.offered or st.slots
        best: tuple[int, Slot] | None = None
        for m in f.step_times:
            for slot in reversed(pool):
                if _same_slot(m, slot.mention):
                    score = _detail(slot.mention) * 2 + (0 if slot.mention.by else 1)
                    if best is None or score > best[0]:
                        refined = _detail(m) > _detail(slot.mention) and m.hour is not None and slot.mention.hour is None
                        merged = m if _detail(m) > _detail(slot.mention) else slot.mention
                        # "thursday mornings" -> "how about thursday at 9:30?" narrows the slot: a new proposal
                        best = (score, Slot(merged, self._resolve(merged, st), -1, "refined" if refined else ""))
        return best[1] if best else None

    def _resolve(self, m: TimeMention, st: Step | None) -> datetime | None:
        base = None
        part = None
        if st is not None:
            for s in reversed(st.slots):
                if s.mention.has_day and base is None:
                    base = s.when
                if s.mention.part and part is None and s.mention.hour is None:
                    part = s.mention.part
        if not m.has_day:
            m = with_part(m, part)
        return resolve(m, self.call_date, base if not m.has_day else None)

    def _add_slot(self, st: Step, m: TimeMention, i: int, speaker: str, chosen: bool = False) -> None:
        slot = Slot(m, self._resolve(m, st), i, speaker)
        st.slots.append(slot)
        if m.specific:
            st.has_specific_slot = True
        if chosen:
            st.chosen = slot
        if i not in st.time_evidence:
            st.time_evidence.append(i)

    def _new_step(self, kind: str, action: str | None, speaker: str, i: int) -> Step:
        st = Step(index=len(self.steps), kind=kind, action=action, proposer=speaker, first_utterance=i)
        self.steps.append(st)
        return st

    def _state(self, i: int, speaker: str, f: Features, addressed: Step | None, responded: bool,
               events: list[tuple[str, object]]) -> None:
        stating = f.proposal or f.commit or f.question or bool(f.step_times)
        target: Step | None = None
        if f.summarize and not f.action and not f.proposal:
            return  # a recap restates the situation; it puts nothing new forward
        if f.exit and not (f.action and f.step_times):
            return  # "anyway, I've got to run - thanks for checking in" puts nothing forward
        if f.action and (f.proposal or f.pledge or f.question or f.step_times or f.trigger):
            cur = self.current_specific()
            if cur is not None and cur.kind == "specific" and _same_action(cur.action, f.action):
                target = cur
            elif cur is not None and cur.kind == "time" and cur.action is None:
                cur.kind, cur.action = "specific", f.action
                target = cur
            elif responded and addressed is not None and addressed.kind == "specific" and not f.proposal:
                target = addressed  # "deal - I'll line them up": agreeing and restating
            else:
                target = self._new_step("specific", f.action, speaker, i)
            if i not in target.action_evidence:
                target.action_evidence.append(i)
        elif f.info_action and stating:
            target = self._find_kind("info", addressed) or self._new_step("info", None, speaker, i)
        elif f.vague_action:
            target = self._find_kind("vague", addressed, recent_only=True) or self._new_step("vague", None, speaker, i)
        elif f.step_times:
            target = addressed or self.current()
            if target is None:
                target = self._new_step("time", None, speaker, i)
                mention = self.last_mention
                if mention is not None and i - mention[0] <= 4:
                    # "the next round is a panel ..." then "they've offered monday at 10 or tuesday at 2"
                    target.kind, target.action = "specific", mention[1]
                    target.action_evidence.append(mention[0])
        elif (f.ack_request or (f.question and f.proposal)) and speaker == REP:
            # "and monday?" / "should I hold one of those slots?": the step again, nothing new
            cur = self.current_specific() or self.current()
            if cur is not None and cur.status not in ("accepted", "retracted"):
                cur.stated_by, cur.stated_at = speaker, i
                cur.statements.append(i)
            return
        if target is None:
            if f.trigger and addressed is not None:
                target = addressed
            else:
                return
        if responded and target is addressed and target.status == "accepted" and not f.proposal:
            # agreeing and adding detail ("yeah, I'll get it to you by friday"): stays agreed
            self._times_into(target, f, i, speaker, offer=False)
            self._trigger(target, f, i)
            return
        new_times = self._times_into(target, f, i, speaker, offer=True)
        self._trigger(target, f, i)
        if responded and target is addressed and not new_times and target.status in ("hedged", "declined"):
            return
        target.stated_by, target.stated_at = speaker, i
        target.statements.append(i)
        if target.status in ("accepted",) and speaker not in target.agreed_by:
            target.status = "pending"
        if target.status in ("hedged", "declined") and (new_times or f.action):
            target.status = "pending"
        if target.status == "retracted" and (new_times or f.action):
            target.status = "pending"
        if target.status == "pending":
            target.agreed_by = {speaker}
        if speaker == REP and target.kind == "specific" and (
            f.proposal or f.question or f.step_times or target.trigger is not None
        ) and i not in self.propose_evidence:
            self.propose_evidence.append(i)
        events.append(("stated", target))

    def _find_kind(self, kind: str, addressed: Step | None, recent_only: bool = False) -> Step | None:
        if addressed is not None and addressed.kind == kind:
            return addressed
        if recent_only:
            return None
        same = [s for s in self.recent() if s.kind == kind]
        return same[-1] if same else None

    def _times_into(self, st: Step, f: Features, i: int, speaker: str, offer: bool) -> bool:
        added = False
        fresh = [m for m in f.step_times if m.kind != "now"]
        if offer and fresh:
            offered = [Slot(m, self._resolve(m, st), i, speaker) for m in fresh]
            # a deadline for a side deliverable ("agenda by friday") does not replace the slot on the table
            side_deadline = all(m.by for m in fresh) and any(not s.mention.by for s in st.offered)
            if (len(fresh) >= 2 or not st.offered or speaker == st.proposer) and not side_deadline:
                st.offered = offered
        for m in fresh:
            self._add_slot(st, m, i, speaker)
            added = True
        if not fresh and f.vague_times and st.kind != "specific" or (not fresh and f.vague_times and not st.slots):
            st.vague_time = f.vague_times[0].text
        return added

    def _lock_check(self, i: int, f: Features) -> None:
        """Lock: the rep offers two or more concrete times to choose from (possibly split across utterances)."""
        specific = [m for m in f.step_times if m.specific or m.kind == "now"]
        starts_or = bool(f.norm.tokens) and f.norm.tokens[0] == "or"
        offered_two = (f.or_between_times and len(specific) >= 2) or (f.now_offer and specific) or (
            starts_or and self.rep_turn_times >= 1 and specific)
        # the connector is often misheard ("2pm for on thursday at 10"): two distinct times in the rep's turn and a
        # question that asks the other side to pick is the same offer
        for m in specific:
            if m.kind != "now" and not m.by and not any(_same_slot(m, x) and _same_slot(x, m) for x in self.rep_turn_slots):
                self.rep_turn_slots.append(m)
        self.rep_turn_choice = self.rep_turn_choice or f.choice
        offered_two = offered_two or (self.rep_turn_choice and len(self.rep_turn_slots) >= 2 and bool(specific or f.choice))
        if offered_two and i not in self.lock_evidence:
            self.lock_evidence.append(i)
        self.rep_turn_times += len(specific)

    def _trigger(self, st: Step, f: Features, i: int) -> None:
        if f.trigger is None or f.hedge:
            return
        bounded = any(m.kind in ("duration", "sameday") for m in f.times)
        if bounded or (f.action and f.commit):
            st.trigger = f.trigger
            st.trigger_utterance = i
            if i not in st.time_evidence:
                st.time_evidence.append(i)

    # ------------------------------------------------------------------ reading
    def focal(self) -> Step | None:
        """The most concrete step put forward (ties: the agreed one, then the earliest); cached per utterance."""
        if self._focal_at != len(self.speakers):
            self._focal = max(self.steps, key=_focal_key) if self.steps else None
            self._focal_at = len(self.speakers)
        return self._focal

    def recent(self) -> list[Step]:
        """Steps recent enough to be answered or restated (old ones stay in ``steps`` for the verdict)."""
        return self.steps[-_RECENT_STEPS:]


def _accept_first(f: Features) -> bool:
    toks = f.norm.tokens
    return bool(toks) and toks[0] in ("yes", "yeah", "yep", "sure", "okay", "ok", "great", "perfect", "deal",
                                      "absolutely", "definitely")


def _declines_pick(f: Features, pick: Slot) -> bool:
    toks = f.norm.tokens
    neg = {"not", "doesnt", "dont", "cant", "wont", "tough", "packed", "awful", "busy", "out", "isnt", "no"}
    for m in f.step_times:
        if _same_slot(m, pick.mention):
            window = toks[m.end:m.end + 3]
            before = toks[max(0, m.start - 2):m.start]
            return any(w in neg for w in window) or any(w in ("not", "no") for w in before)
    return False


def _same_slot(a: TimeMention, b: TimeMention) -> bool:
    """Does a mention pick an offered slot? 'wednesday at 10' picks 'wednesday the 15th at 10'."""
    checks = 0
    for x, y in ((a.weekday, b.weekday), (a.day, b.day), (a.rel_day, b.rel_day), (a.hour, b.hour)):
        if x is not None and y is not None:
            if x != y:
                return False
            checks += 1
    if a.minute and b.minute is not None and a.hour is not None and b.hour is not None and a.minute != b.minute:
        return False
    if checks == 0 and a.part and b.part and a.part == b.part and (a.weekday == b.weekday):
        return True
    if checks == 0 and a.part and (a.weekday is not None and a.weekday == b.weekday):
        return True
    if checks == 0 and a.weekday is not None and a.weekday == b.weekday:
        return True
    return checks > 0


def _focal_key(s: Step) -> tuple[int, bool, bool, int]:
    specific = s.kind == "specific"
    return ((2 if specific else 0) + (1 if s.has_specific_slot or s.trigger is not None else 0),
            s.status == "accepted", s.kind != "info", -s.index)


def _asks_when(f: Features) -> bool:
    """Did this utterance ask for a time ("when is a good time", "what day works")?"""
    text = f" {f.norm.text} "
    return f.question and any(k in text for k in (" when ", " what time ", " what day ", " which day ", " what works "))


def _detail(m: TimeMention) -> int:
    return sum(x is not None for x in (m.weekday, m.day, m.rel_day, m.hour)) + (m.minute is not None and m.hour is not None)


def _matches_any(m: TimeMention, slots: list[Slot]) -> bool:
    return any(_same_slot(m, s.mention) for s in slots)


def _same_action(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    stop = {"a", "an", "the", "with", "you", "your", "and", "on", "of", "for", "to", "call", "at", "agreed", "time"}
    wa = {w for w in a.split() if w not in stop}
    wb = {w for w in b.split() if w not in stop}
    return not wa or not wb or bool(wa & wb) or b == "call at the agreed time" or a == "call at the agreed time"


def spoken_time(step: Step) -> str | None:
    slot = step.best_slot()
    if slot is None:
        return None
    return describe(slot.mention, slot.when)
