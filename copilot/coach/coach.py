"""The coach: final utterances in, the close state out after each one, and the verdict at the end.

Pure and deterministic (no clock, no I/O after the playbook and the optional learned reader are loaded), so the
live call, the file analysis and the tests get the same answer for the same words. Each utterance is read into
dialogue acts once (``copilot.coach.reader``); the conversation over those acts is followed by
``copilot.coach.dialogue``; this module turns that into the checklist, the coaching moments and the prompt.
"""

from __future__ import annotations

import bisect
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from copilot.coach.acts import Act, Reading
from copilot.coach.dialogue import PROSPECT, REP, Dialogue, Step, other, spoken_time
from copilot.coach.learned import default_reader
from copilot.coach.learned.head import ActReader
from copilot.coach.learned.refine import refine
from copilot.coach.playbook import Playbook, load_playbook
from copilot.coach.reader import read
from copilot.coach.suggest import Suggester, Suggestion
from copilot.coach.state import (
    CRITERIA,
    STAGES,
    CloseState,
    CoachingMoment,
    CommitmentSignal,
    Criterion,
    Evidence,
    Metrics,
    NextStep,
    Objection,
    Stage,
    SuggestedStep,
    Verdict,
    WeakNextStep,
)
from copilot.coach.text import normalize, restore_case
from copilot.coach.timex import WEEKDAY_NAMES
from copilot.session.utterance import Utterance

log = logging.getLogger(__name__)

_MAX_SECONDS = 1e7
_TURN_JOIN = 2  # earlier utterances of the same turn read together with a new one (ASR splits sentences)
UNCLEAR_BELOW = 0.7  # a criterion met with less confidence than this shows as unclear


@dataclass(frozen=True)
class _Utt:
    speaker: str      # as given
    role: str         # as reasoned about (turn-taking stand-in when speakers are not separated)
    start: float
    end: float
    text: str
    speaker_confidence: float = 1.0  # below 1 when the voices of a mono recording were told apart by sound


def _finite(x: Any, default: float) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return default
    if not math.isfinite(v):
        return default
    return min(max(v, 0.0), _MAX_SECONDS)  # seconds from the call's start: never negative, never absurd


def initial_state() -> CloseState:
    return CloseState(
        criteria={name: Criterion() for name in CRITERIA},
        stages={name: Stage() for name in STAGES},
        next_step=None,
        next_steps_secured=False,
        commitment_level=1,
        prompt="",
    )


