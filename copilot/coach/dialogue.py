"""The conversation as a sequence of acts: which steps were put forward, which were answered, and how.

Why a small state machine over acts and not a classifier over the transcript: the method turns on order and
speaker. A yes counts only from the other party, after the step was stated, in answer to *that* step, and only
until it is taken back. So every answer is bound to the open item it answers — the last proposal or question of
the other side's turn just before it, not anything earlier: a yes to "is it Dana with one n?" answers the name
check, a yes to an explanation of pricing answers the explanation, a "mm-hmm" inside the rep's monologue answers
nothing. A goodbye is not a yes, and a bare "ok" before a goodbye or a change of topic is not one either; an
explicit "yes, that works — bye!" is. An objection takes back only the step it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from copilot.coach.acts import Act, Reading, StepSpec, Trigger
from copilot.coach.plan import (
    PROSPECT,
    REP,
    Item,
    Slot,
    Step,
    focal_key,
    matches_any,
    negative_mention,
    other,
    same_action,
    same_slot,
    side_deadline,
    add_slot,
    pick,
    times_into,
    spoken_time,
)
from copilot.coach.timex import TimeMention

_RECENT = 40            # steps recent enough to be answered or restated
_ATTACH_BACK = 6        # utterances back that a time on its own may attach to a step named before it
_RETRACT_BACK = 8       # utterances back that a pronoun in a take-back may point to an agreed step
_SHOWING = 6            # utterances a screen share is taken to last without another cue


class Dialogue:
    """Follows steps across turns. Speakers are "rep"/"prospect" (or turn-taking stand-ins)."""

    def __init__(self, call_date: datetime) -> None:
        self.call_date = call_date
        self.steps: list[Step] = []
        self.speakers: list[str] = []
        self.readings: list[Reading] = []
        self.items: dict[int, list[Item]] = {}
        self.lock_evidence: list[int] = []
        self.propose_evidence: list[int] = []
        self.retractions: list[int] = []
        self._turn_start: list[int] = []
        self._rep_turn_slots: list[TimeMention] = []
        self._rep_turn_choice = False
        self._provisional: tuple[int, Step] | None = None
        self._showing_since: int | None = None  # the rep is showing something on the call (a screen share)
        self._heard = 1.0  # how sure the reading of the utterance being fed is
        self._pending_trigger: tuple[int, str, Trigger] | None = None  # a trigger said before its step
        self._mentions: list[tuple[int, StepSpec]] = []
        self.token_source: Callable[[int], tuple[str, ...]] | None = None  # utterance i's normalised tokens  # steps named, even in passing ("reimaging takes 2 hours")

    def _tokens(self, i: int) -> tuple[str, ...]:
        return self.token_source(i) if self.token_source is not None else ()

    # ------------------------------------------------------------------ turns
    def _prev_turn(self, i: int) -> list[int]:
        """The other speaker's utterances in the turn just before the current speaker's turn."""
        s = self.speakers[i]
        j = i - 1
        while j >= 0 and self.speakers[j] == s:
            j -= 1
        out = []
        while j >= 0 and self.speakers[j] != s:
            out.append(j)
            j -= 1
        return out[::-1]

    def _open_item(self, i: int) -> Item | None:
        """The last item the other side put forward in its turn just before this one (None: it asked nothing)."""
        for k in reversed(self._prev_turn(i)):
            found = self.items.get(k)
            if found:
                return found[-1]
        return None

    def step_on_table(self, speaker: str) -> bool:
        """Would an utterance by ``speaker`` now answer a step the other side put forward in its last turn?"""
        j = len(self.speakers) - 1
        while j >= 0 and self.speakers[j] == speaker:
            j -= 1
        while j >= 0 and self.speakers[j] != speaker:
            if any(item.step is not None for item in self.items.get(j, [])):
                return True
            j -= 1
        return False

    def recent(self) -> list[Step]:
        return self.steps[-_RECENT:]

    def current(self, within: int | None = None, i: int | None = None) -> Step | None:
        """The step stated last (optionally: stated within ``within`` utterances of ``i``)."""
        cands = [s for s in self.recent() if s.stated_at >= 0]
        if within is not None and i is not None:
            cands = [s for s in cands if i - s.stated_at <= within]
        return max(cands, key=lambda s: (s.stated_at, s.index)) if cands else None

    # ------------------------------------------------------------------ main
    def feed(self, i: int, speaker: str, r: Reading) -> list[tuple[str, Step]]:
        """Update with utterance ``i``; return the events it caused (for coaching)."""
        self.speakers.append(speaker)
        self.readings.append(r)
        events: list[tuple[str, Step]] = []
        new_turn = i == 0 or self.speakers[i - 1] != speaker
        if new_turn and speaker == REP:
            self._rep_turn_slots = []
            self._rep_turn_choice = False
        self._revisit_provisional(i, speaker, r)
        self._heard = r.confidence  # a yes read by the learned reader is less sure than one the rules heard
        r = self._in_context(i, speaker, r)
        if r.step is not None:
            self._mentions.append((i, r.step))
        target = self._open_item(i)
        if (target is None or target.step is None) and r.times and r.has(Act.ACCEPT) and not r.has(Act.ASK):
            named = [s for s in self.recent() if s.stated_by and s.stated_by != speaker and s.status != "accepted"
                     and any(matches_any(m, s.offered or s.slots) for m in r.times)]
            if named:  # "then yes, wednesday at one works": the answer names the time on the table
                target = Item(i, max(named, key=lambda s: (s.stated_at, s.index)), True, True)
        responded = False
        if r.has(Act.RETRACT) or self._takes_back(i, speaker, r):
            responded = self._retract(i, speaker, r, events)
        if not responded and target is not None and target.step is not None:
            responded = self._respond(i, speaker, r, target, events)
            if responded and target.step.status == "accepted" and speaker in target.step.agreed_by:
                self._accept_plan(i, speaker, target)
        if any(kind == "retracted" for kind, _ in events):
            r = replace(r, times=(), acts=r.acts - {Act.OFFER_TIMES})  # "can we cancel thursday": the slot named, not offered
        self._state(i, speaker, r, target, responded, events)
        if speaker == REP:
            self._lock_check(i, r)
        return events

    def _in_context(self, i: int, speaker: str, r: Reading) -> Reading:
        """What an utterance puts forward, read in the light of what is happening on the call."""
        if r.has(Act.DO_NOW):
            self._showing_since = i
        elif self._showing_since is not None and (r.future or r.times or i - self._showing_since > _SHOWING):
            self._showing_since = None
        if self._showing_since is not None and r.has(Act.PROPOSE) and not (r.times or r.future or r.trigger):
            # while showing the screen, "so up here you filter by team" describes what is shown, not a next step
            acts = set(r.acts) - {Act.PROPOSE}
            return replace(r, acts=frozenset(acts), step=replace(r.step, future=False) if r.step else None)
        return r

    # ------------------------------------------------------------------ answers
    def _related(self, r: Reading, st: Step) -> bool:
        """Does an answer speak of this step (its time, its words, "then")?"""
        if any(matches_any(m, st.slots) for m in r.times + r.vague_times):
            return True  # "probably thursday could work, let me check" speaks of the thursday slot
        return bool(r.topic & st.topic) or bool({"then", "there"} & set(r.topic))

    def _respond(self, i: int, speaker: str, r: Reading, target: Item, events: list[tuple[str, Step]]) -> bool:
        st = target.step
        assert st is not None
        if st.status == "retracted":
            return False  # "of course, no problem" to a take-back: only a step put forward again can be agreed
        if st.stated_by == speaker and st.status != "accepted" and not self._same_turn(st.stated_at, i):
            return False  # a step this side is itself putting forward: nothing to answer
        if r.has(Act.INVITE_ACCEPTED) and st.invite_sent and not r.has(Act.HEDGE) and not r.has(Act.DECLINE):
            st.invite_accepted = True
            self._accept(st, speaker, i, 1.0)
            return True
        if st.status == "accepted" and speaker in st.agreed_by and st.stated_at <= (st.accepted_at or -1) \
                and not self._same_turn(st.accepted_at, i):
            return False  # agreed in an earlier turn and not asked again: only a take-back changes that
        if r.busy_at and not r.has(Act.HEDGE) and r.objection is None and not any(matches_any(m, st.offered or st.slots) for m in r.times + r.vague_times):
            return False  # "heads up, I have a conference booked on the 3rd": their calendar, not an answer
        said = tuple(m for m in r.times if not negative_mention(self._tokens(i), m))
        chosen = pick(self.call_date, st, replace(r, times=said))
        counter = [m for m in said if not matches_any(m, st.offered or st.slots)]
        refuses_for_info = (r.objection == "send_info" and r.trigger is None and speaker == PROSPECT) or (
            r.has(Act.SEND_INFO) and r.has(Act.DECLINE))  # "as soon as it's done, send me a note" is no brush-off
        if r.has(Act.DECLINE) and not counter and chosen is None:
            self._refuse(st, speaker, i, "declined", events)
            return True
        narrows = bool(counter) and all(any(sl.mention.hour is None and m.hour is not None and same_slot(
            m, replace(sl.mention, hour=m.hour, minute=m.minute)) for sl in (st.offered or st.slots)) for m in counter)
        agrees = r.has(Act.ACCEPT) and not r.has(Act.DECLINE) and not r.has(Act.ASK) and (
            r.accept_strength == 2 or narrows)  # "tomorrow nine yeah": a yes that says the hour
        if counter and not agrees:
            self._counter(st, speaker, i, counter, events)
            return True
        objects = r.objection in ("think_about_it", "discuss_with_team", "not_ready") and r.accept_strength < 2
        if objects and st.status == "accepted" and not self._about(r, st, i):
            return False  # "I still need to think about the pricing": about something else; the step stands
        if r.has(Act.HEDGE) and st.status == "accepted" and speaker in st.agreed_by and r.accept_strength == 0 \
                and st.ack_confidence >= 0.9 and self._same_turn(st.accepted_at, i) and not self._about(r, st, i):
            return False  # "noon tomorrow, yes perfect / then I'll pick who to bring in": a yes stands against a maybe
        if r.has(Act.HEDGE) or objects:
            self._refuse(st, speaker, i, "hedged", events)
            return True
        if refuses_for_info and r.accept_strength < 2:
            self._refuse(st, speaker, i, "declined", events)
            return True
        if chosen is not None:
            st.chosen = chosen
            add_slot(st, self.call_date, chosen.mention, i, speaker, chosen=True)
            self._accept(st, speaker, i, 1.0 if r.accept_strength or not r.has(Act.ASK) else 0.8)
            return True
        if counter and agrees:
            for m in counter:
                add_slot(st, self.call_date, m, i, speaker, chosen=True)
            self._accept(st, speaker, i, 1.0)
            return True
        if r.accept_strength == 2:
            self._accept(st, speaker, i, 1.0)
            return True
        if r.accept_strength == 1:
            if r.has(Act.EXIT) or r.has(Act.SMALL_TALK):
                events.append(("left", st))
                return True
            if r.bare_yes:
                # "mm-hmm" to "does tuesday at 2 work?" is an answer; to a statement it may only be listening
                self._accept(st, speaker, i, 0.85 if target.asked else 0.6)
                self._provisional = (i, st)
                return True
            if (target.asked or r.commits) and r.assent_first and not r.has(Act.ASK):
                # "perfect, perfect, I'll wait for your call then": asked, answered; "yes, deal, I'll nudge them
                # today": a yes and the answerer's own part in it
                self._accept(st, speaker, i, 0.9)
                return True
            if (r.extra_words <= 1 and not r.has(Act.ASK)) or self._related(r, st) or (
                    r.has(Act.PROPOSE) and r.step is not None and same_action(st.action, r.step.phrase)):
                self._accept(st, speaker, i, 0.9)
                return True
            return False  # "yeah so the pricing is…": a discourse marker, then another topic
        if r.commits and not r.has(Act.ASK) and target.step is not None and r.step is None \
                and {"it", "that", "there", "then"} & set(self._tokens(i)):
            self._accept(st, speaker, i, 0.85)  # "I'll block it out", "I'll clear my afternoon for it"
            return True
        if r.has(Act.EXIT):
            events.append(("left", st))
            return True
        return False

    def _same_turn(self, k: int | None, i: int) -> bool:
        """Are utterances k and i (k < i) in one unbroken turn of the same speaker?"""
        if k is None or k > i or k < 0:
            return False
        return all(self.speakers[j] == self.speakers[i] for j in range(k, i + 1))

    def _revisit_provisional(self, i: int, speaker: str, r: Reading) -> None:
        """A bare "mm-hmm" and then the other side goes on putting the same step forward without taking it as an
        answer: it was listening inside a monologue, not agreeing."""
        if self._provisional is None:
            return
        k, st = self._provisional
        self._provisional = None
        if i != k + 1 or speaker == self.speakers[k]:
            return
        reacts = r.accept_strength > 0 or r.has(Act.INVITE_SENT) or r.has(Act.EXIT) or r.bare_yes
        same_step = bool(r.times or r.vague_times or r.trigger or r.has(Act.ACK_REQUEST) or r.has(Act.HAND_BACK)
                         or (r.has(Act.VAGUE_STEP) and r.step is None)
                         or (r.step is not None and same_action(st.action, r.step.phrase)) or (r.topic & st.topic))
        if not reacts and same_step and st._before_provisional is not None and st.accepted_at == k:
            status, agreed, accepted_at, conf = st._before_provisional
            st.status, st.agreed_by, st.accepted_at, st.ack_confidence = status, set(agreed), accepted_at, conf
            if k in st.ack_evidence:
                st.ack_evidence.remove(k)

    def _accept_plan(self, i: int, speaker: str, target: Item) -> None:
        """The other side put several specific steps forward in one turn ("as soon as it lands I'll call you / and
        we'll do the install together"): a yes to the turn is a yes to the plan."""
        assert target.step is not None
        turn = set(self._prev_turn(i))
        for st in self.recent():
            if st is not target.step and st.kind == "specific" and st.status == "pending" and st.stated_at in turn \
                    and st.stated_by != speaker:
                self._accept(st, speaker, i, target.step.ack_confidence)

    def _accept(self, st: Step, speaker: str, i: int, confidence: float) -> None:
        """``speaker`` says yes to ``st``, which the other side put forward (so both have agreed)."""
        confidence = min(confidence, self._heard)
        st._before_provisional = (st.status, set(st.agreed_by), st.accepted_at, st.ack_confidence)
        st.agreed_by.add(other(speaker))
        if st.status != "accepted":
            st.accepted_at = i
            st.ack_confidence = confidence
        else:
            st.ack_confidence = max(st.ack_confidence, confidence)
        st.status = "accepted"
        st.agreed_by.add(speaker)
        if st.stated_by:
            st.agreed_by.add(st.stated_by)
        st.ack_evidence.append(i)

    def _refuse(self, st: Step, speaker: str, i: int, status: str, events: list[tuple[str, Step]]) -> None:
        if st.status == "retracted" and status == "hedged":
            status = "retracted"  # "hold off… I need to ask my boss first": still taken back
        st.status = status
        st.refused_at = i
        st.agreed_by.discard(speaker)
        events.append((status, st))

    def _counter(self, st: Step, speaker: str, i: int, times: list[TimeMention],
                 events: list[tuple[str, Step]]) -> None:
        for m in times:
            add_slot(st, self.call_date, m, i, speaker)
        st.offered = [s for s in st.slots if s.utterance == i]
        st.stated_by, st.stated_at = speaker, i
        st.status, st.agreed_by = "pending", {speaker}
        st.statements.append(i)
        events.append(("counter", st))

    def _takes_back(self, i: int, speaker: str, r: Reading) -> bool:
        """An objection after a yes takes the step back only when it is about that step."""
        if speaker != PROSPECT or r.objection not in ("think_about_it", "discuss_with_team", "not_ready") \
                or r.accept_strength == 2:
            return False  # objections are the other party's
        st = self._agreed_by(speaker)
        if st is None or st.accepted_at is None:
            return False
        return self._about(r, st, i)

    def _about(self, r: Reading, st: Step, i: int) -> bool:
        """Is an objection about this step: its words or time, or only a pronoun soon after the yes ("let me
        think about it")?"""
        return self._related(r, st) or (not (r.topic - _GENERAL) and i - (st.accepted_at or i) <= _RETRACT_BACK)

    def _agreed_by(self, speaker: str) -> Step | None:
        agreed = [s for s in self.steps if speaker in s.agreed_by and s.status == "accepted"]
        return max(agreed, key=lambda s: (s.accepted_at or -1, s.index)) if agreed else None

    def _retract(self, i: int, speaker: str, r: Reading, events: list[tuple[str, Step]]) -> bool:
        st = self._agreed_by(speaker)
        if st is None:
            return False
        moved = [m for m in r.times if not matches_any(m, st.slots)]
        if moved and r.has(Act.RETRACT) and r.objection is None:
            self._counter(st, speaker, i, moved, events)  # "can we push it to friday at 9?": moved, not taken back
            return True
        st.status = "retracted"
        st.retracted_at = i
        st.agreed_by.discard(speaker)
        self.retractions.append(i)
        events.append(("retracted", st))
        return True

    # ------------------------------------------------------------------ what is put forward
    def _state(self, i: int, speaker: str, r: Reading, target: Item | None, responded: bool,
               events: list[tuple[str, Step]]) -> None:
        items: list[Item] = []
        step: Step | None = None
        answered = target.step if target is not None and responded else None
        if r.has(Act.SUMMARIZE) and not r.has(Act.PROPOSE) and not r.times:
            if r.has(Act.ASK):
                items.append(Item(i, None, True))
            self.items[i] = items
            return  # a recap restates the situation; it puts nothing new forward
        own = self._own_turn_step(i, speaker)
        if r.step is not None and r.step.kind == "callback" and not r.step.specific and r.step.future \
                and self._pending_trigger is not None and self._pending_trigger[1] == speaker \
                and i - self._pending_trigger[0] <= 3:
            # "the moment they clear it on their side / (mm-hmm) / I'll call you back": the call-back has its trigger
            r = replace(r, step=replace(r.step, specific=True),
                        acts=frozenset((r.acts - {Act.VAGUE_STEP}) | {Act.PROPOSE}), commits=True)
        if r.has(Act.PROPOSE) and r.step is not None and r.step.purpose == "refers" and self._info_asked(i):
            step = self._find(i, "info", answered) or self._new(i, "info", None, speaker, r)  # "send me the deck" / "I'll get it to you tonight"
        elif r.has(Act.PROPOSE) and r.step is not None and r.has(Act.HEDGE) and not (r.times or r.future):
            pass  # "let me check the panel calendar": a hedge that names a thing, not a step put forward
        elif r.has(Act.PROPOSE) and r.step is not None and not (r.step.kind == "reference" and (
                r.acts & {Act.RETRACT, Act.HEDGE, Act.OBJECTION, Act.SEND_INFO} or "myself" in r.topic)):
            step = self._specific_step(i, speaker, r, answered)
        elif (r.has(Act.VAGUE_STEP) or r.has(Act.HAND_BACK)) and own is not None:
            step = own  # "…and we could do that sometime whenever suits": more about the step just put forward
        elif r.has(Act.VAGUE_STEP) or r.has(Act.HAND_BACK):
            step = self._find(i, "vague", answered) or self._new(i, "vague", None, speaker, r)
        elif r.has(Act.SEND_INFO) and not r.has(Act.DO_NOW):
            step = self._find(i, "info", answered) or self._new(i, "info", None, speaker, r)
        elif (r.times or (r.trigger is not None and r.trigger.committed)) and not (
                answered is not None and (r.has(Act.HEDGE) or r.has(Act.DECLINE)) and answered.status != "pending"):
            # (a time said while hedging or declining is not the step put forward again)
            step = answered or self._attach_point(i, speaker)
            if step is not None and step is not answered and self._elsewhere(r, step):
                step = None  # "anyway, are you driving in tomorrow?": a time, but not for the step
            elif step is None and r.times:
                step = self._new(i, "time", None, speaker, r)
        if r.trigger is not None and step is None:
            self._pending_trigger = (i, speaker, r.trigger)  # "the moment you hear from them, text me" … then the step
        if step is not None and step.status in ("retracted", "declined") and not (r.has(Act.PROPOSE) or r.times):
            step = None  # "just message me once he's decided": a taken-back step is not revived by a hand-back
        if step is not None:
            agreed_slots = [sl for sl in step.slots if step.status == "accepted" and sl.utterance <= (step.accepted_at or -1)]
            if step.chosen is not None and step.status == "accepted":
                agreed_slots = [step.chosen]
            new_times = times_into(step, self.call_date, self._split_times(step, r, i), i, speaker)
            trigger = r.trigger
            if trigger is None and self._pending_trigger is not None and step.kind == "specific":
                k, who, pending = self._pending_trigger
                if who == speaker and i - k <= 3 and (pending.committed or (r.has(Act.PROPOSE) and r.commits)):
                    # "as soon as they've whitelisted it, send me a note / and I'll run the migration that afternoon"
                    trigger = replace(pending, committed=True)
                    self._pending_trigger = None
            if trigger is not None and not r.has(Act.HEDGE):
                if step.trigger is None or trigger.committed:
                    step.trigger = trigger
                    step.trigger_first = not step.has_specific_slot
                    if i not in step.time_evidence:
                        step.time_evidence.append(i)
            if not r.times and r.vague_times and not step.has_specific_slot:
                step.vague_time = r.vague_times[0].text
            restating = responded and step is answered and step.status == "accepted"
            moved = new_times and step.status == "accepted" and bool(agreed_slots) and not any(
                same_slot(m, sl.mention) for m in r.times for sl in agreed_slots)
            if not restating or moved:
                if step.status == "accepted" and (moved or speaker not in step.agreed_by):
                    step.status = "pending"  # a new time after the yes needs a new yes
                if step.status in ("hedged", "declined", "retracted") and (new_times or r.has(Act.PROPOSE)):
                    step.status = "pending"
                if step.status == "pending":
                    step.agreed_by = {speaker}
                step.stated_by, step.stated_at = speaker, i
                if i not in step.statements:
                    step.statements.append(i)
                events.append(("stated", step))
            if speaker == REP and step.kind == "specific" and i not in self.propose_evidence and (
                    r.has(Act.PROPOSE) or new_times or step.trigger is not None):
                self.propose_evidence.append(i)
        if r.has(Act.INVITE_SENT) and speaker == REP:
            st = step or self._best_recent()
            if st is not None:
                st.invite_sent = True
                if st.status != "accepted":
                    st.stated_by, st.stated_at = speaker, i  # the invite asks again; an agreed step stays agreed
                if i not in self.lock_evidence:
                    self.lock_evidence.append(i)
                events.append(("invite", st))
                step = st
        solicits = r.has(Act.ASK) or r.has(Act.ACK_REQUEST) or r.has(Act.CHOICE) or bool(r.times) \
            or r.has(Act.INVITE_SENT)
        asked = r.has(Act.ASK) or r.has(Act.ACK_REQUEST) or r.has(Act.CHOICE)
        if step is not None:
            items.append(Item(i, step, solicits or r.has(Act.PROPOSE), asked))
            if r.has(Act.ASK) and not r.has(Act.ACK_REQUEST) and not r.has(Act.CHOICE) and self._trailing_question(i, r):
                items.append(Item(i, None, True, True))  # "… is it Helen in procurement?": the yes answers that
        elif r.has(Act.ACK_REQUEST) and (st2 := self._best_recent(i)) is not None and r.step is None \
                and (r.extra_words <= 3 or bool(r.topic & st2.topic)):
            items.append(Item(i, st2, True, True))  # "does that work for you?": the step on the table, asked again
        elif r.has(Act.ASK):
            items.append(Item(i, None, True, True))  # a question of its own: a yes to it is a yes to it
        self.items[i] = items

    def _elsewhere(self, r: Reading, st: Step) -> bool:
        """Does an utterance with a time speak of something other than the step (a new topic, no proposal)?"""
        words = set(r.topic) - _GENERAL - _SCHEDULING
        return bool(words) and not (words & st.topic) and not r.future and not r.has(Act.ACCEPT) \
            and not r.has(Act.CHOICE) and not r.has(Act.ACK_REQUEST) and len(r.times) < 2
        # ("thursday at 11, does that work?", "they've given me friday at ten or monday at two": about the step)

    def _trailing_question(self, i: int, r: Reading) -> bool:
        """Does the utterance end on a question of its own after the step ("… and is it Helen in procurement?")?"""
        toks = self._tokens(i)
        end = r.step.end if r.step is not None else (max(m.end for m in r.times) if r.times else 0)
        tail = [t for t in toks[end:] if t != "|"]
        return len(tail) >= 3 and any(t in _QUESTION_WORDS for t in tail[:4]) and not any(
            t in tail for t in ("work", "works", "suit", "ok", "okay", "good", "fine", "sound"))

    def _info_asked(self, i: int) -> bool:
        """Was information (the deck, some details) what the last few utterances asked for or offered?"""
        return any(self.readings[k].has(Act.SEND_INFO) or self.readings[k].objection == "send_info"
                   for k in range(max(0, i - 3), i + 1))

    def _own_turn_step(self, i: int, speaker: str) -> Step | None:
        """The specific step this speaker put forward earlier in the same turn (or the utterance before)."""
        j = i - 1
        while j >= 0 and self.speakers[j] == speaker and i - j <= 3:
            for st in self.steps:
                if st.kind == "specific" and st.stated_at == j and st.stated_by == speaker:
                    return st
            j -= 1
        return None

    def _split_times(self, step: Step, r: Reading, i: int) -> Reading:
        """A deadline for a side deliverable stays with it; the meeting's time goes to the meeting on the table
        ("how about the 15th at 10 — and I'll send the agenda by Friday", "Wednesday the 9th at 11; I'll send the
        confirmation tonight")."""
        sending = r.has(Act.INVITE_SENT) or r.has(Act.SEND_INFO)
        if not r.times or not (step.shape == "deliverable" or step.kind == "info" or sending):
            return r
        cur = [s for s in self.recent() if s is not step and s.kind == "specific" and s.shape != "deliverable"
               and 0 <= i - s.stated_at <= _ATTACH_BACK]
        meeting = max(cur, key=lambda s: s.stated_at) if cur else (step if step.kind == "specific" else None)
        if meeting is None or meeting is step:
            return r  # nothing else on the table: the times are this step's own
        # "by Friday", "tonight" — and a bare day once the meeting has its hour ("the prep note tomorrow")
        own = [side_deadline(m) or (m.hour is None and meeting.has_specific_slot) for m in r.times]
        side = [m for m, o in zip(r.times, own) if o]
        slots = [m for m, o in zip(r.times, own) if not o]
        if slots:
            times_into(meeting, self.call_date, replace(r, times=tuple(slots)), i, self.speakers[i])
            if i not in meeting.statements:
                meeting.statements.append(i)
            meeting.stated_at = max(meeting.stated_at, i)
            if meeting.status != "accepted":
                meeting.stated_by = self.speakers[i]  # this side now puts the meeting forward, at that time
        return replace(r, times=tuple(side))

    def _specific_step(self, i: int, speaker: str, r: Reading, answered: Step | None) -> Step:
        spec = r.step
        assert spec is not None
        if spec.kind == "reference" or (spec.kind == "booking" and not set(spec.phrase.split()) - _REFERENCE_WORDS):
            ref = self._referent(i)
            if ref is not None:
                target = ref
                if i not in target.action_evidence:
                    target.action_evidence.append(i)
                return target
            spec = self._mentioned(i) or spec
        cur = self._same_step(spec.phrase, i)
        if cur is not None:
            target = cur
        elif (t := self._attach_point(i, speaker)) is not None and t.kind == "time" and t.action is None:
            target = t
            target.kind, target.action = "specific", spec.phrase
            if target.status == "accepted" and speaker not in target.agreed_by or target.stated_by != speaker:
                target.status, target.agreed_by = "pending", {speaker}  # the yes was to a time, not to this step
        elif answered is not None and answered.kind == "specific" and not r.has(Act.OFFER_TIMES) \
                and same_action(answered.action, spec.phrase):
            target = answered
        else:
            target = self._new(i, "specific", spec.phrase, speaker, r)
        target.kind = "specific"
        target.shape = target.shape or spec.kind
        target.topic |= set(r.topic) & set(spec.phrase.split())
        if spec.length_minutes:
            target.length_minutes = spec.length_minutes
        if spec.attendees:
            target.attendees = spec.attendees
        if i not in target.action_evidence:
            target.action_evidence.append(i)
        return target

    def _referent(self, i: int) -> Step | None:
        """The specific step that "it"/"that" points to: the one stated last, a few utterances back."""
        cands = [s for s in self.recent() if s.kind == "specific" and 0 <= i - s.stated_at <= _ATTACH_BACK]
        return max(cands, key=lambda s: (s.stated_at, s.index)) if cands else None

    def _mentioned(self, i: int) -> StepSpec | None:
        """A specific step named in passing a few utterances back ("reimaging takes about two hours")."""
        for k, spec in reversed(self._mentions):
            if i - k > _ATTACH_BACK:
                break
            if spec.specific and spec.kind != "reference" and k < i:
                return spec
        return None

    def _same_step(self, phrase: str, i: int) -> Step | None:
        same = [s for s in self.recent() if s.kind == "specific" and same_action(s.action, phrase)]
        return max(same, key=lambda s: (s.stated_at, s.index)) if same else None

    def _attach_point(self, i: int, speaker: str) -> Step | None:
        """The step a time or trigger said on its own belongs to: the one stated last, within a few utterances."""
        st = self.current(_ATTACH_BACK, i)
        return st

    def _best_recent(self, i: int | None = None) -> Step | None:
        cands = [s for s in self.recent() if s.stated_at >= 0 and (i is None or i - s.stated_at <= _ATTACH_BACK)]
        if not cands:
            return None
        return max(cands, key=lambda s: (s.kind == "specific", s.stated_at, s.index))

    def _find(self, i: int, kind: str, answered: Step | None) -> Step | None:
        if answered is not None and answered.kind == kind:
            return answered
        same = [s for s in self.recent() if s.kind == kind and i - s.stated_at <= _ATTACH_BACK]
        return same[-1] if same else None

    def _new(self, i: int, kind: str, action: str | None, speaker: str, r: Reading) -> Step:
        st = Step(index=len(self.steps), kind=kind, action=action, proposer=speaker, first_utterance=i)
        st.topic = set(r.topic)
        self.steps.append(st)
        return st

    def _lock_check(self, i: int, r: Reading) -> None:
        """Lock: the rep offers two or more concrete times to choose from (possibly over several utterances)."""
        for m in r.times:
            if m.kind != "now" and not m.by and not any(same_slot(m, x) and same_slot(x, m)
                                                       for x in self._rep_turn_slots):
                self._rep_turn_slots.append(m)
        self._rep_turn_choice = self._rep_turn_choice or r.has(Act.CHOICE)
        if len(self._rep_turn_slots) >= 2 and r.times and i not in self.lock_evidence:
            self.lock_evidence.append(i)

    # ------------------------------------------------------------------ reading the state
    def focal(self) -> Step | None:
        """The most concrete step put forward (ties: the agreed one, then the earliest)."""
        return max(self.steps, key=focal_key) if self.steps else None


_REFERENCE_WORDS = {"book", "pencil", "lock", "slot", "fit", "squeeze", "sign", "reserve", "you", "u", "us", "him", "her",
                    "them", "both", "in", "it", "that", "this", "get", "put", "me", "down", "pop", "for"}
_QUESTION_WORDS = {"is", "are", "who", "what", "whats", "which", "where", "how", "does", "do", "did", "was", "whos",
                   "wheres", "whose", "can", "could", "spell"}
_SCHEDULING = {"free", "available", "open", "slot", "slots", "works", "work", "suit", "calendar", "diary", "time", "times", "morning",
               "afternoon", "evening", "suit", "suits", "better", "instead", "busy", "booked", "clear", "earlier",
               "later", "sooner", "day", "week", "first", "thing", "half", "quarter", "past", "till", "until",
               "between", "around", "either", "both", "one", "other", "option", "options", "maybe", "perhaps"}
_GENERAL = {"think", "talk", "check", "boss", "team", "wife", "husband", "partner", "manager", "run", "first",
            "before", "need", "want", "let", "over", "actually", "hold", "off", "wait", "sure", "yet", "ready"}


__all__ = ["PROSPECT", "REP", "Dialogue", "Item", "Slot", "Step", "other", "spoken_time"]