class Coach:
    """Feed final utterances in time order; read ``state`` any time and ``verdict()`` at the end."""

    def __init__(self, call_date: datetime, vertical: str = "sales", speakers_separated: bool = True,
                 playbook_dir: Path | None = None, learned: ActReader | None = None,
                 free_slots: Sequence[datetime] = ()) -> None:
        """``learned``: the learned act reader (``copilot.coach.learned``); None takes the process-wide one,
        loaded once, unless it was switched off (``use_learned(False)``) or cannot be loaded. ``free_slots``: the
        free times in the rep's calendar to offer when proposing and locking the step (``copilot.calendar``)."""
        if not isinstance(call_date, datetime):
            raise TypeError(f"the call's date must be a datetime, not {type(call_date).__name__}")
        self.call_date = call_date.replace(tzinfo=None, microsecond=0)
        self.playbook: Playbook = load_playbook(vertical, playbook_dir)
        self.vertical = self.playbook.vertical
        self.speakers_separated = bool(speakers_separated)
        self.free_slots = tuple(t.replace(tzinfo=None, second=0, microsecond=0) for t in free_slots)[:2]
        self._learned = learned if learned is not None else default_reader()
        self._dialogue = Dialogue(self.call_date)
        self._dialogue.token_source = lambda k: normalize(self._utts[k].text).tokens
        self._utts: list[_Utt] = []
        self._readings: list[Reading] = []
        self._objections: list[Objection] = []
        self._weak: list[WeakNextStep] = []
        self._signals: list[CommitmentSignal] = []
        self._coaching: list[CoachingMoment] = []
        self._coaching_seen: set[CoachingMoment] = set()
        self._summarize: list[int] = []
        self._confirm: list[int] = []
        self._open_objection: int | None = None
        self._await_ack: tuple[int, Step] | None = None
        self._talk: dict[str, float] = {REP: 0.0, PROSPECT: 0.0}
        self._questions: dict[str, int] = {REP: 0, PROSPECT: 0}
        self._mono: dict[str, Any] = {}
        self._run: tuple[str, float, float] | None = None
        self._lock_praised = False
        self._control_coached: set[int] = set()
        self._clarity_coached: set[str] = set()
        self._suggester = Suggester(self.playbook.next_steps)
        self._concern_open = False   # the other party voiced a worry the rep has not answered yet
        self._timeline_open = False  # the other party played the timeline down ("no rush") and the rep has not answered
        self._timeline_heard = False  # the other party shared a timeline
        self._state = self._with_prompt(initial_state(), None)

    # ---------------------------------------------------------------- public
    @property
    def state(self) -> CloseState:
        return self._state

    @property
    def dialogue(self) -> Dialogue:
        return self._dialogue

    @property
    def utterances(self) -> tuple[Utterance, ...]:
        return tuple(Utterance(u.speaker, u.start, u.end, u.text, speaker_confidence=u.speaker_confidence)
                     for u in self._utts)

    def feed(self, utterance: Utterance) -> CloseState:
        """Add one final utterance (in time order) and return the new close state."""
        i = len(self._utts)
        given = getattr(utterance, "speaker", PROSPECT)
        given = given if given in (REP, PROSPECT) else PROSPECT
        if self.speakers_separated:
            role = given
        else:
            # speakers cannot be told apart: every utterance is taken as a new turn by the other side
            role = given if i == 0 else other(self._utts[-1].role)
        start = _finite(getattr(utterance, "start", 0.0), self._utts[-1].end if self._utts else 0.0)
        end = max(start, _finite(getattr(utterance, "end", start), start))
        text = getattr(utterance, "text", "")
        text = text if isinstance(text, str) else str(text)
        sure = min(1.0, max(0.5, _finite(getattr(utterance, "speaker_confidence", 1.0), 1.0)))
        u = _Utt(given, role, start, end, text, sure)
        self._utts.append(u)
        r = self._turn_reading(i, role, text)
        self._readings.append(r)
        events = self._dialogue.feed(i, role, r)
        self._observe(i, u, r, events)
        self._hear(i, role, text, r)
        self._state = self._build_state()
        return self._state

    def verdict(self) -> Verdict:
        """The verdict on the call so far, typed; ``to_json()`` is DESIGN.md's object."""
        from copilot.coach.verdict import build_verdict

        return build_verdict(self)

    def _turn_reading(self, i: int, role: str, text: str) -> Reading:
        """Speech recognition splits sentences across utterances ("so what I'd suggest" / "is a demo with your
        team"): what is put forward is read across the turn's last few utterances; how this one answers is its own."""
        own = self._read(text, role)
        prev: list[int] = []
        k = i - 1
        while k >= 0 and len(prev) < _TURN_JOIN and self._utts[k].role == role:
            prev.append(k)
            k -= 1
        if not prev or (own.step is not None and own.step.specific):
            return own
        joined_text = " ".join([self._utts[k].text for k in reversed(prev)] + [text])
        joined = read(joined_text, self.playbook)
        if joined.step is None or not joined.step.specific or not (Act.PROPOSE in joined.acts):
            return own
        # the step is new only if it was not already read from the earlier part of the turn
        if any(self._readings[k].step is not None and self._readings[k].step == joined.step for k in prev):
            return own
        earlier = read(" ".join(self._utts[k].text for k in reversed(prev)), self.playbook)
        if earlier.step is not None and earlier.step.phrase == joined.step.phrase:
            return own
        acts = set(own.acts) | {Act.PROPOSE}
        acts.discard(Act.VAGUE_STEP)
        return replace(own, acts=frozenset(acts), step=joined.step,
                       trigger=own.trigger or joined.trigger, topic=own.topic | joined.topic)

    def _read(self, text: str, role: str) -> Reading:
        r = read(text, self.playbook)
        if self._learned is not None:
            answering = self._dialogue.step_on_table(role)
            r = refine(r, text, answering, self._learned)
        return r

    # ---------------------------------------------------------------- observing
    def _hear(self, i: int, role: str, text: str, r: Reading) -> None:
        """What the utterance says about where the deal stands (the suggested step) and which commitment test fits:
        the other party counts in full, the rep's statements less and the rep's questions not at all."""
        table = self.playbook.next_steps
        theirs = role == PROSPECT or not self.speakers_separated
        heard = text
        if not self.speakers_separated:
            weight = 0.75
        elif role == PROSPECT:
            weight = 1.0
        else:
            weight = table.rep_weight if table is not None else 0.5
            if r.has(Act.ASK):  # the rep's questions are not what was heard; the statements around them are
                heard = " ".join(p for p in _SENTENCES.findall(text) if not p.rstrip().endswith("?"))
                weight = weight if heard.strip() else 0.0
        groups = self._suggester.feed(i, f" {normalize(heard).text} ", heard, weight=weight)
        if role == PROSPECT and self.speakers_separated and i > 0 and self._utts[i - 1].role == REP \
                and (r.accept_strength > 0 or r.assent_first) and table is not None and table.rep_weight < 1:
            # "yeah, that's the thing": the other party confirms the rep's summary, so it counts as theirs
            said = self._utts[i - 1].text
            self._suggester.feed(i, f" {normalize(said).text} ", said, weight=1.0 - table.rep_weight, at=i - 1)
        if not self.speakers_separated:  # no telling who answered: a worry is open for the next utterance only
            self._concern_open = self._timeline_open = False
        elif role == REP:
            self._concern_open = self._timeline_open = False  # the rep answered
        if theirs:
            if any(g.concern for g in groups):
                self._concern_open = True
            for kind, strength in r.signals:
                if kind == "timeline":
                    self._timeline_open = strength == "weak"
                    self._timeline_heard = self._timeline_heard or strength == "strong"

    def _ev(self, i: int) -> Evidence:
        u = self._utts[i]
        return Evidence(utterance=i, t=u.start, text=u.text, speaker=u.speaker)

    def _observe(self, i: int, u: _Utt, r: Reading, events: list[tuple[str, Step]]) -> None:
        role = u.role
        pb = self.playbook
        party = pb.other_party
        self._talk[role] = self._talk.get(role, 0.0) + (u.end - u.start)
        if r.has(Act.ASK):
            self._questions[role] = self._questions.get(role, 0) + 1
        if self._run is not None and self._run[0] == role:
            self._run = (role, self._run[1], u.end)
        else:
            self._run = (role, u.start, u.end)
        length = self._run[2] - self._run[1]
        if not self._mono or length > self._mono["seconds"]:
            self._mono = {"speaker": role, "seconds": round(length, 1), "start": round(self._run[1], 3),
                          "end": round(self._run[2], 3)}
        if role == REP or not self.speakers_separated:
            if r.has(Act.SUMMARIZE):
                self._summarize.append(i)
            if r.has(Act.CONFIRM):
                self._confirm.append(i)
        # objections and signals from the other party
        if (role == PROSPECT or not self.speakers_separated) and r.objection is not None and r.accept_strength < 2:
            last = self._objections[-1] if self._objections else None
            repeated = last is not None and last.type == r.objection and i - last.utterance <= 2
            if not repeated:
                self._objections.append(Objection(i, u.start, r.objection, u.text,
                                                  pb.objection_try.get(r.objection, "")))
                self._open_objection = len(self._objections) - 1
        elif role == REP and self._open_objection is not None:
            obj = self._objections[self._open_objection]
            if r.has(Act.ASK) or r.times or r.has(Act.PROPOSE):
                self._coach(u.start, "Objection handling", f"Rep answered the '{_label(obj.type)}' objection with a "
                            "question or a concrete step instead of accepting it.", None, "Strength")
            else:
                self._coach(u.start, "Objection handling", f"The {party} said '{_snip(obj.text)}' and the rep let it "
                            "stand.", obj.try_)
            self._open_objection = None
        if role == PROSPECT:
            for kind, strength in r.signals:
                self._signals.append(CommitmentSignal(i, u.start, kind, strength, u.text))
        # weak next steps (either side), unless the same words pin a concrete step
        focal = self._dialogue.focal()
        secured_now = focal is not None and focal.kind == "specific" and focal.status == "accepted" \
            and focal.specific_time
        if r.weak is not None and not (r.has(Act.PROPOSE) and (r.times or r.trigger)) and not secured_now \
                and not r.has(Act.RETRACT) and not r.has(Act.INVITE_SENT) and not (r.has(Act.ASK) and r.times):
            self._weak.append(WeakNextStep(i, u.start, u.text, r.weak[1]))
            if role == REP:
                self._coach(u.start, "Commitment", f"Weak next step: '{_snip(u.text)}'.", r.weak[1])
        # clarity: the rep settles for a time the calendar cannot hold ("next week", "soon")
        weak_here = bool(self._weak) and self._weak[-1].utterance == i and role == REP
        if role == REP and r.vague_times and not r.times and (r.has(Act.PROPOSE) or r.has(Act.VAGUE_STEP)) \
                and not secured_now and not weak_here:
            phrase = r.vague_times[0].text
            if phrase not in self._clarity_coached and phrase not in ("later", "soon"):
                self._clarity_coached.add(phrase)
                self._coach(u.start, "Clarity", f"'{phrase}' is not a time anyone can put in a calendar.",
                            pb.suggestions.get("pin_time", "What day and time works? Let's get it on the calendar now."))
        # control: a step stated by the rep and not confirmed
        if self._await_ack is not None and role == PROSPECT:
            _, st = self._await_ack
            if st.status != "accepted" and st.index not in self._control_coached:
                self._control_coached.add(st.index)
                when = spoken_time(st) or "that time"
                self._coach(u.start, "Control", f"Rep stated next step but didn't confirm {party}'s agreement.",
                            pb.suggestions.get("confirm_time", "Does {time} work on your end?").format(time=when))
            self._await_ack = None
        for kind, st in events:
            if kind == "stated" and role == REP and st.kind == "specific" and st.has_specific_slot and not (
                    r.has(Act.ASK) or r.has(Act.ACK_REQUEST)) and st.status != "accepted":
                self._await_ack = (i, st)
            elif kind == "retracted":
                when = spoken_time(st) or "the slot"
                self._coach(u.start, "Commitment", f"The {party} took back the agreement.",
                            f"What would need to happen to keep {when}? Can we hold it while you check?")
            elif kind == "left" and st.status != "accepted":
                when = spoken_time(st) or "the next step"
                self._coach(u.start, "Control", f"The {party} left without agreeing to the step.",
                            pb.suggestions.get("confirm_time", "Does {time} work?").format(time=when))
            elif kind == "invite" and role == REP:
                self._coach(u.start, "Close timing", "Rep sent the calendar invite during the call.", None, "Strength")
        if self._dialogue.lock_evidence and not self._lock_praised:
            self._lock_praised = True
            self._coach(self._utts[self._dialogue.lock_evidence[0]].start, "Close timing",
                        "Rep offered concrete times to choose from.", None, "Strength")

    def _coach(self, t: float, category: str, message: str, try_: str | None, kind: str = "Improvement") -> None:
        m = CoachingMoment(t=t, category=category, message=message, try_=try_, kind=kind)
        if m not in self._coaching_seen:
            self._coaching_seen.add(m)
            bisect.insort(self._coaching, m, key=lambda x: x.t)  # kept in time order as it grows

    # ---------------------------------------------------------------- state
    def _build_state(self) -> CloseState:
        dlg = self._dialogue
        focal = dlg.focal()
        evs = self._ev
        specific = [s for s in dlg.steps if s.kind == "specific"]
        act_ev: tuple[Evidence, ...] = ()
        if focal is not None and focal.kind == "specific":
            act_ev = tuple(evs(k) for k in focal.action_evidence[:3])
        elif specific:
            act_ev = tuple(evs(k) for k in specific[0].action_evidence[:3])
        crit_action = Criterion(met=bool(specific), evidence=act_ev, confidence=1.0 if specific else 0.0)
        time_met = focal is not None and focal.specific_time
        crit_time = Criterion(
            met=bool(time_met),
            evidence=tuple(evs(k) for k in (focal.time_evidence if focal is not None and time_met else [])[-3:]),
            kind=focal.time_kind if focal is not None and time_met else None,
            confidence=self._time_confidence(focal) if time_met and focal is not None else 0.0,
        )
        ack = focal is not None and focal.status == "accepted" and PROSPECT in focal.agreed_by
        crit_ack = Criterion(met=bool(ack), evidence=tuple(evs(k) for k in (focal.ack_evidence[-3:] if ack and focal
                                                                              else [])),
                             confidence=(focal.ack_confidence if ack and focal is not None else 0.0)
                             * (1.0 if self.speakers_separated else 0.6)
                             * (self._heard_from_them(focal.ack_evidence) if ack and focal is not None else 1.0))
        criteria = {"specific_action": crit_action, "specific_time_or_trigger": crit_time, "acknowledged": crit_ack}
        secured = all(c.met for c in criteria.values())
        stages = {
            "summarize": Stage(bool(self._summarize), tuple(evs(k) for k in self._summarize[:2])),
            "confirm": Stage(bool(self._confirm), tuple(evs(k) for k in self._confirm[:2])),
            "propose": Stage(bool(dlg.propose_evidence), tuple(evs(k) for k in dlg.propose_evidence[:3])),
            "lock": Stage(bool(dlg.lock_evidence), tuple(evs(k) for k in dlg.lock_evidence[:3])),
        }
        total = sum(self._talk.values()) or 1.0
        metrics = Metrics(
            talk_ratio={k: round(v / total, 3) for k, v in self._talk.items()} if sum(self._talk.values()) else {},
            longest_monologue=dict(self._mono),
            questions=dict(self._questions),
        )
        state = CloseState(
            criteria=criteria,
            stages=stages,
            next_step=self._next_step(focal),
            next_steps_secured=secured,
            commitment_level=self._commitment(focal, secured),
            weak_next_steps=tuple(self._weak),
            objections=tuple(self._objections),
            signals=tuple(self._signals),
            coaching=tuple(self._coaching),
            metrics=metrics,
            prompt="",
            utterance_count=len(self._utts),
            suggested_next_step=self._suggested_step(),
        )
        return self._with_prompt(state, focal)

    def _suggested_step(self) -> SuggestedStep | None:
        s = self._suggester.suggestion()
        if s is None:
            return None
        return SuggestedStep(stage=s.stage, action=s.action, with_=s.with_,
                             evidence=tuple(self._ev(k) for k in s.evidence if k < len(self._utts)))

    def _with_prompt(self, state: CloseState, focal: Step | None) -> CloseState:
        """The state with the prompt for now, and the calendar's free slots when the prompt offers them."""
        prompt, offers = self._prompt(focal, state)
        return replace(state, prompt=prompt, offered_slots=self.free_slots if offers else ())

    def _heard_from_them(self, ack_evidence: list[int]) -> float:
        """How sure it is that the yes came from the other party: the surest attribution among the utterances that
        agreed (1.0 on separate channels; lower when a mono recording's voices were told apart by sound), so a yes
        that hangs on a doubtful attribution shows as unclear instead of as a tick."""
        sure = [self._utts[k].speaker_confidence for k in ack_evidence if 0 <= k < len(self._utts)]
        return max(sure) if sure else 1.0

    def voice_attributed_share(self) -> float | None:
        """The share of speech whose speaker was told by voice with confidence (>= UNCLEAR_BELOW), or None when
        every speaker was given (channels, captions)."""
        if all(u.speaker_confidence >= 1.0 for u in self._utts):
            return None
        total = sum(max(0.0, u.end - u.start) for u in self._utts) or 1.0
        return sum(max(0.0, u.end - u.start) for u in self._utts if u.speaker_confidence >= UNCLEAR_BELOW) / total

    def _time_confidence(self, st: Step) -> float:
        """A time heard only from the rep while the speakers cannot be told apart is less sure."""
        if st.trigger is not None and not st.has_specific_slot:
            return 0.85
        return 1.0 if self.speakers_separated else 0.7

    def _commitment(self, focal: Step | None, secured: bool) -> int:
        if secured and focal is not None:
            if focal.invite_sent and focal.invite_accepted:
                return 5
            if focal.appointment:
                return 4
            return 3
        steps = self._dialogue.steps
        if focal is not None and focal.kind == "specific" and focal.status == "accepted":
            return 2  # agreed to the action, but the timing stayed vague
        if any(o.type == "send_info" for o in self._objections):
            return 1
        latest = max(steps, key=lambda s: (s.stated_at, s.index)) if steps else None
        if latest is not None and latest.kind == "info" and (focal is None or focal.status != "accepted"):
            return 1  # it ends on sending information
        agreed = [s for s in steps if s.status == "accepted"]
        if not agreed:
            loose = any(s.kind == "vague" for s in steps) or any(s.status == "hedged" for s in steps)
            return 2 if loose else 1
        last = max(agreed, key=lambda s: (s.accepted_at or -1, s.index))
        return 1 if last.kind == "info" else 2

    def _next_step(self, focal: Step | None) -> NextStep | None:
        if focal is None:
            return None
        slot = focal.best_slot()
        when = slot.when if slot is not None and focal.time_kind == "datetime" and slot.mention.kind != "duration" \
            else None
        if slot is not None and slot.mention.kind == "duration" and focal.time_kind == "datetime":
            when = slot.when
        agreed: list[str] = []
        if focal.status == "accepted":
            agreed = [r for r in (REP, PROSPECT) if r in focal.agreed_by]
        elif focal.stated_by:
            agreed = [focal.stated_by]
        ev_idx = sorted(set(focal.action_evidence + focal.time_evidence + focal.ack_evidence))[:6]
        has_time = slot is not None and (slot.mention.hour is not None or slot.mention.eod
                                         or slot.mention.part is not None or slot.mention.kind == "duration")
        trigger = focal.trigger.text if focal.trigger is not None and focal.time_kind == "trigger" else None
        return NextStep(action=self._shown_action(focal), when=when, trigger=trigger, agreed_by=tuple(agreed),
                        evidence=tuple(self._ev(k) for k in ev_idx), when_has_time=has_time,
                        length_minutes=focal.length_minutes, attendees=tuple(focal.attendees))

    def _turn_text(self, k: int) -> str:
        ks = [k]
        while len(ks) <= _TURN_JOIN and ks[-1] > 0 and self._utts[ks[-1] - 1].role == self._utts[k].role:
            ks.append(ks[-1] - 1)
        return " ".join(self._utts[j].text for j in reversed(ks))

    def _shown_action(self, step: Step) -> str | None:
        """The step's action as a short phrase in the speaker's own words and casing (never a whole sentence)."""
        action = step.action
        where = list(step.action_evidence)
        if action is None:
            where = sorted(set(step.statements + [step.first_utterance]))
            action = self._weak_phrase(step, where) or ("send information" if step.kind == "info" else
                                                        "follow up" if step.kind == "vague" else None)
        if not action:
            return action
        for k in where:
            if k < len(self._utts):
                shown = restore_case(action, self._utts[k].text) or restore_case(action, self._turn_text(k))
                if shown:
                    return shown
        return action

    def _weak_phrase(self, step: Step, where: list[int]) -> str | None:
        """The words that name a vague or send-information step ("send some info", "touch base")."""
        from copilot.coach.text import normalize

        name = {"info": "send_info", "vague": "vague_step"}.get(step.kind)
        if name is None:
            return None
        for k in where:
            if k >= len(self._utts):
                continue
            padded = f" {normalize(self._utts[k].text).text} "
            m = self.playbook.find(name, padded) or self.playbook.find("hand_back", padded)
            if m is not None:
                tail = []
                for w in padded[m.end():].split()[:2]:
                    if not w.isalpha() or w in _PHRASE_END:
                        break
                    tail.append(w)  # "forward me the pricing" + "sheet"
                words = [w for w in padded[m.start():m.end()].split() + tail
                         if w not in ("|", "me", "us", "you", "over", "across", "along")]
                while len(words) > 1 and words[0] in ("ill", "well", "i", "we", "lets", "just", "to", "and", "so"):
                    words = words[1:]
                return " ".join(words[:6]) or None
        return None

    def _prompt(self, focal: Step | None, state: CloseState | None) -> tuple[str, bool]:
        """The single most useful thing to say now, and whether it offers the calendar's free slots."""
        sug = self.playbook.suggestions
        if self._open_objection is not None and (state is None or not state.next_steps_secured):
            return self._objections[self._open_objection].try_, False
        lock = sug.get("lock", "I have {slot1} or {slot2} — which works better?")
        suggestion = self._suggester.suggestion()
        if focal is None or focal.kind != "specific":
            test = self._commitment_test(focal, suggestion)
            if test is not None:
                return test, False
            action = sug.get("default_action", "a demo")
            why = None
            if suggestion is not None:
                action, why = _spoken_suggestion(suggestion)
            # the Propose stage: a step is on the table, the close has begun, or enough was heard to suggest one
            in_close = focal is not None or bool(self._summarize or self._confirm) or suggestion is not None
            if len(self.free_slots) < 2 or not in_close:
                if why is not None:
                    return sug.get("propose_because", "A good next step would be {action} — {why}.").format(
                        action=action, why=why), False
                return sug.get("propose", "A good next step would be {action}.").format(action=action), False
            a, b = self._two_slots()
            if why is not None:
                return sug.get("propose_because_slots", "A good next step would be {action} — {why}. {slot1} or "
                               "{slot2}?").format(action=action, why=why, slot1=a, slot2=b), True
            return sug.get("propose_slots", "A good next step would be {action} — {slot1} or {slot2}?").format(
                action=action, slot1=a, slot2=b), True
        if not focal.specific_time:
            if focal.status == "hedged" or (focal.status == "accepted" and state is not None
                                            and state.criteria["acknowledged"].unclear):
                # agreed only half-way and not locked: test the commitment before asking for a time
                return sug.get("test_risk", "Is there anything that could prevent this?"), False
            a, b = self._two_slots()
            return lock.format(slot1=a, slot2=b), len(self.free_slots) >= 2
        when = spoken_time(focal)
        if focal.status != "accepted" or (state is not None and state.criteria["acknowledged"].confidence
                                          < UNCLEAR_BELOW):
            if when is None and focal.trigger is not None:
                return "Does that plan work for you — once that happens, we lock the time right away?", False
            return sug.get("confirm_time", "Does {time} work on your end?").format(time=when or "that time"), False
        if focal.time_kind == "datetime" and not focal.invite_sent:
            return sug.get("invite", "I'm sending the invite now — can you accept it while we're on?"), False
        return sug.get("secured", "Recap who does what by when."), False

    def _commitment_test(self, focal: Step | None, suggestion: Suggestion | None) -> str | None:
        """The method's commitment test that fits now, before a specific step is on the table, or None.

        A worry the other party just voiced (security, cost, …) gets "If what you see in the deep-dive addresses
        your concerns, what would the next step be?"; a timeline played down ("no rush"), or a vague step agreed
        with no timeline ever heard, gets "What would need to happen for you to move forward this quarter?"."""
        sug = self.playbook.suggestions
        if self._concern_open:
            noun = suggestion.noun if suggestion is not None and suggestion.noun else "the next step"
            return sug.get("test_concern", "If what you see in {noun} addresses your concerns, what would the next "
                           "step be?").format(noun=noun)
        vague_agreed = focal is not None and focal.status == "accepted" and not self._timeline_heard
        if self._timeline_open or vague_agreed:
            return sug.get("test_timeline", "What would need to happen for you to move forward this quarter?")
        return None

    def _two_slots(self) -> tuple[str, str]:
        """Two times to offer: the calendar's free slots when there are two, else two plausible ones."""
        if len(self.free_slots) >= 2:
            return spoken_slot(self.free_slots[0], self.call_date), spoken_slot(self.free_slots[1], self.call_date)
        d = self.call_date.date()
        days: list[date] = []
        k = 1
        while len(days) < 3:
            cand = d + timedelta(days=k)
            if cand.weekday() < 5:
                days.append(cand)
            k += 1
        first, second = days[0], days[2]
        return f"{WEEKDAY_NAMES[first.weekday()]} at 2pm", f"{WEEKDAY_NAMES[second.weekday()]} at 10am"


def spoken_slot(when: datetime, call_date: datetime) -> str:
    """A slot as a rep would say it: "Tuesday at 2pm", "Thursday at 10:30am", "Monday the 14th at 9am" (a week or
    more ahead). Fixed English names: no process locale."""
    hour = when.hour % 12 or 12
    clock = f"{hour}{'' if when.minute == 0 else f':{when.minute:02d}'}{'am' if when.hour < 12 else 'pm'}"
    day = WEEKDAY_NAMES[when.weekday()]
    if (when.date() - call_date.date()).days >= 7:
        n = when.day
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        day = f"{day} the {n}{suffix}"
    return f"{day} at {clock}"


_SENTENCES = re.compile(r"[^.?!]+[.?!]*")

_PHRASE_END = {"and", "to", "so", "i", "ill", "we", "well", "you", "if", "when", "then", "but", "or", "for", "by", "on",
               "at", "in", "with", "from", "that", "which", "because", "please", "thanks", "today", "tomorrow", "now",
               "tonight", "this", "next", "before", "after", "as", "once", "about", "over", "across"}


def _spoken_suggestion(s: Suggestion) -> tuple[str, str]:
    """The suggested step and its reason as the rep would say them: "an ROI review with your CFO", "they named the
    CFO as the budget owner" (a person by name, a role as "your …"/"the …", a default role as the playbook has it)."""
    if s.person:
        in_action, in_why = s.person, s.person
    elif s.role and s.named:
        in_action, in_why = f"your {s.role}", f"the {s.role}"
    else:
        in_action = in_why = s.with_ or ""
    action = f"{s.action} with {in_action}" if in_action else s.action
    return action, s.why.replace("{with}", in_why or "them")


def _snip(text: str, n: int = 60) -> str:
    t = " ".join(str(text).split())
    return t if len(t) <= n else t[: n - 1].rstrip() + "…"


def _label(otype: str) -> str:
    return otype.replace("_", " ")


def analyze(utterances: Sequence[Utterance], call_date: datetime, vertical: str = "sales",
            speakers_separated: bool = True, playbook_dir: Path | None = None,
            free_slots: Sequence[datetime] = ()) -> Verdict:
    """Feed a whole call and return its verdict."""
    coach = Coach(call_date, vertical=vertical, speakers_separated=speakers_separated, playbook_dir=playbook_dir,
                  free_slots=free_slots)
    for u in utterances:
        coach.feed(u)
    return coach.verdict()


__all__ = ["Coach", "analyze", "initial_state"]
